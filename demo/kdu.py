"""The demo KdU table, called by ``seed_demo``: made-up values, marked as such."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from housing.models import KduLimit, KduTable

DEMO_KDU_SOURCE = "Demowerte – bitte durch die gültigen Werte der Kommune ersetzen"

#: Plausible, but invented, limits of the gross cold rent by household size (EUR).
DEMO_KDU_LIMITS = {
    1: Decimal("420.00"),
    2: Decimal("510.00"),
    3: Decimal("610.00"),
    4: Decimal("700.00"),
    5: Decimal("790.00"),
}
DEMO_KDU_EXTRA_PERSON = Decimal("85.00")
DEMO_KDU_VALID_FROM = date(2024, 1, 1)


@transaction.atomic
def ensure_demo_kdu_table(organisation):
    """Give the organisation a demo KdU table unless it has any table; returns the table or None.

    The table is marked ``is_demo`` so that every page using it shows a "Demowerte" badge, and its
    source says to replace it. It is valid from 2024 with an open end; Verwaltung ends it in the admin
    when entering the real table. Running it twice creates nothing twice.
    """
    if KduTable.objects.all_of_organisation(organisation).exists():
        return None
    table = KduTable.objects.create(
        organisation=organisation,
        valid_from=DEMO_KDU_VALID_FROM,
        extra_person_amount=DEMO_KDU_EXTRA_PERSON,
        is_demo=True,
        source=DEMO_KDU_SOURCE,
    )
    KduLimit.objects.bulk_create(
        KduLimit(table=table, household_size=size, max_gross_cold_rent=amount)
        for size, amount in DEMO_KDU_LIMITS.items()
    )
    return table
