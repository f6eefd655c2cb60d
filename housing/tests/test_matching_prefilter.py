"""The pre-filtered rankings against assessing everyone in Python (the way matching worked before).

Matching fetches only the candidates that the hard rules do not rule out, ranks them on a few
columns and loads the details of one page. These tests build varied households and flats (sizes,
members, searches with and without districts, barrier-free need, floors and lifts, WBS yes/no/unknown,
rents within, above and at the KdU limit or unknown, minimum rooms) and check that every ranking,
every page and every count equals the reference: annotate every candidate, assess each with
:func:`housing.matching.assess`, sort.
"""

import dataclasses
import random
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Client, HouseholdMember, ProcessingRestriction
from cases.services.cases import case_open
from cases.services.restriction import processing_restrict
from demo.municipalities import HAGEN_DISTRICTS
from hagen_zuhause.codes import CaseType, Relationship, TargetGroup, YesNoUnknown
from housing import kdu, matching
from housing.matching.rankings import _kdu_class, _verdict
from housing.matching.rules import _OFFER_RULE_FIELDS, _fit_reasons, _notes, _suggestion
from housing.models import HousingOffer, HousingSearch, KduTable, OfferStatus
from housing.services.offers import housing_search_save
from housing.services.placements import placement_propose
from tests.builders import make_client, make_landlord, make_offer

TODAY = date(2026, 11, 25)
YES_NO_UNKNOWN = [YesNoUnknown.YES, YesNoUnknown.NO, YesNoUnknown.UNKNOWN]
DISTRICTS = [code for code, _name in HAGEN_DISTRICTS]


# --- The reference: every candidate assessed in Python ----------------------------------------


def _open_provision_cases():
    return Case.objects.filter(client=OuterRef("pk"), case_type=CaseType.PROVISION, closed_on__isnull=True)


def reference_household(client):
    """The household counted from its rows: its members and its open provision case, not the waiting
    list the database keeps on the client (Client.household_size, Client.waiting_since)."""
    members = HouseholdMember.objects.filter(client=client).count()
    open_provision = Case.objects.filter(client=client, case_type=CaseType.PROVISION, closed_on__isnull=True)
    waiting_since = open_provision.values_list("opened_on", flat=True).first()
    return dataclasses.replace(matching.household_of(client), size=1 + members, waiting_since=waiting_since)


def reference_matches(offer, user, table, *, include_unfit):
    """Households for an offer as before the pre-filter: annotate all, assess all, sort."""
    restricted = ProcessingRestriction.objects.filter(client=OuterRef("pk"), lifted_at__isnull=True)
    clients = (
        Client.objects.visible_to(user)
        .not_anonymised()
        .filter(Exists(_open_provision_cases()))
        .exclude(Exists(restricted))
    )
    suggestions = [
        _suggestion(offer, reference_household(client), table, TODAY, client.already_proposed)
        for client in matching.households(clients, TODAY, offer=offer)
    ]
    if not include_unfit:
        suggestions = [suggestion for suggestion in suggestions if suggestion.fits]

    # Among households waiting since the same day, the case opened first (registered first) leads.
    open_case = dict(
        Client.objects.filter(pk__in=[s.client.pk for s in suggestions])
        .values_list("pk", "cases__pk")
        .filter(cases__case_type=CaseType.PROVISION, cases__closed_on__isnull=True)
    )

    def order(suggestion):
        waiting = suggestion.household.waiting_since
        client = suggestion.client
        return (
            not suggestion.fits,
            -suggestion.score,
            waiting is None,
            waiting or TODAY,
            open_case[client.pk],
            client.pk,
        )

    return sorted(suggestions, key=order)


def reference_offers(client, user, table, *, include_unfit):
    """Open offers for a household as before the pre-filter: assess every open offer, sort."""
    household = matching.household_for(client, today=TODAY)
    offers = HousingOffer.objects.visible_to(user).open().select_related("landlord")
    suggestions = [_suggestion(offer, household, table, TODAY, False) for offer in offers]
    if not include_unfit:
        suggestions = [suggestion for suggestion in suggestions if suggestion.fits]

    def order(suggestion):
        offer = suggestion.offer
        return (not suggestion.fits, -suggestion.score, offer.status != OfferStatus.AVAILABLE, -offer.pk)

    return sorted(suggestions, key=order)


def seen(suggestions):
    """What a worker sees of a ranking: who or which flat, in which order, with which reasons."""
    return [
        (
            suggestion.client.pk,
            suggestion.offer.pk,
            suggestion.fits,
            suggestion.score,
            [(reason.status, reason.text, reason.points) for reason in suggestion.reasons],
            suggestion.already_proposed,
        )
        for suggestion in suggestions
    ]


# --- Varied data -----------------------------------------------------------------------------


def _random_search(rng):
    return {
        "districts": rng.sample(DISTRICTS, rng.choice([0, 0, 1, 2, 3])),
        "barrier_free_needed": rng.choice(YES_NO_UNKNOWN),
        "max_floor_without_lift": rng.choice([None, None, 0, 1, 2, 3]),
        "min_rooms": rng.choice([None, None, Decimal("1"), Decimal("2"), Decimal("2.5"), Decimal("3"), Decimal("4")]),
        "wbs_available": rng.choice(YES_NO_UNKNOWN),
    }


def make_households(actor, team_lead, rng, count=70):
    """Households of 1 to 8 persons, with and without searches and target groups, waiting since varied days."""
    clients = []
    for number in range(count):
        groups = rng.sample([TargetGroup.SENIORS, TargetGroup.WOMEN, TargetGroup.EU2], rng.choice([0, 0, 1, 2]))
        client = make_client(
            actor,
            first_name=rng.choice(["Anna", "Ömer", "Zoe", "Ana"]),
            last_name=rng.choice(["Özdemir", "Oster", "Becker", "Bäcker", "Ivanov"]),
            target_groups=groups,
            target_groups_from=date(2026, 1, 1),
        )
        members = rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 5, 7])
        HouseholdMember.objects.bulk_create(
            HouseholdMember(client=client, relationship=Relationship.CHILD) for _ in range(members)
        )
        # Some households wait since the same day, so that the order of their cases decides.
        opened_on = date(2026, 1, 1 + rng.choice([0, 0, 5, 10, 20, 27]))
        case_open(client=client, case_type=CaseType.PROVISION, actor=actor, opened_on=opened_on)
        if number % 4:
            housing_search_save(client=client, actor=actor, **_random_search(rng))
        clients.append(client)
    # Never candidates: no provision case, a restricted client of a colleague, an anonymised one, one
    # whose processing is restricted (Art. 18 GDPR; for every user, the team lead too).
    make_client(actor)
    hidden = make_client(team_lead, restricted=True)
    case_open(client=hidden, case_type=CaseType.PROVISION, actor=team_lead)
    objected = make_client(actor)
    case_open(client=objected, case_type=CaseType.PROVISION, actor=actor)
    processing_restrict(client=objected, actor=team_lead, reason="Widerspruch nach Art. 21 DSGVO")
    gone = make_client(actor)
    case_open(client=gone, case_type=CaseType.PROVISION, actor=actor)
    Client.objects.filter(pk=gone.pk).update(anonymised_at=timezone.now())
    return clients


def make_offers(actor, rng, count=30):
    """Flats of 1 to 6 rooms on every floor, with rents within, above, exactly at the limit or unknown."""
    landlord = make_landlord(actor)
    offers = [
        # 340 € + 80 € = 420 €: exactly the limit for one person.
        make_offer(actor, landlord, rooms=Decimal("1"), cold_rent=Decimal("340"), service_costs=Decimal("80")),
        make_offer(actor, landlord, rooms=Decimal("6"), cold_rent=Decimal("300"), service_costs=None),
    ]
    for _ in range(count):
        offers.append(
            make_offer(
                actor,
                landlord,
                rooms=rng.choice([Decimal(r) for r in ("1", "1.5", "2", "2.5", "3", "4", "5", "6")]),
                district=rng.choice(DISTRICTS),
                floor=rng.choice([None, -1, 0, 1, 2, 3, 5]),
                lift=rng.choice(YES_NO_UNKNOWN),
                barrier_free=rng.choice(YES_NO_UNKNOWN),
                wbs_required=rng.choice(YES_NO_UNKNOWN),
                cold_rent=Decimal(rng.choice([200, 300, 380, 450, 520, 600, 700, 900])),
                service_costs=rng.choice([None, Decimal("60"), Decimal("80"), Decimal("120")]),
                status=rng.choice([OfferStatus.AVAILABLE, OfferStatus.AVAILABLE, OfferStatus.RESERVED]),
            )
        )
    return offers


@pytest.fixture
def varied(social_worker, team_lead, admin_staff, kdu_table):
    rng = random.Random(20261125)
    households = make_households(social_worker, team_lead, rng)
    offers = make_offers(admin_staff, rng)
    # Already proposed: shown as such, ranked as any other.
    placement_propose(offer=offers[0], client=households[0], actor=social_worker)
    return households, offers


def tables(organisation, kdu_table):
    """The valid table; then one that ends at three persons without an amount for further persons;
    then no valid table at all (each step changes the table in the database)."""
    yield kdu.table_for(organisation, TODAY)
    kdu_table.limits.filter(household_size__gt=3).delete()
    KduTable.objects.filter(pk=kdu_table.pk).update(extra_person_amount=None)
    yield kdu.table_for(organisation, TODAY)
    KduTable.objects.filter(pk=kdu_table.pk).update(valid_until=date(2021, 1, 1))
    assert kdu.table_for(organisation, TODAY) is None
    yield None


# --- Households for an offer -----------------------------------------------------------------


def test_the_prefilter_keeps_exactly_the_households_that_fit(varied, social_worker, organisation, kdu_table):
    _households, offers = varied
    left_out = 0
    for table in tables(organisation, kdu_table):
        for offer in offers:
            expected = reference_matches(offer, social_worker, table, include_unfit=True)
            candidates = matching.households_that_may_fit(offer, table)
            waiting = Client.objects.visible_to(social_worker).waiting().processing_allowed()
            kept = set(waiting.filter(candidates).values_list("pk", flat=True))
            # Never a household that fits is left out; every hard ✗ is left out already in the query.
            assert kept == {suggestion.client.pk for suggestion in expected if suggestion.fits}
            left_out += len(expected) - len(kept)
    assert left_out > 0


def _fitting(ranking):
    """The fitting part of a reference ranking with every household (the fitting come first)."""
    return [suggestion for suggestion in ranking if suggestion.fits]


def test_matches_equal_assessing_every_household(varied, social_worker, team_lead, organisation, kdu_table):
    _households, offers = varied
    for table in tables(organisation, kdu_table):
        for user in (social_worker, team_lead):
            for offer in offers:
                everyone = reference_matches(offer, user, table, include_unfit=True)
                for include_unfit, expected in ((False, _fitting(everyone)), (True, everyone)):
                    actual = matching.matches_for_offer(
                        offer, user, today=TODAY, table=table, include_unfit=include_unfit
                    )
                    assert seen(actual) == seen(expected), (offer.pk, include_unfit)


def test_every_page_of_matches_equals_the_same_part_of_the_whole_ranking(varied, social_worker, organisation):
    _households, offers = varied
    table = kdu.table_for(organisation, TODAY)
    per_page = 4
    for offer in offers:
        everyone = reference_matches(offer, social_worker, table, include_unfit=True)
        fitting = len(_fitting(everyone))
        for include_unfit in (False, True):
            expected = everyone if include_unfit else _fitting(everyone)
            drawn = []
            number = 1
            while True:
                page = matching.match_page(
                    offer,
                    social_worker,
                    number=number,
                    include_unfit=include_unfit,
                    today=TODAY,
                    table=table,
                    per_page=per_page,
                )
                assert page.fitting_count == fitting
                assert page.has_unfit == (len(everyone) > fitting)
                if include_unfit:
                    assert page.unfit_count == len(everyone) - fitting
                assert [s.position for s in page.suggestions] == list(
                    range(len(drawn) + 1, len(drawn) + 1 + len(page.suggestions))
                )
                drawn += page.suggestions
                if not page.page.has_next():
                    break
                number += 1
            assert seen(drawn) == seen(expected), (offer.pk, include_unfit)


# --- Offers for a household ------------------------------------------------------------------


def test_the_prefilter_keeps_exactly_the_offers_that_fit(varied, social_worker, organisation, kdu_table):
    households, _offers = varied
    left_out = 0
    for table in tables(organisation, kdu_table):
        for client in households:
            household = matching.household_for(client, today=TODAY)
            expected = reference_offers(client, social_worker, table, include_unfit=True)
            kept = set(
                HousingOffer.objects.visible_to(social_worker)
                .open()
                .filter(matching.offers_that_may_fit(household, table))
                .values_list("pk", flat=True)
            )
            assert kept == {suggestion.offer.pk for suggestion in expected if suggestion.fits}
            left_out += len(expected) - len(kept)
    assert left_out > 0


def test_offers_equal_assessing_every_offer(varied, social_worker, organisation, kdu_table):
    households, _offers = varied
    for table in tables(organisation, kdu_table):
        for client in households:
            for include_unfit in (False, True):
                expected = reference_offers(client, social_worker, table, include_unfit=include_unfit)
                actual = matching.offers_for_client(
                    client, social_worker, today=TODAY, table=table, include_unfit=include_unfit
                )
                # The reference does not ask whether the household is already proposed for a flat.
                assert [row[:5] for row in seen(actual)] == [row[:5] for row in seen(expected)], client.pk


def test_every_page_of_offers_equals_the_same_part_of_the_whole_ranking(varied, social_worker, organisation):
    households, _offers = varied
    table = kdu.table_for(organisation, TODAY)
    for client in households[:25]:
        household = matching.household_for(client, today=TODAY)
        for include_unfit in (False, True):
            expected = reference_offers(client, social_worker, table, include_unfit=include_unfit)
            everyone = reference_offers(client, social_worker, table, include_unfit=True)
            fitting = sum(1 for suggestion in everyone if suggestion.fits)
            drawn = []
            number = 1
            while True:
                page = matching.offer_page(
                    client,
                    social_worker,
                    household=household,
                    number=number,
                    include_unfit=include_unfit,
                    today=TODAY,
                    table=table,
                    per_page=3,
                )
                assert (page.fitting_count, page.unfit_count) == (fitting, len(everyone) - fitting)
                drawn += page.suggestions
                if not page.page.has_next():
                    break
                number += 1
            assert [row[:5] for row in seen(drawn)] == [row[:5] for row in seen(expected)], client.pk


# --- The rules that rank ---------------------------------------------------------------------


def test_notes_never_decide_or_rank(social_worker, kdu_table):
    """Waiting time and a firm placement elsewhere are • lines without points: rankings leave them out."""
    household = matching.Household(
        client=None, size=2, waiting_since=date(2025, 3, 1), holds_firm_placement=True, target_groups=frozenset()
    )
    notes = _notes(household, TODAY)
    assert len(notes) == 2
    assert all(note.status == matching.INFO and note.points == 0 for note in notes)


def test_the_rules_read_no_other_offer_fields_and_the_rent_only_through_the_kdu_status(kdu_table, organisation):
    """Rankings of many flats assess each profile once: flats that differ only in fields no rule names
    get the same reasons, and flats whose rents fall in one KdU class the same verdict."""
    table = kdu.table_for(organisation, TODAY)
    base = {
        "rooms": Decimal("2"),
        "district": "haspe",
        "floor": 3,
        "lift": YesNoUnknown.NO,
        "barrier_free": YesNoUnknown.UNKNOWN,
        "wbs_required": YesNoUnknown.YES,
        "cold_rent": Decimal("380"),
        "service_costs": Decimal("80"),
    }
    elsewhere = {
        "street": "Andere Straße 9",
        "postcode": "58089",
        "living_space": Decimal("90"),
        "heating_costs": Decimal("120"),
        "deposit": Decimal("1500"),
        "available_from": date(2027, 1, 1),
        "notes": "Balkon",
        "status": OfferStatus.RESERVED,
    }
    assert set(_OFFER_RULE_FIELDS) <= set(base)
    households = [
        matching.Household(client=None, size=size, search=search, target_groups=groups)
        for size in (1, 2, 3)
        for search in (None, HousingSearch(districts=["mitte"], max_floor_without_lift=1, wbs_available="no"))
        for groups in (frozenset(), frozenset({TargetGroup.SENIORS}))
    ]
    compared = 0
    for household in households:
        reasons = _fit_reasons(HousingOffer(**base), household, table)
        assert _fit_reasons(HousingOffer(**base, **elsewhere), household, table) == reasons
        limit = kdu.limit_for(table, household.size)
        for cold_rent, other in [("300", "340"), ("380", "430"), ("520", "900")]:
            rents = [Decimal(cold_rent), Decimal(other)]
            classes = {_kdu_class(rent, base["service_costs"], limit) for rent in rents}
            verdicts = {
                _verdict(_fit_reasons(HousingOffer(**{**base, "cold_rent": rent}), household, table)) for rent in rents
            }
            if len(classes) == 1:
                assert len(verdicts) == 1
                compared += 1
    assert compared > len(households)


# --- The page at city scale ------------------------------------------------------------------


def test_the_matches_page_draws_one_page_and_says_how_many_fit(client_of, social_worker, kdu_table):
    offer = make_offer(social_worker)  # two rooms, 460 €: households of two or three fit
    for number in range(matching.PAGE_SIZE + 5):
        client = make_client(social_worker, last_name=f"Haushalt{number:03d}")
        HouseholdMember.objects.create(client=client, relationship=Relationship.PARTNER)
        case_open(client=client, case_type=CaseType.PROVISION, actor=social_worker, opened_on=date(2026, 1, 1))
    single = make_client(social_worker, last_name="Allein")  # one person: 460 € is above 420 €
    case_open(client=single, case_type=CaseType.PROVISION, actor=social_worker)
    http = client_of(social_worker)
    url = reverse("housing:offer_matches", args=[offer.pk])
    http.get(url)

    with CaptureQueriesContext(connection) as first:
        response = http.get(url)
    page = response.content.decode()
    assert len(response.context["suggestions"]) == matching.PAGE_SIZE
    size = matching.PAGE_SIZE
    assert f"{size + 5} Haushalte passen." in page
    assert _numbers_in_note(page) == ["1", str(size), str(size + 5)]
    assert "Haushalt000" in page and f"Haushalt{size + 4:03d}" not in page
    assert 'href="?all=1"' in page  # the households that do not fit, on request
    assert "Seite 1 von 2" in page

    with CaptureQueriesContext(connection) as second:
        response = http.get(url, {"page": "2"})
    page = response.content.decode()
    assert [s.client.last_name for s in response.context["suggestions"]] == [
        f"Haushalt{number:03d}" for number in range(size, size + 5)
    ]
    assert f"{size + 1}. " in page
    assert "Allein" not in page

    # The households that do not fit follow on the page after the fitting ones.
    with CaptureQueriesContext(connection) as unfit:
        response = http.get(url, {"page": "2", "all": "1"})
    assert [s.client.last_name for s in response.context["suggestions"]][-1] == "Allein"
    assert response.context["unfit_count"] == 1
    assert _numbers_in_note(response.content.decode()) == [str(size + 1), str(size + 6), str(size + 6)]
    assert len(first) == len(second) == len(unfit) <= 15


def _numbers_in_note(page):
    """The numbers in the note above a ranking that has more than one page."""
    note = page.split('ranking-note" role="note">', 1)[1].split("</p>", 1)[0]
    return re.findall(r"\d+", note)


def test_the_client_offers_page_draws_one_page(client_of, social_worker, admin_staff, kdu_table):
    client = make_client(social_worker)
    HouseholdMember.objects.create(client=client, relationship=Relationship.PARTNER)
    case_open(client=client, case_type=CaseType.PROVISION, actor=social_worker)
    landlord = make_landlord(admin_staff)
    for _ in range(matching.PAGE_SIZE + 2):
        make_offer(admin_staff, landlord)
    make_offer(admin_staff, landlord, rooms=Decimal("5"), street="Zu groß 1")
    http = client_of(social_worker)
    url = reverse("housing:client_offers", args=[client.pk])
    http.get(url)

    with CaptureQueriesContext(connection) as first:
        response = http.get(url)
    page = response.content.decode()
    assert len(response.context["suggestions"]) == matching.PAGE_SIZE
    size = matching.PAGE_SIZE
    assert f"{size + 2} offene Angebote passen." in page
    assert "Auch das nicht passende Angebot zeigen" in page
    assert _numbers_in_note(page) == ["1", str(size), str(size + 2)]
    with CaptureQueriesContext(connection) as last:
        response = http.get(url, {"page": "2", "all": "1"})
    assert [s.offer.street for s in response.context["suggestions"]][-1] == "Zu groß 1"
    assert len(first) == len(last) <= 15
