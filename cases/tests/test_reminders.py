"""The daily reminder e-mail, received by a real SMTP server the test starts (aiosmtpd)."""

import email
import email.policy
import io
import socket
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse

from cases.models import Task
from cases.services.casework import task_done
from cases.services.reminders import send_reminders
from hagen_zuhause.codes import TaskKind
from hagen_zuhause.models import JobRun, User
from tests.builders import make_client, make_notice, make_task

MONDAY = date(2027, 3, 15)  # a working day in NW


class Inbox:
    """aiosmtpd handler keeping every message it is sent."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_CONFIGURED = True
    settings.DEFAULT_FROM_EMAIL = "wohnen@hagen.example"
    yield inbox
    controller.stop()


@pytest.fixture
def workload(social_worker, team_lead):
    """The social worker's clients with a passed eviction date, a hearing in three days, a task due."""
    social_worker.email = "sonja@hagen.example"
    social_worker.save()
    ayse = make_client(
        social_worker, first_name="Ayşe", last_name="Yılmaz", postal_address="Elberfelder Str. 12\n58095 Hagen"
    )
    make_notice(ayse, social_worker, eviction_on=MONDAY - timedelta(days=1), received_on=MONDAY - timedelta(days=30))
    make_notice(ayse, social_worker, hearing_on=MONDAY + timedelta(days=3), received_on=MONDAY - timedelta(days=20))
    make_notice(ayse, social_worker, hearing_on=MONDAY + timedelta(days=30), received_on=MONDAY - timedelta(days=10))
    georgi = make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    make_task(georgi, social_worker, title="Rückruf Jobcenter wegen Frau Ivanova", due_on=MONDAY - timedelta(days=2))
    make_task(georgi, social_worker, title="Später", due_on=MONDAY + timedelta(days=5))
    return {"ayse": ayse, "georgi": georgi}


def test_each_worker_receives_counts_and_case_numbers_without_names(smtp_inbox, social_worker, team_lead, workload):
    out = io.StringIO()
    call_command("send_reminders", "--date", MONDAY.isoformat(), stdout=out)

    assert "Erinnerungs-E-Mails gesendet: 1" in out.getvalue()
    assert JobRun.objects.get(job="send_reminders").status == JobRun.Status.SUCCEEDED
    assert len(smtp_inbox.messages) == 1  # the team lead has no e-mail address
    recipients, message = smtp_inbox.messages[0]
    assert recipients == ["sonja@hagen.example"]
    assert message["From"] == "wohnen@hagen.example"
    # A long encoded subject is folded onto the next header line; the fold is not part of the text.
    subject, body = str(message["Subject"]).strip(), message.get_content()
    assert subject == "Erinnerung: 1 Frist abgelaufen, 1 Frist in 7 Tagen, 1 Wiedervorlage fällig"
    assert "Montag, 15.03.2027" in body
    assert "ABGELAUFEN UND NICHT ERLEDIGT: 1 gesetzliche Frist" in body
    assert f"14.03.2027  Räumungstermin  {workload['ayse'].case_number}" in body
    assert f"Do 18.03.2027  Gerichtstermin  {workload['ayse'].case_number}" in body
    assert "14.04.2027" not in body  # a month ahead
    assert f"Fallnummern: {workload['georgi'].case_number}" in body
    for private in ("Ayşe", "Yılmaz", "Georgi", "Ivanov", "Elberfelder", "Jobcenter"):
        assert private not in subject and private not in body


def test_no_mail_for_those_who_switched_it_off_have_nothing_due_or_on_a_day_off(
    smtp_inbox, social_worker, team_lead, workload
):
    team_lead.email = "thomas@hagen.example"
    team_lead.save()  # nothing due for the team lead

    assert send_reminders(today=date(2027, 3, 13)).day_off == 2  # Saturday
    assert send_reminders(today=date(2027, 3, 29)).day_off == 2  # Easter Monday
    assert smtp_inbox.messages == []
    assert send_reminders(today=date(2027, 3, 8)).sent == 1  # a working day in NRW ...
    smtp_inbox.messages.clear()
    social_worker.organisation.holiday_state = "BE"
    social_worker.organisation.save()
    assert send_reminders(today=date(2027, 3, 8)).day_off == 2  # ... Women's Day in Berlin
    assert smtp_inbox.messages == []

    result = send_reminders(today=MONDAY)
    assert (result.sent, result.nothing_due) == (1, 1)
    User.objects.filter(pk=social_worker.pk).update(reminder_emails=False)
    result = send_reminders(today=MONDAY)
    assert (result.sent, result.nothing_due) == (0, 1)


def test_without_an_smtp_server_configured_the_command_says_so_and_sends_nothing(settings, workload):
    settings.EMAIL_CONFIGURED = False
    out = io.StringIO()
    call_command("send_reminders", "--date", MONDAY.isoformat(), stdout=out)
    assert "DJANGO_EMAIL_URL" in out.getvalue()
    assert JobRun.objects.get(job="send_reminders").status == JobRun.Status.SUCCEEDED


def test_a_done_deadline_and_a_restricted_client_out_of_sight_are_not_reminded_of(
    smtp_inbox, social_worker, team_lead, workload
):
    task_done(task=Task.objects.get(client=workload["ayse"], kind=TaskKind.EVICTION), actor=social_worker)
    hidden = make_client(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
    notice = make_notice(hidden, team_lead, hearing_on=MONDAY + timedelta(days=1))
    Task.objects.filter(notice=notice).update(assignee=social_worker)

    send_reminders(today=MONDAY)

    body = smtp_inbox.messages[0][1].get_content()
    assert "ABGELAUFEN" not in body
    assert hidden.case_number not in body


def test_the_worker_switches_the_reminder_off_and_on_on_the_start_page(client_of, social_worker):
    web = client_of(social_worker)
    page = web.get("/").content.decode()
    assert "Tägliche Erinnerungs-E-Mail" in page and 'name="reminder_emails"' in page and "checked" in page

    response = web.post(reverse("account_reminders"), {})
    assert response.status_code == 302
    social_worker.refresh_from_db()
    assert social_worker.reminder_emails is False
    assert "erhalten die tägliche Erinnerungs-E-Mail nicht mehr" in web.get("/").content.decode()

    web.post(reverse("account_reminders"), {"reminder_emails": "on"})
    social_worker.refresh_from_db()
    assert social_worker.reminder_emails is True
