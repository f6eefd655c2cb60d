"""The calendar subscription (iCalendar, RFC 5545) of one user.

Calendars leave the system (Outlook, phones, cloud calendars): an event carries the case number
and the kind only, never a name, an address, a place or a note. UIDs are stable per appointment and
per deadline, so that a calendar client updates an event instead of duplicating it.
"""

from datetime import UTC, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from cases.models import Appointment, Task
from hagen_zuhause.codes import AppointmentStatus

#: How far back the feed reaches; calendar clients keep what they fetched before.
FEED_PAST_DAYS = 56
UID_DOMAIN = "hagen-zuhause"


def feed_appointments(user, today):
    """The user's appointments from eight weeks ago on, without the cancelled ones.

    During a cover (Vertretung) the absent colleague's appointments are the deputy's too, as in "my
    week"; they leave the feed when the cover ends.
    """
    return (
        Appointment.objects.visible_to(user)
        .in_care_of(user)
        .not_cancelled()
        .filter(date__gte=today - timedelta(days=FEED_PAST_DAYS))
        .select_related("client")
        .order_by("date", "start_time", "id")
    )


def feed_deadlines(user, today):
    """The user's open legal deadlines (end of the grace period, hearing, eviction), as the start page
    warns of them: the user's own, those of the user's clients when a colleague holds the task, and
    during a cover those of the colleague the user stands in for. A missed one costs a home."""
    return (
        Task.objects.visible_to(user)
        .concerning(user)
        .open()
        .legal_deadlines()
        .filter(due_on__gte=today - timedelta(days=FEED_PAST_DAYS))
        .select_related("client")
        .order_by("due_on", "id")
    )


def _reference(record):
    """What identifies the file: the case number, or the offer's number for a viewing without a client."""
    if record.client_id:
        return record.client.case_number
    return _("Housing offer %(number)s") % {"number": record.offer_id}


def build_feed(user, *, now=None):
    """The iCalendar file of ``user``'s appointments and legal deadlines, as bytes."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = Calendar()
    calendar.add("prodid", "-//hagen_zuhause//Termine und Fristen//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Appointments and deadlines"))
    stamp = now.astimezone(UTC)
    appointments = list(feed_appointments(user, today))
    for appointment in appointments:
        event = Event()
        event.add("uid", f"appointment-{appointment.pk}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", appointment.starts_at().astimezone(UTC))
        event.add("dtend", appointment.ends_at().astimezone(UTC))
        event.add("summary", f"{_reference(appointment)} · {appointment.get_kind_display()}")
        event.add("status", "CONFIRMED")
        if appointment.status == AppointmentStatus.DONE:
            event.add("categories", [_("took place")])
        calendar.add_component(event)
    deadlines = list(feed_deadlines(user, today))
    for task in deadlines:
        event = Event()
        event.add("uid", f"deadline-{task.pk}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", task.due_on)
        event.add("dtend", task.due_on + timedelta(days=1))
        summary = _("%(reference)s · Deadline: %(kind)s") % {
            "reference": _reference(task),
            "kind": task.get_kind_display(),
        }
        event.add("summary", summary)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical(), len(appointments), len(deadlines)
