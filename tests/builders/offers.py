"""Building housing state for tests through the real services: landlords, offers and KdU tables."""

import itertools
from datetime import date
from decimal import Decimal

from housing.models import KduLimit, KduTable, LandlordKind
from housing.services.offers import landlord_create, offer_create

_numbers = itertools.count(1)

#: The limits used in tests (the same plausible values as the demo table, see demo.kdu).
TEST_LIMITS = {1: "420.00", 2: "510.00", 3: "610.00", 4: "700.00", 5: "790.00"}


def make_landlord(actor, **fields):
    """A landlord of the actor's organisation (a municipal housing company unless told otherwise)."""
    fields.setdefault("kind", LandlordKind.MUNICIPAL)
    fields.setdefault("name", f"Hagener Wohnungsgesellschaft {next(_numbers)}")
    return landlord_create(organisation=actor.organisation, actor=actor, **fields)


def make_offer(actor, landlord=None, **fields):
    """An available two-room flat in Hagen-Mitte for 380 € + 80 € service costs (gross cold 460 €)."""
    landlord = landlord or make_landlord(actor)
    fields.setdefault("street", f"Elberfelder Straße {next(_numbers)}")
    fields.setdefault("postcode", "58095")
    fields.setdefault("district", "mitte")
    fields.setdefault("living_space", Decimal("52.0"))
    fields.setdefault("rooms", Decimal("2"))
    fields.setdefault("floor", 1)
    fields.setdefault("cold_rent", Decimal("380.00"))
    fields.setdefault("service_costs", Decimal("80.00"))
    fields.setdefault("heating_costs", Decimal("70.00"))
    return offer_create(organisation=actor.organisation, actor=actor, landlord=landlord, **fields)


def make_kdu_table(organisation, *, limits=None, valid_from=date(2020, 1, 1), valid_until=None, **fields):
    """A KdU table with limits by household size ({size: "amount"}); 85 € per further person by default."""
    fields.setdefault("extra_person_amount", Decimal("85.00"))
    table = KduTable.objects.create(organisation=organisation, valid_from=valid_from, valid_until=valid_until, **fields)
    for size, amount in (TEST_LIMITS if limits is None else limits).items():
        KduLimit.objects.create(table=table, household_size=size, max_gross_cold_rent=Decimal(amount))
    return table
