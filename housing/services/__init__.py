"""Writes of housing, one module per area (``offers``, ``placements``, ``senior_flat``, ``districts``).
Views and commands call these, never the ORM directly."""
