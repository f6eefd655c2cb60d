"""The demo data of housing: the KdU table of made-up values and the senior shared flat."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from demo.kdu import DEMO_KDU_SOURCE, ensure_demo_kdu_table
from demo.senior_flat import DEMO_FLAT_NAME, ensure_demo_senior_flat
from housing import kdu
from housing.models import KduTable, SeniorFlatResidency, WaitingListEntry
from housing.occupancy import quarter_start, senior_flat_figures
from tests.builders import make_senior

TODAY = timezone.localdate()


def test_the_demo_table_is_created_once_and_marked(organisation):
    table = ensure_demo_kdu_table(organisation)

    assert table.is_demo
    assert table.source == DEMO_KDU_SOURCE == "Demowerte – bitte durch die gültigen Werte der Kommune ersetzen"
    assert {limit.household_size: limit.max_gross_cold_rent for limit in table.limits.all()} == {
        1: Decimal("420.00"),
        2: Decimal("510.00"),
        3: Decimal("610.00"),
        4: Decimal("700.00"),
        5: Decimal("790.00"),
    }
    assert kdu.limit_for(table, 7) == Decimal("960.00")
    assert ensure_demo_kdu_table(organisation) is None
    assert KduTable.objects.count() == 1


def test_the_demo_flat_has_seven_places_residents_and_a_waiting_list(social_worker, organisation):
    for number in range(9):
        make_senior(social_worker, last_name=f"Demo{number}")

    flat = ensure_demo_senior_flat(organisation)

    assert flat.name == DEMO_FLAT_NAME
    assert flat.places.count() == 7
    figures = senior_flat_figures(organisation, quarter_start(TODAY), TODAY)
    assert (figures.places, figures.occupied) == (7, 5)
    assert WaitingListEntry.objects.filter(flat=flat).waiting().count() == 3
    assert ensure_demo_senior_flat(organisation) == flat
    assert SeniorFlatResidency.objects.count() == 6


def test_demo_placements_on_new_offers_have_not_got_far_yet(social_worker, organisation):
    """Every step is planned days after the one before; a placement on an offer of last week stays early
    in the pipeline rather than reaching every step today."""
    import random

    from demo.housing import _placements
    from housing.models import Placement
    from tests.builders import make_offer, make_seeker

    offers = [make_offer(social_worker, acquired_on=TODAY - timedelta(days=5)) for _ in range(12)]
    for _ in range(12):
        make_seeker(social_worker)

    _placements(organisation, random.Random(4), TODAY, offers, [social_worker], 12)

    steps = ["proposed_on", "viewing_on", "landlord_accepted_on", "lease_signed_on", "moved_in_on"]
    for dates in Placement.objects.exclude(step="declined").values_list(*steps):
        reached = [day for day in dates if day is not None]
        assert reached[-1] <= TODAY
        assert all((later - earlier).days >= 3 for earlier, later in itertools.pairwise(reached)), dates
