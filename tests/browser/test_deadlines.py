"""Warnings before legal deadlines: a Schonfrist ending on a weekend or public holiday ends on the next
working day (§ 193 BGB), and the client page and the start page warn in the week before."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import deadlines
from hagen_zuhause.codes import CaseType
from hagen_zuhause.models import User
from tests.browser.conftest import accessibility_problems
from tests.browser.test_casework import log_in
from tests.builders import make_case, make_client

WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]


def _served_on_for_a_moved_end_within_the_week(today):
    """A service day whose two months end on a weekend or holiday, the moved end at most a week away.

    Returns the service day, the calendar last day, why it moves (holiday or weekday) and the moved end;
    None on the few days of a decade (around Christmas) when no such end falls in the coming week.
    """
    for days_back in range(40, 90):
        served_on = today - timedelta(days=days_back)
        last_day = deadlines.schonfrist_last_calendar_day(served_on)
        end = deadlines.schonfrist_end(served_on, state="NW")
        if last_day != end and 0 <= (end - today).days <= deadlines.WARNING_DAYS:
            reason = deadlines.public_holiday(last_day, "NW") or WEEKDAYS[last_day.weekday()]
            return served_on, last_day, reason, end
    return None


@pytest.fixture
def tenant(demo_users):
    worker = User.objects.get(username="sozialarbeit")
    client = make_client(worker, first_name="Yıldız", last_name="Çelik")
    make_case(client, worker, case_type=CaseType.PREVENTION, opened_on=timezone.localdate() - timedelta(days=80))
    return client


def test_an_eviction_suit_whose_grace_period_ends_on_a_weekend_or_holiday_is_warned_about_with_the_moved_day(
    page, live_server, tenant, save_screenshot, foreign_requests
):
    today = timezone.localdate()
    found = _served_on_for_a_moved_end_within_the_week(today)
    if found is None:
        pytest.skip("no grace period that § 193 BGB moves ends in the coming week (a day before Christmas)")
    served_on, last_day, reason, end = found
    problems = []
    log_in(page, live_server, "sozialarbeit")

    page.goto(f"{live_server.url}/clients/{tenant.pk}/")
    page.locator("#notices").get_by_role("link", name="Schreiben erfassen").click()
    page.locator("select[name=kind]").select_option(label="Räumungsklage")
    expect(page.get_by_label("Eingegangen am")).to_have_value(today.isoformat())
    page.get_by_label("Zugestellt am").fill(served_on.isoformat())
    page.get_by_label("Aktenzeichen").fill("12 C 193/26")
    page.locator("main form").get_by_role("button", name="Speichern").click()

    expect(page).to_have_url(re.compile(rf"/clients/{tenant.pk}/"))
    notices = page.locator("#notices")
    expect(notices).to_contain_text(end.strftime("%d.%m.%Y"))
    expect(notices).to_contain_text(f"verschoben vom {last_day.strftime('%d.%m.%Y')}: {reason}; § 193 BGB")
    soon = page.locator("header #deadlines-soon")
    expect(soon).to_have_attribute("role", "status")
    expect(soon).to_contain_text("Ende der Schonfrist")
    expect(soon).to_contain_text(end.strftime("%d.%m.%Y"))
    save_screenshot("deadlines-client-page")
    problems.append(accessibility_problems(page))

    page.goto(f"{live_server.url}/")
    warning = page.locator("#deadlines-soon")
    expect(warning).to_contain_text("Gesetzliche Fristen in den nächsten 7 Tagen")
    expect(warning).to_contain_text(end.strftime("%d.%m.%Y"))
    expect(warning.get_by_role("link", name=re.compile("Yıldız Çelik"))).to_be_visible()
    save_screenshot("deadlines-start-page")
    problems.append(accessibility_problems(page))

    # A week later the deadline has passed without being done: the warning becomes an alert.
    tenant.tasks.filter(kind="schonfrist").update(due_on=today - timedelta(days=1))
    page.reload()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Frist abgelaufen")
    expect(alert).to_contain_text("seit 1 Tag abgelaufen")
    save_screenshot("deadlines-start-page-passed")
    problems.append(accessibility_problems(page))
    page.goto(f"{live_server.url}/clients/{tenant.pk}/")
    expect(page.locator("header").get_by_role("alert")).to_contain_text("Ende der Schonfrist")
    save_screenshot("deadlines-client-page-passed")
    problems.append(accessibility_problems(page))

    assert not [problem for problem in problems if problem], "\n".join(problems)
    assert foreign_requests == []
