"""Scheduled jobs: what runs when, how a run is recorded, and which jobs need attention.

A job is a management command derived from :class:`JobCommand` and listed in :data:`SCHEDULE` with
how often it runs. systemd timers (``deploy/systemd/``) or cron start it; every run leaves a
:class:`~hagen_zuhause.models.JobRun` with its result and one summary line, prints that line and
exits non-zero when it failed. ``manage.py job_status`` and Verwaltung's start page show a job that
failed or has not succeeded within its interval (plus a grace period).

A new job (``apply_retention``, ``send_reminders``) plugs in with one line in :data:`SCHEDULE`, its
command deriving from :class:`JobCommand`, and a timer (``docs/operations.md``, Scheduled jobs).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hagen_zuhause.models import JobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A scheduled job: the command's name and how often its timer starts it."""

    name: str
    every: timedelta
    description: str

    @property
    def grace(self):
        """How late a run may be before the job counts as overdue: a timer's random delay, a slow night."""
        return min(self.every / 2, timedelta(hours=6))


DAILY = timedelta(days=1)

SCHEDULE = (
    Job("cleanup_sessions", DAILY, gettext_lazy("Remove expired sessions")),
    Job("cleanup_login_attempts", DAILY, gettext_lazy("Remove old login attempts")),
    Job("backup", DAILY, gettext_lazy("Back up the database and the documents")),
    Job("apply_retention", DAILY, gettext_lazy("Anonymise client data after the retention period")),
    Job("send_reminders", DAILY, gettext_lazy("Send the daily reminder e-mails")),
)

#: Runs older than this are removed when the same job has run again.
RUNS_KEPT_FOR = timedelta(days=365)


@dataclass
class JobState:
    """How a scheduled job stands: its last run, its last success, and whether it needs attention."""

    job: Job
    last_run: JobRun | None
    last_success_at: object  # datetime or None

    @property
    def failed(self):
        return self.last_run is not None and self.last_run.status == JobRun.Status.FAILED

    def overdue(self, now):
        return self.last_success_at is None or now - self.last_success_at > self.job.every + self.job.grace

    def needs_attention(self, now):
        return self.failed or self.overdue(now)

    def problem(self, now):
        """Why the job needs attention, in words; empty when it does not."""
        if self.last_run is None:
            return _("has never run")
        if self.failed:
            return _("last run failed")
        if self.overdue(now):
            return _("overdue")
        return ""


def job_states(schedule=SCHEDULE):
    """The state of every scheduled job, in the order of the schedule (two queries)."""
    names = [job.name for job in schedule]
    last_runs = {run.job: run for run in JobRun.objects.of_jobs(names).latest_per_job()}
    successes = dict(
        JobRun.objects.of_jobs(names)
        .succeeded()
        .values("job")
        .annotate(at=Max("finished_at"))
        .values_list("job", "at")
        .order_by()
    )
    return [JobState(job, last_runs.get(job.name), successes.get(job.name)) for job in schedule]


def jobs_needing_attention(schedule=SCHEDULE):
    now = timezone.now()
    return [(state, state.problem(now)) for state in job_states(schedule) if state.needs_attention(now)]


class JobCommand(BaseCommand):
    """A management command that is a scheduled job.

    Subclasses implement ``run(**options)``, which does the work and returns the summary line (no
    personal data: counts, file names). A ``CommandError`` is a failure with a message for the
    operator; any other exception is recorded by its type, and its stack goes to the log. Either way
    the run is recorded as failed and the command exits with status 1. A run with ``--dry-run`` (where
    a command offers it) changes nothing and is not recorded.
    """

    def handle(self, *args, **options):
        name = self.__module__.rsplit(".", 1)[-1]
        if options.get("dry_run"):
            self.stdout.write(f"{name}: {self.run(**options)}")
            return
        run = JobRun.objects.create(job=name)
        try:
            summary = self.run(**options)
        except Exception as error:
            if isinstance(error, CommandError):
                reason = str(error)
            else:
                logger.exception("job %s failed", name)
                reason = type(error).__name__
            self._finish(run, JobRun.Status.FAILED, reason)
            raise CommandError(f"{name}: " + _("failed: %(reason)s") % {"reason": reason}, returncode=1) from error
        self._finish(run, JobRun.Status.SUCCEEDED, summary)
        JobRun.objects.filter(job=name, started_at__lt=run.started_at - RUNS_KEPT_FOR).delete()
        self.stdout.write(f"{name}: {summary}")

    def run(self, **options):
        raise NotImplementedError

    @staticmethod
    def _finish(run, status, summary):
        run.status = status
        run.summary = summary[: JobRun._meta.get_field("summary").max_length]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "summary", "finished_at"])
