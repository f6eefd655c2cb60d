"""Django's admin for housing, one module per area: ``offers`` (the KdU tables), ``senior_flat`` (flats
and their places). Importing them here registers them: Django's autodiscovery imports only this package.
"""

from housing.admin import offers, senior_flat  # noqa: F401
