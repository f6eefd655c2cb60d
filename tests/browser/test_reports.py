"""The team lead's quarterly report in a real browser: tables and charts, a drill-down, finalising."""

import re

import pytest
from playwright.sync_api import expect

from hagen_zuhause.models import User
from reports.tests.factories import make_report_data
from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems


@pytest.fixture
def quarter_data(demo_users):
    users = {user.username: user for user in User.objects.filter(organisation=demo_users)}
    return make_report_data(users["sozialarbeit"], users["teamleitung"], users["verwaltung"])


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_team_lead_reads_drills_down_and_finalises_the_quarter(
    page, live_server, quarter_data, save_screenshot, foreign_requests
):
    problems = []
    log_in(page, live_server, "teamleitung")

    page.get_by_role("link", name="Berichte", exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name="Berichte")).to_be_visible()
    expect(page.get_by_role("heading", name="Bundesstatistik untergebrachter wohnungsloser Personen")).to_be_visible()
    save_screenshot("reports-index")
    problems.append(accessibility_problems(page))

    page.get_by_role("link", name="3. Quartal 2026", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quartalsbericht 3. Quartal 2026")
    persons = page.locator("#figure-persons_with_contact")
    expect(persons.get_by_role("heading", name="Personen mit Kontakt")).to_be_visible()
    total_row = persons.get_by_role("row", name=re.compile("^Personen mit mindestens einem Kontakt"))
    # Linked numbers carry their row and column for screen readers ("…, 3. Quartal 2026: 5").
    expect(total_row.get_by_role("cell")).to_have_text([re.compile(r"\b5$"), re.compile(r"\b2$"), "5"])
    expect(page.get_by_role("img", name=re.compile("Personen mit Kontakt – nach Geschlecht"))).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(12)
    expect(page.get_by_role("link", name="PDF für das Ministerium")).to_be_visible()
    save_screenshot("reports-quarterly")
    problems.append(accessibility_problems(page))

    total_row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Personen mit Kontakt – Personen mit mindestens einem Kontakt"
    )
    records = page.get_by_role("table")
    expect(records).to_contain_text("Anna Müller")
    expect(records).to_contain_text("Elena Schutz")  # the team lead sees restricted clients
    save_screenshot("reports-records")
    problems.append(accessibility_problems(page))

    page.get_by_role("link", name="Zurück zum Bericht").click()
    page.get_by_label(re.compile("Kleine Fallzahlen für die Veröffentlichung maskieren")).check()
    page.get_by_label(re.compile("Ich habe die Zahlen geprüft")).check()
    page.get_by_role("button", name="Quartal abschließen").click()
    expect(page.get_by_role("status").filter(has_text="Das 3. Quartal 2026 ist abgeschlossen.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Abgeschlossen am")).to_contain_text("von Thomas Lehmann")
    expect(page.get_by_role("button", name="Quartal abschließen")).to_have_count(0)
    save_screenshot("reports-finalised")
    problems.append(accessibility_problems(page))

    page.get_by_role("link", name="Abweichungen zum heutigen Datenstand anzeigen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Abweichungen zum abgeschlossenen Bericht")
    expect(page.locator("main")).to_contain_text("Keine Abweichungen")
    save_screenshot("reports-differences")
    problems.append(accessibility_problems(page))

    with page.expect_download() as download:
        page.goto(f"{live_server.url}/reports/")
        page.get_by_role("button", name="CSV herunterladen").click()
    assert download.value.suggested_filename == "bundesstatistik-wohnungslose-2026-01-31.csv"

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [problem for problem in problems if problem]
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_social_worker_sees_that_a_restricted_person_is_counted_but_not_listed(
    page, live_server, quarter_data, save_screenshot
):
    log_in(page, live_server, "sozialarbeit")
    page.goto(f"{live_server.url}/reports/quarterly/2026/3/")
    expect(page.get_by_role("link", name="PDF für das Ministerium")).to_have_count(0)
    expect(page.get_by_role("button", name="Quartal abschließen")).to_have_count(0)

    page.locator("#figure-persons_with_contact").get_by_role("row", name=re.compile("^weiblich")).get_by_role(
        "link"
    ).first.click()

    expect(page.get_by_role("table")).to_contain_text("Anna Müller")
    expect(page.get_by_role("table")).not_to_contain_text("Schutz")
    expect(page.get_by_role("status")).to_contain_text(
        "1 weitere Person mit Sperrvermerk ist mitgezählt, aber nicht aufgeführt."
    )
    save_screenshot("reports-records-social-worker")
