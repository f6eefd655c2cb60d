"""Appointments: the services, the client page, the week view, the start page and the calendar feed."""

import json
import logging
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cases.models import Appointment, CalendarFeed
from cases.services import appointments as services
from cases.services.cover import cover_create
from cases.views.appointments import monday_of
from hagen_zuhause.codes import AppointmentKind, AppointmentStatus
from hagen_zuhause.locking import record_version
from hagen_zuhause.logs import JsonFormatter, request_line
from hagen_zuhause.models import AccessLog, token_hash
from housing.models import PlacementStep
from housing.services.placements import placement_plan_step
from tests.builders import make_appointment, make_client, make_notice, make_placement

pytestmark = pytest.mark.django_db


def _day(days=0):
    return timezone.localdate() + timedelta(days=days)


# --- Services -------------------------------------------------------------------------------


def test_create_plans_an_appointment(social_worker, client_record):
    first = make_appointment(client_record, social_worker, place="Büro 3")
    assert first.status == AppointmentStatus.PLANNED
    assert first.organisation_id == client_record.organisation_id
    assert Appointment.objects.count() == 1


def test_end_before_start_is_refused_with_a_german_message(social_worker, client_record):
    with pytest.raises(ValidationError) as error:
        make_appointment(client_record, social_worker, start=time(11, 0), end_time=time(10, 0))
    assert "Ende muss nach dem Beginn" in " ".join(error.value.messages)
    assert not Appointment.objects.exists()


def test_a_worker_of_another_office_is_refused(social_worker, outsider, client_record):
    with pytest.raises(ValidationError):
        make_appointment(client_record, social_worker, worker=outsider)
    assert not Appointment.objects.exists()


def test_edit_with_a_stale_version_is_refused(social_worker, team_lead, client_record):
    appointment = make_appointment(client_record, social_worker)
    shown = record_version(appointment)
    other = Appointment.objects.get(pk=appointment.pk)
    other.place = "Amtsgericht"
    services.appointment_update(appointment=other, actor=team_lead, version=shown)

    mine = Appointment.objects.get(pk=appointment.pk)
    mine.place = "Büro"
    with pytest.raises(ValidationError, match="während Sie ihn bearbeitet"):
        services.appointment_update(appointment=mine, actor=social_worker, version=shown)
    assert Appointment.objects.get(pk=appointment.pk).place == "Amtsgericht"


def test_an_appointment_to_come_cannot_have_taken_place(social_worker, client_record):
    appointment = make_appointment(client_record, social_worker, day=_day(1))
    with pytest.raises(ValidationError, match="kommenden Tag"):
        services.appointment_done(appointment=appointment, actor=social_worker)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.PLANNED


def test_done_and_cancelled_are_final(social_worker, client_record):
    appointment = make_appointment(client_record, social_worker, day=_day(0))
    services.appointment_done(appointment=appointment, actor=social_worker)
    services.appointment_done(appointment=appointment, actor=social_worker)  # a double submit is harmless
    with pytest.raises(ValidationError):
        services.appointment_cancel(appointment=appointment, actor=social_worker)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DONE
    assert appointment.status_changed_by == social_worker
    appointment.place = "anders"
    with pytest.raises(ValidationError):
        services.appointment_update(appointment=appointment, actor=social_worker, version="")


def test_history_records_the_appointment(social_worker, client_record):
    appointment = make_appointment(client_record, social_worker)
    services.appointment_cancel(appointment=appointment, actor=social_worker)
    assert [event.status for event in appointment.events.order_by("pgh_id")] == ["planned", "cancelled"]


def test_a_restricted_clients_appointments_exist_only_for_those_who_see_the_client(
    social_worker, team_lead, outsider, restricted_client
):
    appointment = make_appointment(restricted_client, team_lead)
    assert list(Appointment.objects.visible_to(team_lead)) == [appointment]
    assert not Appointment.objects.visible_to(social_worker).exists()
    assert not Appointment.objects.visible_to(outsider).exists()


# --- Pages ----------------------------------------------------------------------------------


def test_plan_an_appointment_from_the_client_page(client_of, social_worker, client_record):
    web = client_of(social_worker)
    page = web.get(reverse("cases:appointment_create", args=[client_record.pk]))
    assert "Neuer Termin" in page.content.decode()
    data = {
        "submit_token": page.context["submit_token"],
        "kind": AppointmentKind.HOME_VISIT,
        "date": _day(2).isoformat(),
        "start_time": "09:30",
        "end_time": "10:15",
        "place": "Wohnung der Familie",
        "worker": social_worker.pk,
        "note": "Unterlagen mitbringen",
    }
    response = web.post(reverse("cases:appointment_create", args=[client_record.pk]), data)
    assert response.status_code == 302
    web.post(reverse("cases:appointment_create", args=[client_record.pk]), data)  # double submit
    assert Appointment.objects.count() == 1
    detail = web.get(reverse("cases:client_detail", args=[client_record.pk])).content.decode()
    assert "Hausbesuch" in detail and "09:30–10:15" in detail and "Wohnung der Familie" in detail


def test_bad_input_shows_a_german_error_and_saves_nothing(client_of, social_worker, client_record):
    response = client_of(social_worker).post(
        reverse("cases:appointment_create", args=[client_record.pk]),
        {"kind": "office", "date": "31.02.2026", "start_time": "25:00", "worker": social_worker.pk},
    )
    assert response.status_code == 200
    assert "Bitte ein gültiges Datum eingeben" in response.content.decode()
    assert not Appointment.objects.exists()


def test_lease_signing_and_move_in_are_offered_only_for_a_placement_step(client_of, social_worker, client_record):
    web = client_of(social_worker)
    url = reverse("cases:appointment_create", args=[client_record.pk])
    page = web.get(url).content.decode()
    assert 'value="home_visit"' in page
    assert 'value="lease_signing"' not in page and 'value="move_in"' not in page

    data = {"kind": AppointmentKind.MOVE_IN, "date": _day(2).isoformat(), "start_time": "09:00"}
    response = web.post(url, {**data, "worker": social_worker.pk})

    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
    assert response.context["form"].has_error("kind", "invalid_choice")
    assert not Appointment.objects.exists()


def test_the_lease_signing_of_a_placement_keeps_its_kind_when_edited(client_of, social_worker):
    placement = make_placement(social_worker, step=PlacementStep.LANDLORD_ACCEPTED)
    signing = placement_plan_step(
        placement=placement, step=PlacementStep.LEASE_SIGNED, on=_day(3), start_time=time(9, 0), actor=social_worker
    )
    web = client_of(social_worker)
    url = reverse("cases:appointment_edit", args=[signing.pk])
    page = web.get(url).content.decode()
    assert 'value="lease_signing" selected' in page and 'value="move_in"' in page

    data = {
        "kind": AppointmentKind.LEASE_SIGNING,
        "date": _day(3).isoformat(),
        "start_time": "09:00",
        "place": "Büro der Wohnungsgesellschaft",
        "worker": social_worker.pk,
        "version": record_version(signing),
    }
    assert web.post(url, data).status_code == 302
    signing.refresh_from_db()
    assert (signing.kind, signing.place) == (AppointmentKind.LEASE_SIGNING, "Büro der Wohnungsgesellschaft")


def test_mark_done_from_the_client_page(client_of, social_worker, client_record):
    appointment = make_appointment(client_record, social_worker, day=_day(0))
    web = client_of(social_worker)
    web.post(reverse("cases:appointment_done", args=[appointment.pk]))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DONE
    assert (
        "Keine geplanten Termine" in web.get(reverse("cases:client_detail", args=[client_record.pk])).content.decode()
    )


def test_week_view_shows_my_week_with_deadlines_and_today(client_of, social_worker, team_lead, client_record):
    today = timezone.localdate()
    make_appointment(client_record, social_worker, day=today, start=time(8, 15), place="Amtsgericht Hagen")
    make_appointment(client_record, social_worker, day=monday_of(today) + timedelta(days=7), start=time(9, 0))
    make_appointment(client_record, social_worker, day=today, start=time(14, 0), worker=team_lead)
    make_notice(client_record, social_worker, hearing_on=today)
    page = client_of(social_worker).get(reverse("cases:calendar")).content.decode()
    assert "08:15" in page and "Amtsgericht Hagen" in page
    assert "14:00" not in page  # the team lead's appointment
    assert "09:00" not in page  # next week
    assert "Gerichtstermin" in page and "gesetzliche Frist" in page
    assert 'aria-current="date"' in page
    planned = Appointment.objects.get(start_time=time(8, 15))
    assert reverse("cases:appointment_edit", args=[planned.pk]) in page

    next_week = client_of(social_worker).get(
        reverse("cases:calendar"), {"week": (monday_of(today) + timedelta(days=7)).isoformat()}
    )
    assert "09:00" in next_week.content.decode() and "08:15" not in next_week.content.decode()


def test_week_view_team_for_the_team_lead_only(client_of, social_worker, team_lead, client_record):
    today = timezone.localdate()
    make_appointment(client_record, social_worker, day=today, start=time(8, 15))
    make_appointment(client_record, team_lead, day=today, start=time(14, 0))
    team = client_of(team_lead).get(reverse("cases:calendar"), {"worker": "team"}).content.decode()
    assert "08:15" in team and "14:00" in team
    colleague = client_of(team_lead).get(reverse("cases:calendar"), {"worker": social_worker.pk}).content.decode()
    assert "08:15" in colleague and "14:00" not in colleague
    # A social worker cannot look into the team's week.
    mine = client_of(social_worker).get(reverse("cases:calendar"), {"worker": "team"}).content.decode()
    assert "08:15" in mine and "14:00" not in mine


def test_week_view_writes_states_names_and_flats_as_people_read_them(client_of, social_worker, team_lead):
    """The entries are written in Python (cases.templatetags.calendar_tags): names escaped, the Latin
    spelling beside a Cyrillic name, cancelled and done marked, the edit link only for planned ones."""
    today = timezone.localdate()
    cyrillic = make_client(social_worker, first_name="Георги", last_name="Иванов")
    tricky = make_client(social_worker, first_name="<b>Ana</b>", last_name="Popescu & Co")
    done = make_appointment(cyrillic, social_worker, day=today, start=time(8, 0))
    services.appointment_done(appointment=done, actor=social_worker)
    cancelled = make_appointment(tricky, social_worker, day=today, start=time(9, 0), end_time=time(9, 30))
    services.appointment_cancel(appointment=cancelled, actor=social_worker)
    planned = make_appointment(tricky, social_worker, day=today, start=time(10, 0), place="Büro <3>")
    page = client_of(social_worker).get(reverse("cases:calendar")).content.decode()
    assert "&lt;b&gt;Ana&lt;/b&gt; Popescu &amp; Co" in page and "<b>Ana</b>" not in page
    assert "Георги Иванов" in page and "(Georgi Ivanov)" in page
    assert "09:00–09:30" in page and "<del>" in page and "abgesagt" in page
    assert "stattgefunden" in page and "Büro &lt;3&gt;" in page
    assert reverse("cases:appointment_edit", args=[planned.pk]) in page
    assert reverse("cases:appointment_edit", args=[done.pk]) not in page
    assert reverse("cases:appointment_edit", args=[cancelled.pk]) not in page
    team = client_of(team_lead).get(reverse("cases:calendar"), {"worker": "team"}).content.decode()
    assert team.count(social_worker.get_full_name()) >= 3  # whose appointment, in the team's week


@pytest.mark.parametrize("week", ["2026-13-45", "9999-12-31", "0001-01-01", "gestern", "2026-12-07\x00"])
def test_week_view_with_a_bad_week_shows_this_week_and_says_so(client_of, social_worker, week):
    response = client_of(social_worker).get(reverse("cases:calendar"), {"week": week})
    assert response.status_code == 200
    assert "diese Woche wird angezeigt" in response.content.decode()
    assert f"{monday_of(timezone.localdate()):%d.%m.%Y}" in response.content.decode()


def _week_queries(web):
    with CaptureQueriesContext(connection) as captured:
        response = web.get(reverse("cases:calendar"), {"worker": "team"})
    assert response.status_code == 200
    return len(captured)


def test_week_view_queries_do_not_grow_with_the_rows(client_of, social_worker, team_lead):
    web = client_of(team_lead)
    monday = monday_of(timezone.localdate())
    make_appointment(make_client(team_lead), team_lead, day=monday)
    few = _week_queries(web)
    for number in range(20):
        client = make_client(team_lead)
        make_appointment(client, social_worker, day=monday + timedelta(days=number % 7), start=time(8 + number % 9))
        make_notice(client, team_lead, hearing_on=monday + timedelta(days=number % 7))
    assert _week_queries(web) == few


def _queries(web, url):
    with CaptureQueriesContext(connection) as captured:
        response = web.get(url)
    assert response.status_code == 200
    return len(captured)


def test_client_page_and_start_page_queries_do_not_grow_with_appointments(client_of, social_worker, client_record):
    web = client_of(social_worker)
    page = reverse("cases:client_detail", args=[client_record.pk])
    make_appointment(client_record, social_worker, day=timezone.localdate())
    few = (_queries(web, page), _queries(web, reverse("dashboard")))
    for number in range(12):
        make_appointment(client_record, social_worker, day=timezone.localdate(), start=time(7 + number))
    assert (_queries(web, page), _queries(web, reverse("dashboard"))) == few
    assert "18:00" in web.get(page).content.decode()


def test_start_page_shows_todays_appointments(client_of, social_worker, client_record):
    make_appointment(client_record, social_worker, day=timezone.localdate(), start=time(11, 45))
    make_appointment(client_record, social_worker, day=_day(1), start=time(7, 5))
    page = client_of(social_worker).get(reverse("dashboard")).content.decode()
    assert "Meine Termine heute" in page and "11:45" in page and "07:05" not in page


# --- The calendar feed ----------------------------------------------------------------------


def _feed_url(token):
    return reverse("cases:calendar_feed", args=[token])


def test_feed_shows_case_number_and_kind_never_a_name_place_or_note(social_worker):
    client = make_client(social_worker, first_name="Yıldız", last_name="Çelikmann")
    appointment = make_appointment(
        client,
        social_worker,
        kind=AppointmentKind.VIEWING,
        place="Elberfelder Straße 12",
        note="Geheime Notiz zur Familie",
    )
    make_notice(client, social_worker, served_on=_day(-3), note="Notiz zur Klage")
    token = services.calendar_feed_renew(user=social_worker)

    response = WebClient().get(_feed_url(token))  # no session

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    for secret in ("Yıldız", "Çelikmann", "Celik", "Elberfelder", "Geheime Notiz", "Notiz zur Klage"):
        assert secret not in body
    calendar = Calendar.from_ical(response.content)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    viewing = events[f"appointment-{appointment.pk}@hagen-zuhause"]
    assert str(viewing["summary"]) == f"{client.case_number} · Wohnungsbesichtigung"
    assert "LOCATION" not in viewing and "DESCRIPTION" not in viewing
    deadline = next(event for uid, event in events.items() if uid.startswith("deadline-"))
    assert str(deadline["summary"]).startswith(client.case_number)
    assert str(deadline["summary"]) == f"{client.case_number} · Frist: Ende der Schonfrist (§ 569 BGB)"
    # The UID stays the same on the next fetch, so calendar clients update instead of duplicating.
    again = Calendar.from_ical(WebClient().get(_feed_url(token)).content)
    assert f"appointment-{appointment.pk}@hagen-zuhause" in {str(event["uid"]) for event in again.walk("VEVENT")}


def test_feed_has_only_the_users_own_appointments_and_skips_cancelled(social_worker, team_lead, client_record):
    mine = make_appointment(client_record, social_worker)
    cancelled = make_appointment(client_record, social_worker, start=time(15, 0))
    services.appointment_cancel(appointment=cancelled, actor=social_worker)
    theirs = make_appointment(client_record, team_lead)
    token = services.calendar_feed_renew(user=social_worker)
    uids = {str(event["uid"]) for event in Calendar.from_ical(WebClient().get(_feed_url(token)).content).walk("VEVENT")}
    assert f"appointment-{mine.pk}@hagen-zuhause" in uids
    assert f"appointment-{cancelled.pk}@hagen-zuhause" not in uids
    assert f"appointment-{theirs.pk}@hagen-zuhause" not in uids


def test_feed_time_is_the_offices_local_time(social_worker, client_record):
    summer = date(timezone.localdate().year + 1, 7, 1)
    make_appointment(client_record, social_worker, day=summer, start=time(10, 0))
    token = services.calendar_feed_renew(user=social_worker)
    [event] = Calendar.from_ical(WebClient().get(_feed_url(token)).content).walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == f"{summer.isoformat()}T08:00:00+00:00"  # 10:00 summer time


def test_token_is_stored_hashed_and_a_new_one_ends_the_old_address(client_of, social_worker):
    old = services.calendar_feed_renew(user=social_worker)
    stored = CalendarFeed.objects.get(user=social_worker)
    assert stored.token_hash == token_hash(old) and old not in stored.token_hash

    page = client_of(social_worker).post(reverse("cases:calendar_feed_renew"))
    assert page.status_code == 200
    new = page.context["feed_url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert new != old
    assert WebClient().get(_feed_url(old)).status_code == 404
    assert WebClient().get(_feed_url(new)).status_code == 200

    client_of(social_worker).post(reverse("cases:calendar_feed_revoke"))
    assert WebClient().get(_feed_url(new)).status_code == 404


def test_feed_of_a_deactivated_user_is_gone(social_worker):
    token = services.calendar_feed_renew(user=social_worker)
    social_worker.is_active = False
    social_worker.save(update_fields=["is_active"])
    assert WebClient().get(_feed_url(token)).status_code == 404


def test_each_fetch_is_logged_without_the_token(social_worker, client_record):
    make_appointment(client_record, social_worker)
    token = services.calendar_feed_renew(user=social_worker)
    response = WebClient().get(_feed_url(token), HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
    entry = AccessLog.objects.get(user=social_worker, action=AccessLog.Action.DOWNLOAD)
    assert "Kalenderabonnement" in entry.detail and "1 Termine" in entry.detail
    assert token not in entry.detail
    # The request line and any message quoting the path leave the token out.
    line = request_line({"REQUEST_METHOD": "GET", "PATH_INFO": _feed_url(token)}, response.status_code, 0.01)
    assert token not in json.dumps(line) and line["path"] == "/calendar/feed/***.ics"
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (_feed_url(token),), None
    )
    assert token not in JsonFormatter().format(record)


def test_feed_answers_head_and_refuses_post(social_worker):
    token = services.calendar_feed_renew(user=social_worker)
    assert WebClient().head(_feed_url(token)).status_code == 200
    assert WebClient().post(_feed_url(token)).status_code == 405


def test_the_clients_history_shows_the_appointment(client_of, social_worker, team_lead, client_record):
    appointment = make_appointment(client_record, social_worker, place="Büro 2.14")
    services.appointment_cancel(appointment=appointment, actor=social_worker)
    page = client_of(team_lead).get(reverse("cases:client_history", args=[client_record.pk])).content.decode()
    assert "Termin" in page and "abgesagt" in page


def test_no_log_line_of_a_fetch_names_the_token(caplog, social_worker):
    token = services.calendar_feed_renew(user=social_worker)
    services.calendar_feed_revoke(user=social_worker)
    revoked = token
    token = services.calendar_feed_renew(user=social_worker)
    with caplog.at_level(logging.INFO):
        assert WebClient().get(_feed_url(token)).status_code == 200
        assert WebClient().get(_feed_url(revoked)).status_code == 404  # "Not Found: <path>" as well
    lines = [JsonFormatter().format(record) for record in caplog.records]
    assert any('"/calendar/feed/***.ics"' in line for line in lines)
    assert not any(token in line or revoked in line for line in lines)


def test_feed_carries_the_deadlines_of_my_clients_and_during_a_cover_the_colleagues_week(social_worker, team_lead):
    mine = make_client(social_worker)
    mine.assigned_workers.add(team_lead)
    # The colleague recorded the court notice: the deadline tasks are theirs, the client is mine too.
    make_notice(mine, team_lead, served_on=_day(-3), hearing_on=_day(10))
    theirs = make_client(team_lead)
    colleagues = make_appointment(theirs, team_lead, day=_day(2))
    token = services.calendar_feed_renew(user=social_worker)

    def summaries():
        feed = Calendar.from_ical(WebClient().get(_feed_url(token)).content)
        return {str(event["uid"]): str(event["summary"]) for event in feed.walk("VEVENT")}

    deadlines = [summary for uid, summary in summaries().items() if uid.startswith("deadline-")]
    assert sorted(deadlines) == [
        f"{mine.case_number} · Frist: Ende der Schonfrist (§ 569 BGB)",
        f"{mine.case_number} · Frist: Gerichtstermin",
    ]
    assert f"appointment-{colleagues.pk}@hagen-zuhause" not in summaries()

    cover_create(absent=team_lead, deputy=social_worker, starts_on=_day(0), ends_on=_day(5), actor=team_lead)
    assert summaries()[f"appointment-{colleagues.pk}@hagen-zuhause"] == f"{theirs.case_number} · Termin im Büro"
    fetched = AccessLog.objects.filter(user=social_worker, action=AccessLog.Action.DOWNLOAD).latest("pk")
    assert fetched.detail.startswith("In Vertretung für")
