"""Forms of housing, one module per area as in ``models/``, ``services/`` and ``views/``: ``offers``
(landlords, offers, housing searches), ``districts``, ``placements``, ``senior_flat``; ``common`` holds
the date inputs and client choice lists they share."""
