"""A viewing, lease signing or move-in planned for a day to come: an appointment of the worker, later
recorded with its real date; steps jumped over are recorded as skipped, with the reason."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Appointment
from hagen_zuhause.codes import AppointmentKind, AppointmentStatus
from housing.models import PlacementStep
from housing.services.placements import placement_advance, placement_decline, placement_plan_step
from tests.builders import SKIPPED, make_placement

pytestmark = pytest.mark.django_db


def _day(days):
    return timezone.localdate() + timedelta(days=days)


def test_a_viewing_planned_for_thursday_is_an_appointment_of_the_worker(social_worker):
    placement = make_placement(social_worker)
    appointment = placement_plan_step(
        placement=placement, step=PlacementStep.VIEWING, on=_day(4), start_time=time(10, 0), actor=social_worker
    )
    assert appointment.kind == AppointmentKind.VIEWING and appointment.status == AppointmentStatus.PLANNED
    assert (appointment.client, appointment.offer, appointment.placement) == (
        placement.client,
        placement.offer,
        placement,
    )
    assert appointment.worker == social_worker and appointment.date == _day(4)
    placement.refresh_from_db()
    assert placement.step == PlacementStep.PROPOSED  # not a step until it took place


def test_planning_again_moves_the_one_appointment(social_worker):
    placement = make_placement(social_worker)
    placement_plan_step(
        placement=placement, step=PlacementStep.VIEWING, on=_day(4), start_time=time(10, 0), actor=social_worker
    )
    placement_plan_step(
        placement=placement, step=PlacementStep.VIEWING, on=_day(5), start_time=time(14, 0), actor=social_worker
    )
    [appointment] = Appointment.objects.filter(placement=placement)
    assert (appointment.date, appointment.start_time) == (_day(5), time(14, 0))


def test_a_past_day_cannot_be_planned(social_worker):
    placement = make_placement(social_worker)
    with pytest.raises(ValidationError):
        placement_plan_step(
            placement=placement, step=PlacementStep.VIEWING, on=_day(-1), start_time=time(10, 0), actor=social_worker
        )
    assert not Appointment.objects.exists()


def test_recording_the_viewing_marks_the_appointment_done_on_its_actual_date(social_worker):
    placement = make_placement(social_worker)
    placement_plan_step(
        placement=placement, step=PlacementStep.VIEWING, on=_day(0), start_time=time(8, 0), actor=social_worker
    )
    # It took place earlier than planned (the landlord called): today is recorded, yesterday would be too.
    Appointment.objects.filter(placement=placement).update(date=_day(3))
    placement_advance(placement=placement, step=PlacementStep.VIEWING, actor=social_worker, on=_day(0))
    appointment = Appointment.objects.get(placement=placement)
    assert appointment.status == AppointmentStatus.DONE and appointment.date == _day(0)
    placement.refresh_from_db()
    assert placement.viewing_on == _day(0)
    # The step's date still may not lie in the future.
    with pytest.raises(ValidationError):
        placement_advance(placement=placement, step=PlacementStep.LANDLORD_ACCEPTED, actor=social_worker, on=_day(2))


def test_a_declined_placement_cancels_its_planned_viewing(social_worker):
    placement = make_placement(social_worker)
    placement_plan_step(
        placement=placement, step=PlacementStep.VIEWING, on=_day(2), start_time=time(9, 0), actor=social_worker
    )
    placement_decline(placement=placement, reason="client_declined", actor=social_worker, note="Zu weit")
    assert Appointment.objects.get(placement=placement).status == AppointmentStatus.CANCELLED


def test_plan_on_the_placement_page(client_of, social_worker):
    placement = make_placement(social_worker)
    web = client_of(social_worker)
    page = web.get(reverse("housing:placement_detail", args=[placement.pk])).content.decode()
    assert "Termin planen" in page
    response = web.post(
        reverse("housing:placement_plan_step", args=[placement.pk]),
        {
            "step": "viewing",
            "on": _day(3).isoformat(),
            "start_time": "10:30",
            "end_time": "11:00",
            "expected_step": "proposed",
        },
    )
    assert response.status_code == 302
    page = web.get(reverse("housing:placement_detail", args=[placement.pk])).content.decode()
    assert "Wohnungsbesichtigung: " in page and "10:30–11:00" in page
    week = web.get(reverse("cases:calendar"), {"week": _day(3).isoformat()}).content.decode()
    assert "10:30" in week and "Wohnungsbesichtigung" in week


def test_a_past_day_on_the_page_is_a_german_error(client_of, social_worker):
    placement = make_placement(social_worker)
    response = client_of(social_worker).post(
        reverse("housing:placement_plan_step", args=[placement.pk]),
        {"step": "viewing", "on": _day(-2).isoformat(), "start_time": "10:30", "expected_step": "proposed"},
    )
    assert response.status_code == 200
    assert "heute oder später" in response.content.decode()
    assert not Appointment.objects.exists()


# --- Lease signing and move-in planned ahead -----------------------------------------------------


def test_lease_signing_and_move_in_are_planned_like_the_viewing(client_of, social_worker):
    placement = make_placement(social_worker, step="landlord_accepted")
    web = client_of(social_worker)
    for step, day, start in (("lease_signed", _day(2), "09:00"), ("moved_in", _day(9), "08:00")):
        response = web.post(
            reverse("housing:placement_plan_step", args=[placement.pk]),
            {"step": step, "on": day.isoformat(), "start_time": start, "expected_step": "landlord_accepted"},
        )
        assert response.status_code == 302
    kinds = dict(Appointment.objects.filter(placement=placement).values_list("kind", "date"))
    assert kinds == {AppointmentKind.LEASE_SIGNING: _day(2), AppointmentKind.MOVE_IN: _day(9)}
    page = web.get(reverse("housing:placement_detail", args=[placement.pk])).content.decode()
    assert "Mietvertragsunterzeichnung: " in page and "Einzug: " in page
    week = web.get(reverse("cases:calendar"), {"week": _day(2).isoformat()}).content.decode()
    assert "Mietvertragsunterzeichnung" in week

    # Signing today marks its appointment as having taken place today; the move-in stays planned.
    placement_advance(placement=placement, step=PlacementStep.LEASE_SIGNED, actor=social_worker)
    signing = Appointment.objects.get(placement=placement, kind=AppointmentKind.LEASE_SIGNING)
    assert (signing.status, signing.date) == (AppointmentStatus.DONE, _day(0))
    move_in = Appointment.objects.get(placement=placement, kind=AppointmentKind.MOVE_IN)
    assert move_in.status == AppointmentStatus.PLANNED


def test_a_step_already_recorded_cannot_be_planned(social_worker):
    placement = make_placement(social_worker, step="viewing")
    with pytest.raises(ValidationError) as error:
        placement_plan_step(
            placement=placement, step=PlacementStep.VIEWING, on=_day(2), start_time=time(9, 0), actor=social_worker
        )
    assert error.value.message_dict == {"step": ["Dieser Schritt ist bereits erfasst."]}
    with pytest.raises(ValidationError):
        placement_plan_step(
            placement=placement,
            step=PlacementStep.LANDLORD_ACCEPTED,  # no appointment of its own: the landlord's answer
            on=_day(2),
            start_time=time(9, 0),
            actor=social_worker,
        )
    assert not Appointment.objects.exists()


def test_jumping_over_steps_needs_a_reason_and_records_them_as_skipped(social_worker):
    placement = make_placement(social_worker)
    placement_plan_step(
        placement=placement, step=PlacementStep.VIEWING, on=_day(3), start_time=time(9, 0), actor=social_worker
    )

    with pytest.raises(ValidationError) as error:
        placement_advance(placement=placement, step=PlacementStep.MOVED_IN, actor=social_worker)
    assert error.value.message_dict == {
        "skip_reason": [
            "Bitte sagen Sie, warum die Schritte „Besichtigung“, „von Vermieter*in zugesagt“, "
            "„Mietvertrag unterschrieben“ nicht stattgefunden haben."
        ]
    }
    placement.refresh_from_db()
    assert placement.step == PlacementStep.PROPOSED and placement.step_records.count() == 1

    placement = placement_advance(
        placement=placement, step=PlacementStep.MOVED_IN, actor=social_worker, skip_reason=SKIPPED
    )
    records = [(r.step, r.skipped, r.note) for r in placement.step_records.all()]
    assert records == [
        (PlacementStep.PROPOSED, False, ""),
        (PlacementStep.VIEWING, True, SKIPPED),
        (PlacementStep.LANDLORD_ACCEPTED, True, SKIPPED),
        (PlacementStep.LEASE_SIGNED, True, SKIPPED),
        (PlacementStep.MOVED_IN, False, ""),
    ]
    assert placement.viewing_on is None and placement.lease_signed_on is None
    # The viewing planned for Thursday did not take place: it leaves the calendar.
    assert Appointment.objects.get(placement=placement).status == AppointmentStatus.CANCELLED


def test_skipped_steps_read_skipped_with_their_reason_on_the_page(client_of, social_worker):
    placement = make_placement(social_worker)
    web = client_of(social_worker)
    url = reverse("housing:placement_advance", args=[placement.pk])
    form = {"step": "landlord_accepted", "on": _day(0).isoformat(), "expected_step": "proposed"}

    refused = web.post(url, form)
    assert refused.status_code == 200
    assert "warum die Schritte „Besichtigung“ nicht stattgefunden haben" in refused.content.decode()
    placement.refresh_from_db()
    assert placement.step == PlacementStep.PROPOSED

    response = web.post(url, {**form, "skip_reason": "Vermieterin kennt die Wohnung aus dem Vorgespräch"})
    assert response.status_code == 302
    page = web.get(reverse("housing:placement_detail", args=[placement.pk])).content.decode()
    assert "übersprungen" in page and "Vermieterin kennt die Wohnung aus dem Vorgespräch" in page
    steps = page[page.index('class="list-group list-group-numbered placement-steps"') :]
    steps = steps[: steps.index("</ol>")]
    assert "offen" in steps  # the lease and the move-in are still ahead
    assert steps.index("übersprungen") < steps.index("aktueller Schritt") < steps.index("offen")
