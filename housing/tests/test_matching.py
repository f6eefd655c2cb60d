"""Matching: which households fit a flat and why, in which order; which flats fit a household."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import HouseholdMember
from cases.services.cases import case_open
from cases.services.restriction import processing_restrict, processing_restriction_lift
from hagen_zuhause.codes import CaseType, Relationship, TargetGroup
from hagen_zuhause.models import AccessLog
from housing import kdu, matching
from housing.matching import FAIL, OK, UNKNOWN, Household, assess, matches_for_offer, offers_for_client
from housing.models import District, HousingOffer, HousingSearch, OfferStatus
from housing.services.offers import housing_search_save
from housing.services.placements import placement_propose
from tests.builders import make_client, make_offer

TODAY = date(2026, 11, 25)


def household_with(actor, *, members=0, opened_on=None, target_groups=(), search=None, **fields):
    """A client with an open provision case, ``members`` household members and optionally a housing search."""
    client = make_client(actor, target_groups=target_groups, target_groups_from=date(2026, 1, 1), **fields)
    for number in range(members):
        HouseholdMember.objects.create(client=client, relationship=Relationship.CHILD, birth_year=2015 + number)
    case_open(client=client, case_type=CaseType.PROVISION, actor=actor, opened_on=opened_on or date(2026, 6, 1))
    if search is not None:
        housing_search_save(client=client, actor=actor, **search)
    return client


def flat(**fields):
    """An unsaved flat for the pure rule tests: 2 rooms, 1st floor, 460 € gross cold rent, Hagen-Mitte."""
    values = {
        "street": "Teststraße 1",
        "district": "mitte",
        "living_space": Decimal("50"),
        "rooms": Decimal("2"),
        "floor": 1,
        "lift": "unknown",
        "barrier_free": "unknown",
        "cold_rent": Decimal("380"),
        "service_costs": Decimal("80"),
        "wbs_required": "no",
        "status": OfferStatus.AVAILABLE,
    }
    values.update(fields)
    return HousingOffer(**values)


def texts(reasons, status=None):
    return [reason.text for reason in reasons if status is None or reason.status == status]


@pytest.fixture
def table(organisation, kdu_table):
    return kdu.table_for(organisation, TODAY)


# --- The rules, one by one ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persons", "rooms", "fits"),
    [
        (1, "1", True),
        (1, "2", True),
        (1, "2.5", False),
        (2, "1", True),
        (2, "3", True),
        (3, "1.5", False),
        (4, "3", True),
        (4, "2", False),
        (5, "6", True),
        (5, "6.5", False),
    ],
)
def test_rooms_fit_between_persons_minus_one_and_persons_plus_one(table, persons, rooms, fits):
    offer = flat(rooms=Decimal(rooms), cold_rent=Decimal("100"))  # rent never in the way
    reasons = assess(offer, Household(client=None, size=persons, search=None), table, today=TODAY)
    assert (reasons[0].status == OK) is fits


def test_a_household_too_big_for_the_rooms_does_not_fit(table):
    reasons = assess(flat(rooms=Decimal("2")), Household(client=None, size=5), table, today=TODAY)
    assert reasons[0].status == FAIL
    assert reasons[0].text == "Zu wenig Zimmer (2) für einen 5-Personen-Haushalt (mindestens 4)."


def test_rent_above_kdu_does_not_fit(table):
    reasons = assess(flat(), Household(client=None, size=1), table, today=TODAY)  # 460 € > 420 €
    assert texts(reasons, FAIL) == [
        "Bruttokaltmiete 460,00 € überschreitet den Richtwert von 420,00 € bei Haushaltsgröße 1."
    ]
    reasons = assess(flat(), Household(client=None, size=2), table, today=TODAY)  # 460 € ≤ 510 €
    assert not texts(reasons, FAIL)
    assert "Bruttokaltmiete 460,00 € liegt innerhalb des Richtwerts von 510,00 € bei Haushaltsgröße 2." in texts(
        reasons, OK
    )


def test_unknown_service_costs_are_a_question_not_a_no(table):
    reasons = assess(flat(service_costs=None), Household(client=None, size=2), table, today=TODAY)
    assert not texts(reasons, FAIL)
    assert texts(reasons, UNKNOWN)[0].startswith("KdU nicht geprüft: Die Nebenkosten sind nicht eingetragen")


def test_barrier_free_need(table):
    needs = Household(client=None, size=2, search=HousingSearch(barrier_free_needed="yes"))
    assert texts(assess(flat(barrier_free="no"), needs, table), FAIL) == [
        "Der Haushalt braucht eine barrierefreie Wohnung; diese ist nicht barrierefrei."
    ]
    assert "Der Haushalt braucht eine barrierefreie Wohnung; ob diese es ist, ist nicht bekannt." in texts(
        assess(flat(), needs, table), UNKNOWN
    )
    assert "Barrierefreie Wohnung, wie der Haushalt sie braucht." in texts(
        assess(flat(barrier_free="yes"), needs, table)
    )


def test_floor_without_lift(table):
    stairs_to_first = Household(client=None, size=2, search=HousingSearch(max_floor_without_lift=1))
    assert not texts(assess(flat(floor=1, lift="no"), stairs_to_first, table), FAIL)
    assert texts(assess(flat(floor=3, lift="no"), stairs_to_first, table), FAIL) == [
        "3. OG ohne Aufzug; der Haushalt schafft Treppen nur bis zum 1. OG."
    ]
    assert "3. OG mit Aufzug." in texts(assess(flat(floor=3, lift="yes"), stairs_to_first, table), OK)
    assert texts(assess(flat(floor=3), stairs_to_first, table), UNKNOWN)


def test_district_wishes_are_respected(table):
    wants_haspe = Household(client=None, size=2, search=HousingSearch(districts=["haspe", "eilpe_dahl"]))
    in_mitte = flat(district="mitte", organisation_id=table.organisation_id)
    assert texts(assess(in_mitte, wants_haspe, table), FAIL) == [
        "Hagen-Mitte gehört nicht zu den gewünschten Stadtbezirken (Haspe, Eilpe/Dahl)."
    ]
    in_haspe = flat(district="haspe", organisation_id=table.organisation_id)
    assert "In einem gewünschten Stadtbezirk (Haspe)." in texts(assess(in_haspe, wants_haspe, table))


def test_the_reasons_name_districts_as_the_organisation_lists_them(table):
    District.objects.filter(organisation=table.organisation, code="haspe").update(name="Haspe-Westerbauer")
    wants_haspe = Household(client=None, size=2, search=HousingSearch(districts=["haspe"]))
    in_mitte = flat(district="mitte", organisation_id=table.organisation_id)
    assert texts(assess(in_mitte, wants_haspe, table), FAIL) == [
        "Hagen-Mitte gehört nicht zu den gewünschten Stadtbezirken (Haspe-Westerbauer)."
    ]
    anywhere = Household(client=None, size=2, search=HousingSearch(districts=[]))
    assert "Für den Haushalt kommt jeder Stadtbezirk in Frage." in texts(assess(flat(), anywhere, table), OK)


def test_a_wbs_flat_needs_a_household_with_wbs(table):
    without = Household(client=None, size=2, search=HousingSearch(wbs_available="no"))
    with_wbs = Household(client=None, size=2, search=HousingSearch(wbs_available="yes"))
    assert texts(assess(flat(wbs_required="yes"), without, table), FAIL) == [
        "Ein WBS ist nötig; der Haushalt hat keinen."
    ]
    assert not texts(assess(flat(wbs_required="yes"), with_wbs, table), FAIL)


def test_target_groups_never_exclude_but_explain(table):
    senior = Household(client=None, size=2, target_groups=frozenset({TargetGroup.SENIORS, TargetGroup.WOMEN}))
    upstairs = assess(flat(floor=3, lift="no"), senior, table)
    assert not texts(upstairs, FAIL)
    assert "Ältere Person: Die Wohnung ist weder barrierefrei noch ohne Treppen erreichbar." in texts(upstairs)
    assert "Zielgruppen: Wohnungslose Frauen." in texts(upstairs)
    ground = assess(flat(floor=0), senior, table)
    assert "Ältere Person: Die Wohnung ist ohne Treppen erreichbar oder barrierefrei." in texts(ground, OK)


# --- Ranking and scope, from the database ---------------------------------------------------


def test_a_senior_needing_barrier_free_ranks_first_for_a_ground_floor_barrier_free_flat(social_worker, kdu_table):
    offer = make_offer(social_worker, floor=0, barrier_free="yes", lift="no")
    long_waiting = household_with(social_worker, members=1, opened_on=date(2025, 1, 1), last_name="Albrecht")
    senior = household_with(
        social_worker,
        members=1,
        opened_on=date(2026, 9, 1),
        target_groups=[TargetGroup.SENIORS],
        search={"barrier_free_needed": "yes", "max_floor_without_lift": 0},
        last_name="Zeller",
    )
    newer = household_with(social_worker, members=1, opened_on=date(2026, 10, 1), last_name="Becker")

    suggestions = matches_for_offer(offer, social_worker, today=TODAY)

    assert [suggestion.client for suggestion in suggestions] == [senior, long_waiting, newer]
    first = suggestions[0]
    assert first.fits
    assert first.household.size == 2
    assert "Barrierefreie Wohnung, wie der Haushalt sie braucht." in texts(first.reasons, OK)
    assert "Sucht seit 01.09.2026 eine Wohnung (85 Tage)." in texts(first.reasons)


def test_equal_households_rank_by_waiting_time(social_worker, kdu_table):
    offer = make_offer(social_worker)
    later = household_with(social_worker, members=1, opened_on=date(2026, 5, 1))
    earlier = household_with(social_worker, members=1, opened_on=date(2026, 2, 1))
    assert [s.client for s in matches_for_offer(offer, social_worker, today=TODAY)] == [earlier, later]


def test_the_database_groups_households_by_what_the_rules_read_in_the_order_of_waiting(social_worker, kdu_table):
    from cases.models import TargetGroupMembership
    from housing.matching.rankings import household_profiles

    offer = make_offer(social_worker)
    groups = [TargetGroup.WOMEN, TargetGroup.SENIORS]
    later = household_with(social_worker, members=2, target_groups=groups, opened_on=date(2026, 5, 1))
    earlier = household_with(social_worker, members=2, target_groups=groups, opened_on=date(2026, 2, 1))
    # The same two groups, the seniors' one ended: a profile of its own (only current groups count).
    ended = household_with(social_worker, members=2, target_groups=groups, opened_on=date(2026, 3, 1))
    TargetGroupMembership.objects.filter(client=ended, group=TargetGroup.SENIORS).update(end=date(2026, 10, 1))
    searching = household_with(social_worker, opened_on=date(2026, 4, 1), search={"districts": ["mitte"]})
    prevention_only = make_client(social_worker)
    case_open(client=prevention_only, case_type=CaseType.PREVENTION, actor=social_worker)
    table = kdu.table_for(offer.organisation_id, TODAY)

    profiles = household_profiles(offer, social_worker, table, TODAY, prefiltered=False)

    # Only the groups the verdict reads make a profile: "women" is a note and changes no verdict.
    by_profile = {(p.household_size, tuple(p.groups), p.has_search): p for p in profiles}
    assert set(by_profile) == {(3, ("seniors",), False), (3, (), False), (1, (), True)}
    pair = by_profile[(3, ("seniors",), False)]
    assert (pair.count, pair.pks) == (2, [earlier.pk, later.pk])
    assert pair.search_values == (None,) * len(pair.search_values)
    # Positions number every household in the order of equal verdicts: longest waiting first.
    positions = {pk: position for p in profiles for pk, position in zip(p.pks, p.positions, strict=True)}
    assert sorted(positions, key=positions.get) == [earlier.pk, ended.pk, searching.pk, later.pk]
    assert by_profile[(1, (), True)].search_values[0] == ["mitte"]
    # Asked for the first household of each profile only (a page's worth): the counts stay whole.
    first = household_profiles(offer, social_worker, table, TODAY, prefiltered=False, first=1)
    pair = next(p for p in first if (p.household_size, tuple(p.groups)) == (3, ("seniors",)))
    assert (pair.count, pair.pks) == (2, [earlier.pk])


def test_households_waiting_since_the_same_day_rank_in_the_order_their_cases_were_opened(social_worker, kdu_table):
    offer = make_offer(social_worker)
    zeller = household_with(social_worker, members=1, opened_on=date(2026, 3, 1), last_name="Zeller")
    albrecht = household_with(social_worker, members=1, opened_on=date(2026, 3, 1), last_name="Albrecht")
    # Registered first, ranked first: the alphabet does not decide who gets a flat.
    assert [s.client for s in matches_for_offer(offer, social_worker, today=TODAY)] == [zeller, albrecht]


def test_households_that_do_not_fit_are_left_out_unless_asked_for(social_worker, kdu_table):
    offer = make_offer(social_worker, rooms=Decimal("2"), district="mitte")  # 460 €
    fits = household_with(social_worker, members=1)
    too_big = household_with(social_worker, members=4)
    too_expensive = household_with(social_worker)  # 1 person: 460 € > 420 €
    elsewhere = household_with(social_worker, members=1, search={"districts": ["hohenlimburg"]})

    assert [s.client for s in matches_for_offer(offer, social_worker, today=TODAY)] == [fits]
    everyone = matches_for_offer(offer, social_worker, today=TODAY, include_unfit=True)
    assert everyone[0].client == fits
    assert {s.client for s in everyone[1:]} == {too_big, too_expensive, elsewhere}
    assert not any(s.fits for s in everyone[1:])


def test_only_households_with_an_open_provision_case_are_suggested(social_worker, kdu_table):
    offer = make_offer(social_worker)
    prevention_only = make_client(social_worker)
    case_open(client=prevention_only, case_type=CaseType.PREVENTION, actor=social_worker)
    HouseholdMember.objects.create(client=prevention_only, relationship=Relationship.PARTNER)
    provision = household_with(social_worker, members=1)

    assert [s.client for s in matches_for_offer(offer, social_worker, today=TODAY)] == [provision]


def test_a_restricted_client_is_invisible_to_an_unassigned_worker(social_worker, team_lead, kdu_table):
    offer = make_offer(social_worker)
    protected = household_with(team_lead, members=1, restricted=True)
    ordinary = household_with(team_lead, members=1)

    assert [s.client for s in matches_for_offer(offer, social_worker, today=TODAY)] == [ordinary]
    assert {s.client for s in matches_for_offer(offer, team_lead, today=TODAY)} == {protected, ordinary}

    page = _matches_page(social_worker, offer)
    assert protected.last_name not in page
    assert ordinary.last_name in page


def test_a_household_whose_processing_is_restricted_is_not_suggested(social_worker, team_lead, kdu_table):
    """Art. 18 GDPR: proposing the household would be refused, so matching does not use its data either."""
    offer = make_offer(social_worker)
    objected = household_with(social_worker, members=1)
    ordinary = household_with(social_worker, members=1)
    processing_restrict(client=objected, actor=team_lead, reason="Die Person bestreitet die Richtigkeit der Daten.")

    for user in (social_worker, team_lead):
        assert [s.client for s in matches_for_offer(offer, user, today=TODAY, include_unfit=True)] == [ordinary]
        assert matching.match_page(offer, user, today=TODAY).fitting_count == 1

    processing_restriction_lift(client=objected, actor=team_lead, reason="Daten berichtigt.")
    assert {s.client for s in matches_for_offer(offer, social_worker, today=TODAY)} == {objected, ordinary}


def test_clients_of_another_organisation_never_appear(social_worker, outsider, kdu_table):
    offer = make_offer(social_worker)
    household_with(outsider, members=1)
    assert matches_for_offer(offer, social_worker, today=TODAY) == []


def test_an_already_proposed_household_is_marked_and_not_proposed_again(social_worker, kdu_table):
    offer = make_offer(social_worker)
    client = household_with(social_worker, members=1)
    placement_propose(offer=offer, client=client, actor=social_worker)

    [suggestion] = matches_for_offer(offer, social_worker, today=TODAY)

    assert suggestion.already_proposed
    assert not suggestion.can_be_proposed
    page = _matches_page(social_worker, offer)
    assert "bereits vorgeschlagen" in page
    assert f'name="client" value="{client.pk}"' not in page


# --- The pages ------------------------------------------------------------------------------


def _matches_page(user, offer, **params):
    from django.test import Client

    http = Client()
    http.force_login(user)
    response = http.get(reverse("housing:offer_matches", args=[offer.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_matches_page_explains_each_suggestion_and_posts_the_client_to_propose(social_worker, kdu_table):
    offer = make_offer(social_worker, floor=3, lift="no")
    client = household_with(
        social_worker, members=1, search={"districts": ["mitte"], "max_floor_without_lift": 4}, last_name="Ionescu"
    )

    page = _matches_page(social_worker, offer)

    assert "1 Haushalt passt." in page
    assert "Ionescu" in page
    assert "2 Zimmer: passend für einen 2-Personen-Haushalt." in page
    assert "In einem gewünschten Stadtbezirk (Hagen-Mitte)." in page
    assert 'aria-hidden="true">✓</span>' in page
    assert reverse("housing:placement_propose", args=[offer.pk]) in page
    assert f'name="client" value="{client.pk}"' in page
    assert ">Vorschlagen<" in page


def test_the_matches_page_shows_the_unfit_with_their_reason_on_request(social_worker, kdu_table):
    offer = make_offer(social_worker)
    household_with(social_worker, members=5, last_name="Großfamilie")

    assert "Großfamilie" not in _matches_page(social_worker, offer)
    page = _matches_page(social_worker, offer, all="1")
    assert "Großfamilie" in page
    assert "Zu wenig Zimmer (2) für einen 6-Personen-Haushalt (mindestens 5)." in page
    assert 'aria-hidden="true">✗</span>' in page


def test_a_withdrawn_offer_suggests_nobody(client_of, social_worker, kdu_table):
    offer = make_offer(social_worker)
    household_with(social_worker, members=1)
    client_of(social_worker).post(reverse("housing:offer_withdraw", args=[offer.pk]), {"confirmed": "on"})
    assert "wird nicht mehr angeboten" in _matches_page(social_worker, offer)


def test_the_matches_page_needs_the_same_number_of_queries_for_1_and_50_households(client_of, social_worker, kdu_table):
    offer = make_offer(social_worker)
    http = client_of(social_worker)
    household_with(social_worker, members=1, target_groups=[TargetGroup.EU2], search={"districts": ["mitte"]})
    http.get(reverse("housing:offer_matches", args=[offer.pk]))
    with CaptureQueriesContext(connection) as one:
        http.get(reverse("housing:offer_matches", args=[offer.pk]))
    for number in range(49):
        household_with(
            social_worker,
            members=number % 3,
            target_groups=[TargetGroup.SENIORS] if number % 2 else [],
            search={"districts": ["mitte"]} if number % 4 else None,
        )
    with CaptureQueriesContext(connection) as fifty:
        response = http.get(reverse("housing:offer_matches", args=[offer.pk]), {"all": "1"})
    assert len(response.context["suggestions"]) == matching.PAGE_SIZE  # a full page
    assert len(one) == len(fifty) <= 15


# --- Offers for a client --------------------------------------------------------------------


def test_offers_for_a_client_are_ranked_with_reasons(client_of, social_worker, kdu_table):
    client = household_with(
        social_worker,
        members=1,
        target_groups=[TargetGroup.SENIORS],
        search={"barrier_free_needed": "yes", "districts": ["haspe", "mitte"]},
    )
    barrier_free = make_offer(social_worker, district="haspe", barrier_free="yes", street="Barrierefrei 1")
    unknown = make_offer(social_worker, street="Unbekannt 2")
    make_offer(social_worker, barrier_free="no", street="Treppen 3")
    make_offer(social_worker, district="nord", barrier_free="yes", street="Norden 4")
    make_offer(social_worker, cold_rent=Decimal("600"), barrier_free="yes", street="Zu teuer 5")

    suggestions = offers_for_client(client, social_worker, today=TODAY)

    assert [s.offer for s in suggestions] == [barrier_free, unknown]
    response = client_of(social_worker).get(reverse("housing:client_offers", args=[client.pk]))
    page = response.content.decode()
    assert "2 offene Angebote passen." in page
    assert "Barrierefrei 1" in page
    assert "Treppen 3" not in page
    assert AccessLog.objects.filter(object_id=str(client.pk), action=AccessLog.Action.VIEW).exists()


def test_no_flats_are_suggested_for_a_person_whose_processing_is_restricted(
    client_of, social_worker, team_lead, kdu_table
):
    client = household_with(social_worker, members=1)
    make_offer(social_worker, street="Passend 1")
    url = reverse("housing:client_offers", args=[client.pk])
    assert "Passend 1" in client_of(social_worker).get(url).content.decode()

    processing_restrict(client=client, actor=team_lead, reason="Die Person hat widersprochen.")

    page = client_of(social_worker).get(url).content.decode()
    assert "Verarbeitung der Daten dieser Person ist eingeschränkt" in page
    assert "Passend 1" not in page
    assert reverse("housing:housing_search_edit", args=[client.pk]) not in page


def test_offers_for_a_client_show_only_open_offers_of_the_organisation(social_worker, outsider, kdu_table):
    client = household_with(social_worker, members=1)
    mine = make_offer(social_worker)
    make_offer(social_worker, status=OfferStatus.RESERVED)
    make_offer(outsider)
    withdrawn = make_offer(social_worker)
    from housing.services.offers import offer_withdraw

    offer_withdraw(offer=withdrawn, actor=social_worker)

    offers = [s.offer for s in offers_for_client(client, social_worker, today=TODAY)]
    assert offers[0] == mine  # available before reserved
    assert len(offers) == 2


def test_a_client_without_provision_case_gets_a_hint(client_of, social_worker, kdu_table):
    client = make_client(social_worker)
    make_offer(social_worker)
    page = client_of(social_worker).get(reverse("housing:client_offers", args=[client.pk])).content.decode()
    assert "kein Fall der Wohnraumversorgung offen" in page
    assert "Noch keine Wohnungssuche erfasst" in page


def test_the_client_offers_page_needs_a_constant_number_of_queries(client_of, social_worker, kdu_table):
    client = household_with(social_worker, members=1, search={"districts": ["mitte"]})
    make_offer(social_worker)
    http = client_of(social_worker)
    url = reverse("housing:client_offers", args=[client.pk])
    http.get(url)
    with CaptureQueriesContext(connection) as one:
        http.get(url)
    for _ in range(30):
        make_offer(social_worker)
    with CaptureQueriesContext(connection) as many:
        response = http.get(url)
    assert len(response.context["suggestions"]) == matching.PAGE_SIZE  # a full page
    assert len(one) == len(many) <= 15


def test_waiting_time_counts_from_the_open_provision_case(social_worker, kdu_table):
    client = household_with(social_worker, members=1, opened_on=TODAY - timedelta(days=30))
    make_offer(social_worker)
    [suggestion] = offers_for_client(client, social_worker, today=TODAY)
    assert suggestion.household.waiting_since == TODAY - timedelta(days=30)
    assert "Sucht seit 26.10.2026 eine Wohnung (30 Tage)." in texts(suggestion.reasons)
