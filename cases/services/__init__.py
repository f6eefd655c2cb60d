"""Writes of case work, one module per area. Views and commands call these, never the ORM directly."""
