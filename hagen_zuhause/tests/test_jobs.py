"""Scheduled jobs: cleanups do their work, every run is recorded, failures and overdue jobs are shown."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from hagen_zuhause.jobs import SCHEDULE
from hagen_zuhause.models import JobRun, UserSession


def _run(*arguments):
    out = io.StringIO()
    call_command(*arguments, stdout=out)
    return out.getvalue()


def test_cleanup_sessions_removes_expired_sessions_and_keeps_live_ones(client_of, social_worker):
    live = client_of(social_worker).session.session_key
    UserSession.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(minutes=1))

    output = _run("cleanup_sessions")

    assert output == "cleanup_sessions: Abgelaufene Sitzungen entfernt: 1\n"
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live]
    run = JobRun.objects.get()
    assert (run.job, run.status, run.summary) == ("cleanup_sessions", "succeeded", "Abgelaufene Sitzungen entfernt: 1")
    assert run.finished_at >= run.started_at


def test_cleanup_login_attempts_removes_records_older_than_the_setting(db, settings):
    settings.LOGIN_ATTEMPTS_KEPT_DAYS = 90
    now = timezone.now()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        for age, name in ((100, "alt"), (10, "neu")):
            extra = {"failures_since_start": 1} if model is AccessAttempt else {}
            row = model.objects.create(username=name, ip_address="10.0.0.1", user_agent="test", **extra)
            model.objects.filter(pk=row.pk).update(attempt_time=now - timedelta(days=age))

    output = _run("cleanup_login_attempts")

    assert output == "cleanup_login_attempts: Anmeldedatensätze älter als 90 Tage entfernt: 3\n"
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("username", flat=True)) == ["neu"]
    assert _run("cleanup_login_attempts").endswith("entfernt: 0\n")  # idempotent


def test_a_failing_job_exits_non_zero_and_is_recorded_as_failed(db, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("backup", "-o", str(tmp_path / "missing-folder" / "backup.tar"))

    assert error.value.returncode == 1
    assert str(error.value).startswith("backup: fehlgeschlagen: Der Ordner")  # the one line cron mails
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.FAILED
    assert run.summary.startswith("Der Ordner")


def _succeeded(job, hours_ago):
    at = timezone.now() - timedelta(hours=hours_ago)
    return JobRun.objects.create(job=job, started_at=at, finished_at=at, status="succeeded", summary="ok")


def test_job_status_lists_every_job_and_exits_non_zero_when_one_needs_attention(db):
    for job in SCHEDULE:
        _succeeded(job.name, hours_ago=2)
    assert "backup" in _run("job_status")  # all fine: exit status 0

    JobRun.objects.all().delete()
    for job in SCHEDULE:
        _succeeded(job.name, hours_ago=40 if job.name == "backup" else 2)  # daily, 6 hours' grace
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("job_status", stdout=out, stderr=err)

    assert exit_status.value.code == 1
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()}
    assert set(lines) == {job.name for job in SCHEDULE}
    assert "[ÜBERFÄLLIG]" in lines["backup"]
    assert "[" not in lines["cleanup_sessions"]
    assert "Aufgaben, die Aufmerksamkeit brauchen: 1" in err.getvalue()


def test_verwaltung_sees_jobs_that_failed_or_never_ran_on_the_start_page(client_of, admin_staff, social_worker):
    for job in SCHEDULE:
        _succeeded(job.name, hours_ago=1)
    JobRun.objects.create(job="backup", finished_at=timezone.now(), status="failed", summary="Kein pg_dump")

    page = client_of(admin_staff).get("/").content.decode()

    assert "Geplante Aufgaben brauchen Aufmerksamkeit" in page
    assert "Datenbank und Dokumente sichern" in page
    assert "letzter Lauf fehlgeschlagen" in page
    assert "Abgelaufene Sitzungen entfernen" not in page  # ran an hour ago
    assert "Geplante Aufgaben" not in client_of(social_worker).get("/").content.decode()


def test_the_start_page_is_quiet_when_every_job_ran_in_time(client_of, admin_staff):
    for job in SCHEDULE:
        _succeeded(job.name, hours_ago=3)
    assert "Geplante Aufgaben" not in client_of(admin_staff).get("/").content.decode()


def test_a_run_names_its_start_in_german_time(db):
    # 23:30 UTC on 6 December is 00:30 on 7 December in Hagen.
    started = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    run = JobRun.objects.create(job="backup", started_at=started, status="running")
    assert str(run) == "backup 2026-12-07 00:30 running"
