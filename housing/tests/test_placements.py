"""The placement pipeline: propose, the steps with date and actor, decline, the move-in closing the
case, the follow-ups at 3, 6 and 12 months, and the pages that show and drive it."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, HouseholdMember, Task
from hagen_zuhause.codes import CaseType, Outcome, TaskKind
from hagen_zuhause.dates import add_months
from hagen_zuhause.models import AccessLog
from housing import kdu
from housing.models import (
    DeclineReason,
    FollowUp,
    FollowUpResult,
    OfferStatus,
    Placement,
    PlacementStep,
    PlacementStepRecord,
)
from housing.services.placements import follow_up_answer, placement_advance, placement_decline, placement_propose
from tests.builders import make_client, make_offer, make_placement, make_seeker

TODAY = timezone.localdate()


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def seeker(social_worker):
    return make_seeker(social_worker, first_name="Georgi", last_name="Ivanov")


# --- Propose ----------------------------------------------------------------------------------


def test_a_proposal_links_the_open_provision_case_and_records_who_proposed(social_worker, offer, seeker):
    placement = placement_propose(offer=offer, client=seeker, actor=social_worker)

    assert placement.step == PlacementStep.PROPOSED
    assert placement.case == Case.objects.get(client=seeker, case_type=CaseType.PROVISION)
    assert placement.household_size == 1
    record = placement.step_records.get()
    assert (record.step, record.on, record.actor) == (PlacementStep.PROPOSED, TODAY, social_worker)


def test_the_household_size_counts_the_members_moving_in(social_worker, offer, seeker):
    HouseholdMember.objects.create(client=seeker, first_name="Elena", relationship="partner")
    HouseholdMember.objects.create(client=seeker, first_name="Ana", relationship="child", birth_year=2019)

    assert placement_propose(offer=offer, client=seeker, actor=social_worker).household_size == 3


def test_the_same_household_is_proposed_once_per_flat(social_worker, offer, seeker):
    placement_propose(offer=offer, client=seeker, actor=social_worker)

    with pytest.raises(ValidationError) as error:
        placement_propose(offer=offer, client=seeker, actor=social_worker)

    assert error.value.messages == ["Dieser Haushalt ist für diese Wohnung bereits vorgeschlagen."]
    assert Placement.objects.count() == 1


def test_a_let_flat_takes_no_more_proposals(social_worker, offer, seeker):
    make_placement(social_worker, offer=offer, step="lease_signed")

    with pytest.raises(ValidationError, match="nicht mehr angeboten"):
        placement_propose(offer=offer, client=seeker, actor=social_worker)


def test_proposing_from_the_board_leads_to_the_new_placement(client_of, social_worker, offer, seeker):
    response = client_of(social_worker).post(
        reverse("housing:placement_propose", args=[offer.pk]),
        {"client": seeker.pk, "next": reverse("housing:board")},
    )

    placement = Placement.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("housing:placement_detail", args=[placement.pk])
    assert "Der Haushalt wurde für die Wohnung vorgeschlagen." in _messages(response)


def test_a_double_submitted_proposal_shows_the_one_placement(client_of, social_worker, offer, seeker):
    url = reverse("housing:placement_propose", args=[offer.pk])
    browser = client_of(social_worker)
    first = browser.post(url, {"client": seeker.pk, "next": reverse("housing:board")})

    again = browser.post(url, {"client": seeker.pk, "next": reverse("housing:board")})

    assert again.url == first.url
    assert _messages(again)[-1] == "Dieser Haushalt ist für diese Wohnung bereits vorgeschlagen."
    assert Placement.objects.count() == 1


def test_a_refused_proposal_goes_back_with_the_german_reason(client_of, social_worker, offer, seeker):
    make_placement(social_worker, offer=offer, step="lease_signed")
    board = reverse("housing:board")

    response = client_of(social_worker).post(
        reverse("housing:placement_propose", args=[offer.pk]), {"client": seeker.pk, "next": board}
    )

    assert response.status_code == 302
    assert response.url == board
    assert _messages(response) == ["Diese Wohnung wird nicht mehr angeboten."]
    assert not Placement.objects.filter(client=seeker).exists()


def test_a_client_the_worker_cannot_see_cannot_be_proposed(client_of, social_worker, team_lead, offer):
    hidden = make_client(team_lead, first_name="Elena", last_name="Schutz", restricted=True)

    response = client_of(social_worker).post(
        reverse("housing:placement_propose", args=[offer.pk]), {"client": hidden.pk, "next": "https://evil.example/"}
    )

    assert response.url == reverse("housing:board")  # a foreign "next" is ignored
    assert _messages(response) == ["Bitte wählen Sie einen Haushalt aus der Liste."]
    assert not Placement.objects.exists()


# --- Steps -------------------------------------------------------------------------------------


def test_each_step_is_recorded_with_its_date_and_actor(social_worker, team_lead, offer, seeker):
    placement = placement_propose(offer=offer, client=seeker, actor=social_worker, on=date(2025, 3, 3))
    placement = placement_advance(placement=placement, step="viewing", actor=team_lead, on=date(2025, 3, 10))
    placement = placement_advance(
        placement=placement, step="landlord_accepted", actor=social_worker, on=date(2025, 3, 14), note="Zusage per Mail"
    )

    assert (placement.viewing_on, placement.landlord_accepted_on) == (date(2025, 3, 10), date(2025, 3, 14))
    assert placement.step_changed_on == date(2025, 3, 14)
    records = [(r.step, r.on, r.actor, r.note) for r in placement.step_records.all()]
    assert records == [
        (PlacementStep.PROPOSED, date(2025, 3, 3), social_worker, ""),
        (PlacementStep.VIEWING, date(2025, 3, 10), team_lead, ""),
        (PlacementStep.LANDLORD_ACCEPTED, date(2025, 3, 14), social_worker, "Zusage per Mail"),
    ]


@pytest.mark.parametrize(
    ("step", "on", "message"),
    [
        ("proposed", None, "Eine Vermittlung geht nur vorwärts."),
        ("declined", None, "Bitte wählen Sie den nächsten Schritt der Vermittlung."),
        ("flying", None, "Bitte wählen Sie den nächsten Schritt der Vermittlung."),
        ("viewing", TODAY + timedelta(days=1), "Das Datum liegt in der Zukunft."),
        ("viewing", TODAY - timedelta(days=30), "Das Datum liegt vor dem vorigen Schritt."),
    ],
)
def test_bad_steps_and_dates_are_refused_in_german(social_worker, offer, seeker, step, on, message):
    placement = placement_propose(offer=offer, client=seeker, actor=social_worker, on=TODAY - timedelta(days=2))

    with pytest.raises(ValidationError) as error:
        placement_advance(placement=placement, step=step, actor=social_worker, on=on)

    assert error.value.messages == [message]
    placement.refresh_from_db()
    assert placement.step == PlacementStep.PROPOSED


def test_lease_signed_lets_the_flat_and_closes_the_competing_proposals(social_worker, offer):
    winner = make_placement(social_worker, offer=offer, step="landlord_accepted")
    other = make_placement(social_worker, offer=offer, step="viewing")

    placement_advance(placement=winner, step="lease_signed", actor=social_worker)

    offer.refresh_from_db()
    other.refresh_from_db()
    assert (offer.status, offer.let_on) == (OfferStatus.LET, TODAY)
    assert other.step == PlacementStep.DECLINED
    assert other.decline_reason == DeclineReason.OFFER_TAKEN
    assert other.step_records.last().note == str(DeclineReason.OFFER_TAKEN.label)


def test_a_household_holds_one_placement_past_the_viewing(social_worker, seeker):
    first = make_placement(social_worker, client=seeker, step="landlord_accepted")
    second = make_placement(social_worker, client=seeker, step="viewing")

    with pytest.raises(ValidationError) as error:
        placement_advance(placement=second, step="landlord_accepted", actor=social_worker)

    assert error.value.messages == [
        "Dieser Haushalt hat bereits eine andere Vermittlung nach der Besichtigung "
        "(Zusage der Vermieter*in oder Mietvertrag)."
    ]
    second.refresh_from_db()
    assert second.step == PlacementStep.VIEWING
    # Once the first one ends, the second may go ahead.
    placement_decline(placement=first, reason="client_declined", actor=social_worker, note="Zu weit vom Arzt")
    second = placement_advance(placement=second, step="landlord_accepted", actor=social_worker)
    assert second.step == PlacementStep.LANDLORD_ACCEPTED


def test_a_declined_placement_keeps_its_reason_and_cannot_move_on(social_worker, offer, seeker):
    placement = make_placement(social_worker, offer=offer, client=seeker, step="viewing")

    placement = placement_decline(
        placement=placement, reason="landlord_declined", actor=social_worker, note="Schufa-Eintrag"
    )

    assert (placement.step, placement.decline_reason, placement.decline_note) == (
        "declined",
        "landlord_declined",
        "Schufa-Eintrag",
    )
    with pytest.raises(ValidationError, match="Diese Vermittlung wurde abgesagt"):
        placement_advance(placement=placement, step="landlord_accepted", actor=social_worker)
    with pytest.raises(ValidationError, match="ob der Haushalt oder die Vermieter"):
        placement_decline(placement=placement, reason="offer_taken", actor=social_worker)


def test_declining_after_the_lease_puts_the_flat_back_on_offer(social_worker, offer):
    placement = make_placement(social_worker, offer=offer, step="lease_signed")

    placement_decline(placement=placement, reason="client_declined", actor=social_worker, note="Zieht zur Tochter")

    offer.refresh_from_db()
    assert (offer.status, offer.let_on) == (OfferStatus.AVAILABLE, None)


# --- Move-in: the case and the follow-ups ------------------------------------------------------------


def test_moving_in_closes_the_provision_case_as_placed(social_worker, offer, seeker):
    placement = make_placement(social_worker, offer=offer, client=seeker, step="moved_in")

    case = Case.objects.get(client=seeker)
    assert (case.closed_on, case.outcome, case.closed_by) == (TODAY, Outcome.PLACED_OWN_TENANCY, social_worker)
    assert placement.case == case


def test_the_worker_can_keep_the_case_open_at_the_move_in(social_worker, offer, seeker):
    make_placement(social_worker, offer=offer, client=seeker, step="moved_in", close_case=False)

    assert Case.objects.get(client=seeker).closed_on is None


def test_follow_ups_become_tasks_3_6_and_12_months_after_the_move_in(social_worker, seeker):
    # 31.08.2023 + 6 months is the 29th of February of the leap year 2024.
    placement = make_placement(social_worker, client=seeker, step="moved_in", on=date(2023, 8, 31))

    follow_ups = list(placement.follow_ups.select_related("task"))
    assert [(f.months, f.due_on) for f in follow_ups] == [
        (3, date(2023, 11, 30)),
        (6, date(2024, 2, 29)),
        (12, date(2024, 8, 31)),
    ]
    for follow_up in follow_ups:
        task = follow_up.task
        assert (task.kind, task.due_on, task.client, task.assignee) == (
            TaskKind.FOLLOW_UP,
            follow_up.due_on,
            seeker,
            social_worker,
        )
        assert task.title == f"Nachbetreuung {follow_up.months} Monate nach Einzug: Mietverhältnis noch bestehend?"
        assert reverse("housing:follow_up_answer", args=[follow_up.pk]) in task.note


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 1, 31), 3, date(2025, 4, 30)),
        (date(2025, 10, 15), 12, date(2026, 10, 15)),
    ],
)
def test_months_after_a_day_clamp_to_the_end_of_a_short_month(day, months, expected):
    assert add_months(day, months) == expected


def test_the_follow_up_task_goes_to_the_assigned_worker(social_worker, team_lead, seeker):
    # The team lead records the move-in of the social worker's client: the task is the social worker's.
    placement = make_placement(team_lead, client=seeker, step="moved_in")

    assert {f.task.assignee for f in placement.follow_ups.select_related("task")} == {social_worker}


def test_an_answer_is_recorded_and_its_task_done(social_worker, seeker):
    placement = make_placement(social_worker, client=seeker, step="moved_in", on=TODAY - timedelta(days=100))
    follow_up = placement.follow_ups.get(months=3)

    follow_up_answer(follow_up=follow_up, result="held", actor=social_worker, note="Miete läuft")

    follow_up.refresh_from_db()
    assert (follow_up.result, follow_up.answered_on, follow_up.answered_by) == ("held", TODAY, social_worker)
    task = Task.objects.get(pk=follow_up.task_id)
    assert task.done_at is not None and task.done_by == social_worker


def test_an_answer_needs_a_result_and_a_date_after_the_move_in(social_worker, seeker):
    placement = make_placement(social_worker, client=seeker, step="moved_in", on=TODAY - timedelta(days=10))
    follow_up = placement.follow_ups.get(months=3)

    with pytest.raises(ValidationError, match="ob das Mietverhältnis noch besteht"):
        follow_up_answer(follow_up=follow_up, result="", actor=social_worker)
    with pytest.raises(ValidationError, match="vor dem Einzug"):
        follow_up_answer(follow_up=follow_up, result="held", actor=social_worker, on=TODAY - timedelta(days=11))
    assert not FollowUp.objects.answered().exists()


def test_two_workers_answering_at_once_do_not_overwrite_each_other(social_worker, team_lead, seeker):
    placement = make_placement(social_worker, client=seeker, step="moved_in", on=TODAY - timedelta(days=100))
    follow_up = placement.follow_ups.get(months=3)
    follow_up_answer(follow_up=follow_up, result="held", actor=team_lead, previous_result="")

    with pytest.raises(ValidationError, match="inzwischen eine Antwort erfasst"):
        follow_up_answer(follow_up=follow_up, result="lost", actor=social_worker, previous_result="")

    follow_up.refresh_from_db()
    assert (follow_up.result, follow_up.answered_by) == ("held", team_lead)


# --- Pages ---------------------------------------------------------------------------------


def test_the_placement_page_shows_household_flat_steps_kdu_and_logs_the_access(
    client_of, social_worker, team_lead, offer, seeker, kdu_table
):
    placement = placement_propose(offer=offer, client=seeker, actor=social_worker, on=date(2025, 3, 3))
    placement_advance(placement=placement, step="viewing", actor=team_lead, on=date(2025, 3, 10))

    response = client_of(social_worker).get(reverse("housing:placement_detail", args=[placement.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Georgi Ivanov" in page and seeker.case_number in page
    assert offer.street in page
    assert "10.03.2025 · eingetragen von Thomas Lehmann" in page
    assert "03.03.2025 · eingetragen von Sonja Albers" in page
    # 380 € + 80 € for one person against the test table's 420 €.
    result = kdu.kdu_check(table=kdu_table, gross_cold_rent=offer.gross_cold_rent, household_size=1)
    assert result.status == kdu.EXCEEDS
    assert result.reason in page
    assert "Nächsten Schritt eintragen" in page
    assert AccessLog.objects.filter(
        user=social_worker, action=AccessLog.Action.VIEW, object_type="cases.client", object_id=str(seeker.pk)
    ).exists()


def test_advancing_through_the_page(client_of, social_worker, offer, seeker):
    placement = placement_propose(offer=offer, client=seeker, actor=social_worker, on=TODAY - timedelta(days=3))
    url = reverse("housing:placement_advance", args=[placement.pk])

    response = client_of(social_worker).post(
        url, {"step": "viewing", "on": TODAY.isoformat(), "note": "Termin 10 Uhr", "expected_step": "proposed"}
    )

    assert response.status_code == 302
    assert _messages(response) == [f"Der Schritt „{PlacementStep.VIEWING.label}“ ist eingetragen."]
    placement.refresh_from_db()
    assert (placement.step, placement.viewing_on) == ("viewing", TODAY)


def test_the_move_in_form_offers_closing_the_case_ticked(client_of, social_worker, seeker):
    placement = make_placement(social_worker, client=seeker, step="lease_signed")

    page = client_of(social_worker).get(reverse("housing:placement_detail", args=[placement.pk])).content.decode()

    assert f"Fall als „{Outcome.PLACED_OWN_TENANCY.label}“ abschließen" in page
    checkbox = re.search(r'<input[^>]*name="close_case"[^>]*>', page).group(0)
    assert "checked" in checkbox


def test_unticking_the_box_keeps_the_case_open(client_of, social_worker, seeker):
    placement = make_placement(social_worker, client=seeker, step="lease_signed")

    response = client_of(social_worker).post(
        reverse("housing:placement_advance", args=[placement.pk]),
        {"step": "moved_in", "on": TODAY.isoformat(), "expected_step": "lease_signed"},
    )

    assert _messages(response) == [
        "Der Einzug ist eingetragen und die Nachbetreuung ist geplant; der Fall bleibt offen."
    ]
    assert Case.objects.get(client=seeker).closed_on is None
    assert FollowUp.objects.filter(placement=placement).count() == 3


def test_ticking_the_box_closes_the_case(client_of, social_worker, seeker):
    placement = make_placement(social_worker, client=seeker, step="lease_signed")

    response = client_of(social_worker).post(
        reverse("housing:placement_advance", args=[placement.pk]),
        {"step": "moved_in", "on": TODAY.isoformat(), "close_case": "on", "expected_step": "lease_signed"},
    )

    assert _messages(response) == [
        "Der Einzug ist eingetragen, die Nachbetreuung ist geplant und der Fall ist abgeschlossen."
    ]
    assert Case.objects.get(client=seeker).outcome == Outcome.PLACED_OWN_TENANCY


def test_a_step_on_a_placement_someone_else_moved_on_is_refused(client_of, social_worker, team_lead, seeker):
    placement = make_placement(social_worker, client=seeker, step="proposed")
    placement_advance(placement=placement, step="viewing", actor=team_lead)

    # The social worker's page still showed "proposed".
    response = client_of(social_worker).post(
        reverse("housing:placement_advance", args=[placement.pk]),
        {"step": "landlord_accepted", "on": TODAY.isoformat(), "expected_step": "proposed"},
    )

    assert response.status_code == 200
    assert "Jemand anderes hat diese Vermittlung inzwischen geändert." in response.content.decode()
    placement.refresh_from_db()
    assert placement.step == "viewing"
    assert placement.step_records.count() == 2


def test_declining_through_the_page_needs_an_explanation(client_of, social_worker, seeker):
    placement = make_placement(social_worker, client=seeker, step="viewing")
    url = reverse("housing:placement_decline", args=[placement.pk])

    refused = client_of(social_worker).post(url, {"reason": "client_declined", "on": TODAY.isoformat()})
    assert "Bitte begründen Sie kurz, warum die Vermittlung endet." in refused.content.decode()

    response = client_of(social_worker).post(
        url, {"reason": "client_declined", "on": TODAY.isoformat(), "note": "Wohnung zu dunkel"}
    )

    assert _messages(response) == [f"Die Vermittlung ist beendet: {DeclineReason.CLIENT_DECLINED.label}."]
    page = client_of(social_worker).get(reverse("housing:placement_detail", args=[placement.pk])).content.decode()
    assert "Wohnung zu dunkel" in page
    assert "Nächsten Schritt eintragen" not in page


def test_the_follow_up_page_records_the_answer_shown_on_the_placement(client_of, social_worker, seeker):
    placement = make_placement(social_worker, client=seeker, step="moved_in", on=TODAY - timedelta(days=95))
    follow_up = placement.follow_ups.get(months=3)
    url = reverse("housing:follow_up_answer", args=[follow_up.pk])
    browser = client_of(social_worker)

    form = browser.get(url)
    assert "Besteht das Mietverhältnis noch?" in form.content.decode()

    response = browser.post(
        url, {"result": "held", "on": TODAY.isoformat(), "note": "Hausbesuch", "previous_result": ""}
    )

    assert response.url == reverse("housing:placement_detail", args=[placement.pk])
    page = browser.get(response.url).content.decode()
    assert str(FollowUpResult.HELD.label) in page
    assert "Hausbesuch" in page
    assert follow_up.task_id and Task.objects.get(pk=follow_up.task_id).is_done


def test_placements_of_restricted_clients_exist_only_for_those_who_may_see_them(
    client_of, social_worker, team_lead, offer
):
    hidden = make_seeker(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
    placement = placement_propose(offer=offer, client=hidden, actor=team_lead)
    url = reverse("housing:placement_detail", args=[placement.pk])

    assert client_of(social_worker).get(url).status_code == 404
    assert client_of(team_lead).get(url).status_code == 200


def _detail_queries(browser, placement):
    url = reverse("housing:placement_detail", args=[placement.pk])
    browser.get(url)  # session and permission caches warm
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_the_placement_page_costs_the_same_queries_with_more_related_rows(client_of, social_worker, seeker, kdu_table):
    browser = client_of(social_worker)
    small = _detail_queries(browser, make_placement(social_worker, step="viewing"))

    # A household with ten other placements, a flat with ten competing households, a long log.
    crowded = make_offer(social_worker)
    many = make_placement(social_worker, offer=crowded, client=seeker, step="viewing")
    for _number in range(10):
        make_placement(social_worker, client=seeker, step="viewing")
        make_placement(social_worker, offer=crowded, step="proposed")
        PlacementStepRecord.objects.create(placement=many, step="viewing", on=TODAY, actor=social_worker)
    page = browser.get(reverse("housing:placement_detail", args=[many.pk])).content.decode()
    assert page.count('<li><a href="/housing/placements/') == 20
    large = _detail_queries(browser, many)

    assert small == large <= 15


def test_a_moved_in_placement_page_stays_within_the_query_budget(client_of, social_worker, seeker, kdu_table):
    browser = client_of(social_worker)
    placement = make_placement(social_worker, client=seeker, step="moved_in", on=TODAY - timedelta(days=200))
    follow_up_answer(follow_up=placement.follow_ups.get(months=3), result="held", actor=social_worker)
    for _number in range(10):
        make_placement(social_worker, client=seeker, step="viewing")

    assert _detail_queries(browser, placement) <= 16


def test_a_step_on_a_placement_closed_meanwhile_says_why_and_changes_nothing(
    client_of, social_worker, team_lead, seeker
):
    placement = make_placement(social_worker, client=seeker, step="viewing")
    placement_decline(placement=placement, reason="landlord_declined", actor=team_lead, note="Andere Mieterin")

    response = client_of(social_worker).post(
        reverse("housing:placement_advance", args=[placement.pk]),
        {"step": "landlord_accepted", "on": TODAY.isoformat(), "expected_step": "viewing"},
    )

    assert response.url == reverse("housing:placement_detail", args=[placement.pk])
    assert _messages(response) == ["Diese Vermittlung wurde abgesagt."]
    placement.refresh_from_db()
    assert (placement.step, placement.landlord_accepted_on) == (PlacementStep.DECLINED, None)
