"""The daily reminder e-mail: for each worker, the legal deadlines and tasks due, by case number.

An e-mail leaves the system, so it carries counts, dates, kinds and case numbers only: never a name,
an address or a note. It is sent on the working days of the organisation's state (§ 193 BGB's
holidays, ``cases.deadlines``), to active users with case work who have an e-mail address and have
not switched it off (``User.reminder_emails``). Nothing due, no e-mail.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import deadlines
from cases.models import Task
from hagen_zuhause import codes
from hagen_zuhause.models import User

#: Case numbers listed per section; the count is always complete.
CASE_NUMBERS_LISTED = 20


@dataclass
class Digest:
    """What one worker's reminder e-mail says: deadlines passed and coming, tasks due."""

    user: object
    today: object
    passed: list = field(default_factory=list)  # (due_on, kind label, case number)
    soon: list = field(default_factory=list)
    tasks_due: int = 0
    task_case_numbers: list = field(default_factory=list)

    @property
    def empty(self):
        return not (self.passed or self.soon or self.tasks_due)


@dataclass
class SendResult:
    sent: int = 0
    nothing_due: int = 0
    without_address: int = 0
    day_off: int = 0


def reminder_digest(user, today):
    """The worker's digest (two queries), read through ``visible_to(user)`` like the start page."""
    labels = dict(codes.TaskKind.choices)
    digest = Digest(user=user, today=today)
    legal = (
        Task.objects.visible_to(user)
        .concerning(user)
        .open()
        .legal_deadlines()
        .filter(due_on__lte=today + timedelta(days=deadlines.WARNING_DAYS))
        .order_by("due_on", "id")
        .values_list("due_on", "kind", "client__case_number")
    )
    for due_on, kind, case_number in legal:
        row = (due_on, str(labels.get(kind, kind)), case_number or "")
        (digest.passed if due_on < today else digest.soon).append(row)
    due = (
        Task.objects.visible_to(user)
        .assigned_to(user)
        .open()
        .exclude(kind__in=codes.LEGAL_DEADLINE_KINDS)
        .filter(due_on__lte=today)
        .order_by("due_on", "id")
        .values_list("client__case_number", flat=True)
    )
    numbers = list(due)
    digest.tasks_due = len(numbers)
    digest.task_case_numbers = list(dict.fromkeys(number for number in numbers if number))
    return digest


def reminder_message(digest):
    """The German e-mail of one digest."""
    with translation.override("de"):
        context = {
            "digest": digest,
            "day": date_format(digest.today, "l, d.m.Y"),
            "passed": digest.passed[:CASE_NUMBERS_LISTED],
            "soon": digest.soon[:CASE_NUMBERS_LISTED],
            "task_case_numbers": ", ".join(digest.task_case_numbers[:CASE_NUMBERS_LISTED]),
            "more_task_case_numbers": max(len(digest.task_case_numbers) - CASE_NUMBERS_LISTED, 0),
            "warning_days": deadlines.WARNING_DAYS,
        }
        counts = [
            ngettext("%(count)s deadline passed", "%(count)s deadlines passed", len(digest.passed))
            % {"count": len(digest.passed)},
            ngettext("%(count)s deadline within 7 days", "%(count)s deadlines within 7 days", len(digest.soon))
            % {"count": len(digest.soon)},
            ngettext("%(count)s task due", "%(count)s tasks due", digest.tasks_due) % {"count": digest.tasks_due},
        ]
        present = [
            text for text, number in zip(counts, (digest.passed, digest.soon, digest.tasks_due), strict=True) if number
        ]
        subject = _("Reminder: %(summary)s") % {"summary": ", ".join(present)}
        body = render_to_string("cases/email/reminder_digest.txt", context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[digest.user.email])


def reminder_recipients():
    """Active users with case work who have not switched the reminder off, with their organisation."""
    users = (
        User.objects.filter(is_active=True, reminder_emails=True, organisation__isnull=False)
        .select_related("organisation")
        .order_by("pk")
    )
    return [user for user in users if user.has_perm("cases.view_client")]


def send_reminders(*, today, dry_run=False):
    """Build and send every due digest over one SMTP connection; returns the counts of a SendResult."""
    result = SendResult()
    messages = []
    for user in reminder_recipients():
        if not deadlines.is_working_day(today, user.organisation.holiday_state):
            result.day_off += 1
            continue
        digest = reminder_digest(user, today)
        if digest.empty:
            result.nothing_due += 1
        elif not user.email:
            result.without_address += 1
        else:
            messages.append(reminder_message(digest))
    if messages and not dry_run:
        with get_connection() as connection:
            connection.send_messages(messages)
    result.sent = len(messages)
    return result
