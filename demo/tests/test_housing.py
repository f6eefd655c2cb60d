"""The demo data of housing: the KdU table of made-up values, the senior shared flat, the housing searches."""

import itertools
import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cases.models import Client
from demo.clients import seed_clients
from demo.housing import housing_searches
from demo.kdu import DEMO_KDU_SOURCE, ensure_demo_kdu_table
from demo.senior_flat import DEMO_FLAT_NAME, ensure_demo_senior_flat
from hagen_zuhause.codes import YesNoUnknown
from housing import kdu
from housing.models import District, HousingSearch, KduTable, SeniorFlatResidency, WaitingListEntry
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


def test_demo_searches_give_the_matching_wishes_to_weigh(organisation, social_worker, team_lead):
    """Three in five waiting households have a search: some name districts, older people more often need
    a barrier-free flat; households without a search stay without one, and a second run adds none."""
    seed_clients(organisation=organisation, count=400, seed=1, today=TODAY)
    waiting = Client.objects.filter(organisation=organisation, waiting_since__isnull=False)

    created = housing_searches(organisation, random.Random(1), TODAY)

    searches = HousingSearch.objects.filter(client__organisation=organisation)
    assert created == searches.count()
    assert 0.45 <= created / waiting.count() <= 0.75
    assert not searches.filter(client__waiting_since__isnull=True).exists()
    assert searches.exclude(districts=[]).exists() and searches.filter(districts=[]).exists()
    district_codes = {code for code, _name in District.objects.of_organisation(organisation).choices()}
    assert {code for districts in searches.values_list("districts", flat=True) for code in districts} <= district_codes
    seniors = searches.filter(client__target_group_memberships__group="seniors").distinct()
    others = searches.exclude(client__target_group_memberships__group="seniors")
    assert seniors.exists() and others.exists()
    need = YesNoUnknown.YES
    assert (
        seniors.filter(barrier_free_needed=need).count() / seniors.count()
        > others.filter(barrier_free_needed=need).count() / others.count()
    )
    assert housing_searches(organisation, random.Random(1), TODAY) == 0
