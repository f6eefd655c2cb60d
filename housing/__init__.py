"""Housing: landlords, offers, the KdU limits, placements, the senior shared flat.

Every layer is split by area as in ``cases``: ``models/``, ``forms/``, ``services/``, ``views/`` and
``admin/`` each with ``offers``, ``placements``, ``senior_flat`` (and ``districts`` where it has pages).
``board``, ``kdu``, ``occupancy`` and ``matching/`` stay at the top: they are reads that combine several
areas (offers with placements, KdU with households) for views and reports, not a layer of one area.
"""
