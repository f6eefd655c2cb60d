"""Lists the scheduled jobs with their last run and result; exits with 1 when one needs attention."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hagen_zuhause.jobs import job_states


class Command(BaseCommand):
    help = (
        "List every scheduled job with its last run, result and summary. Exits with status 1 when a job "
        "failed or is overdue, so that a monitoring system can run it as a check."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        attention = 0
        for state in job_states():
            run = state.last_run
            if run is None:
                last = _("never")
            else:
                started = date_format(timezone.localtime(run.started_at), "SHORT_DATETIME_FORMAT")
                last = f"{started} {run.get_status_display()}: {run.summary}"
            problem = state.problem(now)
            attention += bool(problem)
            marker = f"  [{problem.upper()}]" if problem else ""
            self.stdout.write(f"{state.job.name:<24} {last}{marker}")
        if attention:
            self.stderr.write(_("Jobs needing attention: %(count)d") % {"count": attention})
            raise SystemExit(1)
