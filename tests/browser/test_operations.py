"""Operations seen in the browser: Verwaltung learns of a failing job; an ended session leaves htmx cleanly."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from hagen_zuhause.jobs import SCHEDULE
from hagen_zuhause.models import JobRun, User, UserSession
from tests.browser.conftest import DEMO_PASSWORD, assert_accessible
from tests.browser.test_login import log_in, open_login_page
from tests.builders import make_client


def test_verwaltung_sees_a_failed_backup_on_the_start_page(page, live_server, demo_users, save_screenshot):
    now = timezone.now()
    for job in SCHEDULE:
        JobRun.objects.create(job=job.name, started_at=now, finished_at=now, status="succeeded", summary="ok")
    JobRun.objects.create(
        job="backup",
        started_at=now,
        finished_at=now,
        status="failed",
        summary="Kein pg_dump für PostgreSQL 15 gefunden.",
    )

    open_login_page(page, live_server)
    log_in(page, "verwaltung", DEMO_PASSWORD)

    panel = page.get_by_role("region", name="Geplante Aufgaben brauchen Aufmerksamkeit")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Datenbank und Dokumente sichern (backup): letzter Lauf fehlgeschlagen")
    expect(panel).to_contain_text("Kein pg_dump für PostgreSQL 15 gefunden")
    expect(panel).not_to_contain_text("Abgelaufene Sitzungen")
    save_screenshot("operations-verwaltung-failed-job")
    assert_accessible(page)


def test_after_the_session_ended_an_htmx_click_opens_the_login_page(page, live_server, demo_users, save_screenshot):
    worker = User.objects.get(username="sozialarbeit")
    person = make_client(worker, first_name="Georgi", last_name="Ivanov")
    open_login_page(page, live_server)
    log_in(page, "sozialarbeit", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/clients/{person.pk}/")
    show_health_notes = page.get_by_role("link", name="Gesundheitsangaben anzeigen")
    expect(show_health_notes).to_be_visible()

    UserSession.objects.all().delete()  # as after 30 minutes without a request
    show_health_notes.click()

    expect(page).to_have_url(re.compile(rf"/accounts/login/\?next=/clients/{person.pk}/$"))
    expect(page.get_by_role("heading", level=1, name="Anmelden")).to_be_visible()
    expect(page.locator("main form")).to_have_count(1)  # a whole login page, not one inside the client page
    save_screenshot("operations-htmx-session-ended")
