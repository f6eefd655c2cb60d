"""The team's pipeline board: columns by step, stalled placements marked by the organisation's
thresholds, recent move-ins, open offers without a placement; and the threshold settings."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hagen_zuhause.models import AccessLog
from housing.board import stall_limits
from housing.models import DEFAULT_STALL_DAYS, PlacementStep, StallThreshold
from housing.services.placements import placement_decline, stall_thresholds_save
from tests.builders import make_offer, make_placement, make_seeker

TODAY = timezone.localdate()
BOARD = reverse("housing:board")


def _column(page, key):
    """The HTML of one board column."""
    match = re.search(rf'<section class="col board-column" aria-labelledby="column-{key}">(.*?)</section>', page, re.S)
    assert match, f"column {key} missing"
    return match.group(1)


def _board(browser):
    response = browser.get(BOARD)
    assert response.status_code == 200
    return response.content.decode()


def test_placements_appear_in_the_column_of_their_step_with_household_flat_and_days(client_of, social_worker):
    seeker = make_seeker(social_worker, first_name="Georgi", last_name="Ivanov")
    offer = make_offer(social_worker, street="Wehringhauser Straße 12")
    make_placement(social_worker, offer=offer, client=seeker, step="viewing", on=TODAY - timedelta(days=3))

    page = _board(client_of(social_worker))

    viewing = _column(page, "viewing")
    assert "Georgi Ivanov" in viewing and seeker.case_number in viewing
    assert "Wehringhauser Straße 12" in viewing
    assert "3 Tage in diesem Schritt" in viewing
    assert "Georgi Ivanov" not in _column(page, "proposed")


def test_a_placement_without_progress_beyond_the_default_threshold_is_marked_stalled(client_of, social_worker):
    days = DEFAULT_STALL_DAYS[PlacementStep.PROPOSED]
    make_placement(social_worker, step="proposed", on=TODAY - timedelta(days=days + 1))
    make_placement(social_worker, step="proposed", on=TODAY - timedelta(days=days))

    proposed = _column(_board(client_of(social_worker)), "proposed")

    assert proposed.count("board-card-stalled") == 1
    assert proposed.count(">festgefahren<") == 1
    assert f"Festgefahren nach {days} Tagen" in proposed


def test_the_team_lead_sets_thresholds_and_never(client_of, team_lead, social_worker):
    make_placement(social_worker, step="proposed", on=TODAY - timedelta(days=20))
    make_placement(social_worker, step="viewing", on=TODAY - timedelta(days=20))
    browser = client_of(team_lead)
    url = reverse("housing:stall_thresholds")

    form = browser.get(url).content.decode()
    assert 'name="proposed" value="14"' in form

    response = browser.post(url, {"proposed": "30", "viewing": "", "landlord_accepted": "21", "lease_signed": "30"})

    assert response.url == BOARD
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Die Schwellenwerte sind gespeichert."]
    page = _board(client_of(social_worker))
    assert "board-card-stalled" not in page
    assert "Gilt nie als festgefahren" in _column(page, "viewing")
    assert "Festgefahren nach 30 Tagen" in _column(page, "proposed")
    limits = stall_limits(team_lead.organisation)
    assert (limits[PlacementStep.PROPOSED], limits[PlacementStep.VIEWING]) == (30, None)


def test_bad_thresholds_are_refused_in_german(client_of, team_lead):
    response = client_of(team_lead).post(
        reverse("housing:stall_thresholds"),
        {"proposed": "0", "viewing": "x", "landlord_accepted": "", "lease_signed": ""},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Dieser Wert muss größer oder gleich 1 sein." in page
    assert "Bitte eine ganze Zahl eingeben." in page
    assert not StallThreshold.objects.exists()


def test_thresholds_belong_to_one_organisation(team_lead, outsider):
    stall_thresholds_save(
        organisation=outsider.organisation, days_by_step=dict.fromkeys(DEFAULT_STALL_DAYS, 3), actor=outsider
    )
    assert stall_limits(team_lead.organisation) == DEFAULT_STALL_DAYS
    assert set(stall_limits(outsider.organisation).values()) == {3}


def test_recent_move_ins_and_open_offers_without_a_placement(client_of, social_worker):
    recent = make_seeker(social_worker, first_name="Recent", last_name="Eingezogen")
    make_placement(social_worker, client=recent, step="moved_in", on=TODAY - timedelta(days=30))
    old = make_seeker(social_worker, first_name="Old", last_name="Eingezogen")
    make_placement(social_worker, client=old, step="moved_in", on=TODAY - timedelta(days=31))
    make_offer(social_worker, street="Freie Straße 1")
    busy = make_offer(social_worker, street="Belegte Straße 2")
    make_placement(social_worker, offer=busy, step="proposed")
    again = make_offer(social_worker, street="Wieder-frei-Weg 3")
    placement_decline(
        placement=make_placement(social_worker, offer=again), reason="client_declined", actor=social_worker, note="x"
    )

    page = _board(client_of(social_worker))

    moved_in = _column(page, "moved_in")
    assert "Recent Eingezogen" in moved_in and "Old Eingezogen" not in moved_in
    offers = _column(page, "open_offers")
    assert "Freie Straße 1" in offers and "Wieder-frei-Weg 3" in offers
    assert "Belegte Straße 2" not in offers


def test_an_open_offer_leads_to_its_suitable_households(client_of, social_worker):
    offer = make_offer(social_worker)
    offers = _column(_board(client_of(social_worker)), "open_offers")
    assert f'href="{reverse("housing:offer_matches", args=[offer.pk])}"' in offers


def test_columns_draw_their_first_cards_and_count_the_rest(client_of, social_worker, monkeypatch):
    from housing import board

    monkeypatch.setattr(board, "CARDS_SHOWN", 2)
    for _number in range(3):
        make_offer(social_worker)
    offers = _column(_board(client_of(social_worker)), "open_offers")
    assert offers.count("<article") == 2
    assert "2 von 3 angezeigt" in offers


def test_a_full_column_links_to_its_own_page_with_every_card_in_the_board_order(
    client_of, social_worker, team_lead, monkeypatch
):
    from housing import board

    monkeypatch.setattr(board, "CARDS_SHOWN", 2)
    days = DEFAULT_STALL_DAYS[PlacementStep.VIEWING]
    oldest = make_placement(social_worker, step="viewing", on=TODAY - timedelta(days=days + 5))
    middle = make_placement(social_worker, step="viewing", on=TODAY - timedelta(days=2))
    newest = make_placement(social_worker, step="viewing", on=TODAY)
    hidden = make_placement(
        team_lead, client=make_seeker(team_lead, last_name="Schutz", restricted=True), step="viewing"
    )
    make_placement(social_worker, step="proposed")
    browser = client_of(social_worker)
    url = reverse("housing:board_column", args=["viewing"])

    viewing = _column(_board(browser), "viewing")
    assert "2 von 3 angezeigt" in viewing
    assert f'href="{url}"' in viewing and "Alle 3 anzeigen" in viewing

    response = browser.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    order = [page.index(f'id="card-{placement.pk}"') for placement in (oldest, middle, newest)]
    assert order == sorted(order)
    assert f'id="card-{hidden.pk}"' not in page and "Schutz" not in page
    assert page.count("board-card-stalled") == 1
    assert "Besichtigung" in page and f"Festgefahren nach {days} Tagen" in page
    assert (
        AccessLog.objects.filter(user=social_worker, action=AccessLog.Action.VIEW_LIST)
        .last()
        .detail.endswith("3 Klient*innen angezeigt")
    )
    assert f'id="card-{hidden.pk}"' in client_of(team_lead).get(url).content.decode()


def test_the_moved_in_column_page_lists_the_last_move_ins_latest_first(client_of, social_worker):
    earlier = make_placement(social_worker, step="moved_in", on=TODAY - timedelta(days=20))
    later = make_placement(social_worker, step="moved_in", on=TODAY - timedelta(days=2))
    gone = make_placement(social_worker, step="moved_in", on=TODAY - timedelta(days=40))

    page = client_of(social_worker).get(reverse("housing:board_column", args=["moved_in"])).content.decode()

    assert page.index(f'id="card-{later.pk}"') < page.index(f'id="card-{earlier.pk}"')
    assert f'id="card-{gone.pk}"' not in page
    assert "board-card-stalled" not in page
    assert "Der jüngste Einzug zuerst." in page


def test_a_full_moved_in_column_says_the_latest_come_first(client_of, social_worker, monkeypatch):
    from housing import board

    monkeypatch.setattr(board, "CARDS_SHOWN", 1)
    for days in (3, 9):
        make_placement(social_worker, step="moved_in", on=TODAY - timedelta(days=days))

    moved_in = _column(_board(client_of(social_worker)), "moved_in")

    assert "1 von 2 angezeigt, die jüngsten zuerst." in moved_in
    assert "ältesten" not in moved_in


@pytest.mark.parametrize("column", ["declined", "open_offers", "nothing"])
def test_a_column_page_exists_only_for_the_board_s_placement_columns(client_of, social_worker, column):
    assert client_of(social_worker).get(reverse("housing:board_column", args=[column])).status_code == 404


def test_a_column_page_costs_the_same_queries_with_1_and_with_48_cards(client_of, social_worker):
    browser = client_of(social_worker)
    url = reverse("housing:board_column", args=["proposed"])
    make_placement(social_worker, step="proposed")
    browser.get(url)
    with CaptureQueriesContext(connection) as one:
        browser.get(url)

    for number in range(47):
        make_placement(social_worker, step="proposed", on=TODAY - timedelta(days=number % 25))
    with CaptureQueriesContext(connection) as many:
        page = browser.get(url).content.decode()

    assert page.count('class="card mb-2 board-card') == 48
    assert len(one) == len(many) <= 15


def test_placements_of_restricted_clients_stay_off_the_board_of_others(client_of, social_worker, team_lead):
    hidden = make_seeker(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
    make_placement(team_lead, client=hidden, step="viewing")

    assert "Schutz" not in _board(client_of(social_worker))
    assert "Schutz" in _board(client_of(team_lead))


def test_the_board_costs_the_same_queries_with_1_and_with_50_placements(client_of, social_worker, team_lead):
    browser = client_of(social_worker)
    make_placement(social_worker, step="viewing")
    make_offer(social_worker)
    make_seeker(social_worker)
    browser.get(BOARD)
    with CaptureQueriesContext(connection) as one:
        browser.get(BOARD)

    steps = ["proposed", "viewing", "landlord_accepted", "lease_signed", "moved_in"]
    for number in range(49):
        make_placement(social_worker, step=steps[number % len(steps)], on=TODAY - timedelta(days=number % 25))
        make_offer(social_worker)
    with CaptureQueriesContext(connection) as fifty:
        page = browser.get(BOARD).content.decode()

    assert page.count('class="card mb-2 board-card') >= 50
    assert len(one) == len(fifty) <= 15


@pytest.mark.parametrize("role", ["social_worker", "team_lead"])
def test_only_the_team_lead_is_offered_the_threshold_settings(client_of, role_users, role):
    page = _board(client_of(role_users[role]))
    assert ("Schwellenwerte einstellen" in page) is (role == "team_lead")


def _reference_board(user, today, cards_shown):
    """The board as it was built before the database picked the cards: every placement loaded,
    grouped, sorted and cut in Python. Per column: the drawn placements, the total, the stalled ones."""
    from django.db.models import Q

    from housing.board import BOARD_STEPS, MOVED_IN_DAYS
    from housing.models import Placement

    limits = stall_limits(user.organisation_id)
    columns = {step.value: [] for step in BOARD_STEPS}
    moved_in = []
    placements = (
        Placement.objects.visible_to(user)
        .filter(
            Q(step__in=BOARD_STEPS)
            | Q(step=PlacementStep.MOVED_IN, moved_in_on__gte=today - timedelta(days=MOVED_IN_DAYS))
        )
        .order_by("step_changed_on", "pk")
    )
    for placement in placements:
        if placement.step == PlacementStep.MOVED_IN:
            moved_in.append(placement)
        else:
            columns[placement.step].append(placement)
    moved_in.sort(key=lambda placement: placement.moved_in_on, reverse=True)
    columns["moved_in"] = moved_in
    result = {}
    for key, cards in columns.items():
        limit = limits.get(PlacementStep(key)) if key != "moved_in" else None
        drawn = cards[:cards_shown]
        stalled = [limit is not None and (today - placement.step_changed_on).days > limit for placement in drawn]
        result[key] = ([placement.pk for placement in drawn], len(cards), stalled)
    return result


def test_the_columns_equal_loading_every_placement(social_worker, team_lead, monkeypatch):
    """Varied steps, ties on the day, move-ins old and new, declined and hidden placements."""
    from housing import board
    from housing.models import Placement

    monkeypatch.setattr(board, "CARDS_SHOWN", 3)
    steps = ["proposed", "viewing", "landlord_accepted", "lease_signed", "moved_in"]
    for number in range(30):
        step = steps[number % len(steps)] if number < 25 else "proposed"
        placement = make_placement(social_worker, step=step, on=TODAY - timedelta(days=number % 4 * 9))
        if step == "moved_in" and number % 2:
            # Moved in on the same day, reached the step on different days: the day of the move decides.
            Placement.objects.filter(pk=placement.pk).update(step_changed_on=TODAY - timedelta(days=number))
    make_placement(social_worker, step="moved_in", on=TODAY - timedelta(days=40))  # off the board
    placement_decline(
        placement=make_placement(social_worker, step="viewing"), reason="client_declined", actor=social_worker
    )
    hidden = make_seeker(team_lead, restricted=True)
    make_placement(team_lead, client=hidden, step="proposed", on=TODAY - timedelta(days=60))
    days_by_step = {**DEFAULT_STALL_DAYS, PlacementStep.VIEWING: 5, PlacementStep.LANDLORD_ACCEPTED: None}
    stall_thresholds_save(organisation=social_worker.organisation, days_by_step=days_by_step, actor=team_lead)

    for user in (social_worker, team_lead):
        columns = board.build_board(user, TODAY)
        drawn = {
            column.key: (
                [card.placement.pk for card in column.cards],
                column.total,
                [card.stalled for card in column.cards],
            )
            for column in columns
            if column.kind == "placement"
        }
        assert drawn == _reference_board(user, TODAY, 3)
    assert drawn["proposed"][1] == 11  # the restricted client's placement counts for the team lead
