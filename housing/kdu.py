"""The KdU check: is a flat's gross cold rent within the appropriateness limit for a household size?

The limits are a table the administration maintains with validity dates (KduTable + KduLimit).
Households larger than the table get the largest size's limit plus the table's amount per further
person; when the table defines no such amount, or no table is valid, or the rent is missing, the
result is "unknown" — never silently "fits".
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from housing.models import KduTable

WITHIN = "within"
EXCEEDS = "exceeds"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class KduResult:
    status: str
    household_size: int
    gross_cold_rent: Decimal | None
    limit: Decimal | None
    reason: str
    is_demo: bool = False

    @property
    def fits(self):
        return self.status == WITHIN

    @property
    def difference(self):
        if self.limit is None or self.gross_cold_rent is None:
            return None
        return self.gross_cold_rent - self.limit


def table_for(organisation, on):
    """The table valid on the day, with its limits loaded (one query), or None."""
    return (
        KduTable.objects.all_of_organisation(organisation)
        .valid_on(on)
        .prefetch_related("limits")
        .order_by("-valid_from")
        .first()
    )


def limit_for(table, household_size):
    """The limit for a household size from a loaded table, or None when it cannot be determined."""
    if table is None or household_size < 1:
        return None
    limits = {limit.household_size: limit.max_gross_cold_rent for limit in table.limits.all()}
    if not limits:
        return None
    if household_size in limits:
        return limits[household_size]
    largest = max(limits)
    if household_size > largest and table.extra_person_amount is not None:
        return limits[largest] + (household_size - largest) * table.extra_person_amount
    return None


def kdu_check(*, table, gross_cold_rent, household_size):
    """Compare a gross cold rent with the limit of the loaded table for the household size."""
    if table is None:
        return KduResult(UNKNOWN, household_size, gross_cold_rent, None, _("No KdU table is valid on this date."))
    limit = limit_for(table, household_size)
    if limit is None:
        reason = _("The KdU table has no limit for a household of %(size)s persons.") % {"size": household_size}
        return KduResult(UNKNOWN, household_size, gross_cold_rent, None, reason, table.is_demo)
    if gross_cold_rent is None:
        return KduResult(UNKNOWN, household_size, None, limit, _("The rent is not known."), table.is_demo)
    values = {"rent": _euro(gross_cold_rent), "limit": _euro(limit), "size": household_size}
    if gross_cold_rent <= limit:
        reason = _("Gross cold rent %(rent)s is within the limit of %(limit)s for %(size)s persons.") % values
        return KduResult(WITHIN, household_size, gross_cold_rent, limit, reason, table.is_demo)
    reason = _("Gross cold rent %(rent)s exceeds the limit of %(limit)s for %(size)s persons.") % values
    return KduResult(EXCEEDS, household_size, gross_cold_rent, limit, reason, table.is_demo)


def _euro(amount):
    return f"{amount:,.2f} €".replace(",", "X").replace(".", ",").replace("X", ".")
