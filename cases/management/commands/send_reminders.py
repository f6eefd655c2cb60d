"""The daily reminder e-mails (a scheduled job: hagen_zuhause/jobs.py, deploy/)."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.services.reminders import send_reminders
from hagen_zuhause.jobs import JobCommand


class Command(JobCommand):
    help = (
        "Send each worker the e-mail with the number and case numbers of their legal deadlines (passed, "
        "within 7 days) and tasks due; no names. Needs DJANGO_EMAIL_URL; on a day off nothing is sent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the e-mails; send none.")
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day to remind of (YYYY-MM-DD), e.g. to send a missed morning's e-mails; default today.",
        )

    def run(self, *, dry_run=False, date=None, **options):
        if not settings.EMAIL_CONFIGURED:
            return _("no e-mail sent: DJANGO_EMAIL_URL is not set")
        result = send_reminders(today=date or timezone.localdate(), dry_run=dry_run)
        counts = {
            "sent": result.sent,
            "nothing_due": result.nothing_due,
            "without_address": result.without_address,
            "day_off": result.day_off,
        }
        if dry_run:
            return (
                _(
                    "reminder e-mails that would be sent: %(sent)d; nothing due: %(nothing_due)d, no e-mail "
                    "address: %(without_address)d, day off: %(day_off)d"
                )
                % counts
            )
        return (
            _(
                "reminder e-mails sent: %(sent)d; nothing due: %(nothing_due)d, no e-mail address: "
                "%(without_address)d, day off: %(day_off)d"
            )
            % counts
        )
