"""The state's journey in a real browser: Hagen's team lead submits the quarter, the state reads the overview."""

import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from hagen_zuhause.models import Organisation, User
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from reports import snapshots, submissions
from reports.tests.factories import Q3, contact, make_report_data
from tests.browser.conftest import DEMO_PASSWORD, SCREENSHOT_DIR, accessibility_problems
from tests.builders import make_client


@pytest.fixture
def quarter_data(demo_users):
    users = {user.username: user for user in User.objects.filter(organisation=demo_users)}
    make_report_data(users["sozialarbeit"], users["teamleitung"], users["verwaltung"])
    # A second municipality that has submitted its quarter, and a third that has not.
    dortmund = Organisation.objects.create(
        name="Stadt Dortmund – Fachstelle Wohnungsnotfälle", short_name="Dortmund", case_number_prefix="DO"
    )
    lead = user_create(organisation=dortmund, username="d.lead", role=Role.TEAM_LEAD, password=DEMO_PASSWORD)
    for day in (date(2026, 7, 6), date(2026, 8, 10), date(2026, 9, 14)):
        contact(make_client(lead, first_name="Dora", last_name=f"Dortmund{day.month}"), day)
    snapshots.finalise(organisation=dortmund, period=Q3, actor=lead)
    submissions.submit(organisation=dortmund, period=Q3, actor=lead, version=1)
    Organisation.objects.create(name="Stadt Witten – Wohnungsnotfälle", short_name="Witten", case_number_prefix="WI")


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button").click()


def test_team_lead_submits_and_the_state_reads_the_overview(
    page, live_server, quarter_data, save_screenshot, foreign_requests
):
    problems = []
    log_in(page, live_server, "teamleitung")
    page.goto(f"{live_server.url}/reports/quarterly/2026/3/")
    page.get_by_label(re.compile("Ich habe die Zahlen geprüft")).check()
    page.get_by_role("button", name="Quartal abschließen").click()
    submission = page.get_by_role("region", name="Übermittlung an das Land")
    expect(submission).to_contain_text("noch nicht an das Land übermittelt")
    save_screenshot("land-quarterly-submit")
    problems.append(accessibility_problems(page))
    submission.get_by_label(re.compile("Das Land behält jede Version")).check()
    submission.get_by_role("button", name="An das Land übermitteln").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Übermittlung an das Land 3. Quartal 2026")
    expect(page.locator("main")).to_contain_text("Version 1 für das 3. Quartal 2026 wurde an das Land übermittelt.")
    expect(page.get_by_role("heading", name=re.compile("^Version 1, übermittelt am"))).to_contain_text("Thomas Lehmann")
    save_screenshot("land-submission")
    problems.append(accessibility_problems(page))
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, live_server, "land")
    expect(page).to_have_url(f"{live_server.url}/land/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Eingereichte Quartalsberichte 3. Quartal 2026")
    navigation = page.locator("header nav")
    expect(navigation.get_by_role("link", name="Landesübersicht")).to_be_visible()
    expect(navigation.get_by_role("link", name="Fallarbeit")).to_have_count(0)
    figures = page.get_by_role("table").first
    expect(figures.get_by_role("row", name=re.compile("^Stadt Hagen"))).to_contain_text("5")
    total = figures.get_by_role("row", name=re.compile("^Landessumme"))
    expect(total.get_by_role("cell").first).to_have_text("8")  # 5 persons in Hagen, 3 in Dortmund
    expect(page.locator("main")).to_contain_text("Stadt Witten – Wohnungsnotfälle")
    save_screenshot("land-overview")
    problems.append(accessibility_problems(page))

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert download.value.suggested_filename == "land-uebersicht-2026-q3.xlsx"
    # Any page of a municipality is closed to the state.
    assert page.goto(f"{live_server.url}/clients/").status == 403

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [problem for problem in problems if problem]
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture
def two_municipalities(demo_users, monkeypatch):
    """Hagen and the demo's second municipality (with its logo) both submitted the third quarter."""
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("seed_demo", "--second-municipality", stdout=io.StringIO())
    hagen_lead = User.objects.get(username="teamleitung")
    users = {user.username: user for user in User.objects.filter(organisation=demo_users)}
    make_report_data(users["sozialarbeit"], hagen_lead, users["verwaltung"])
    lead = User.objects.get(username="teamleitung.musterstadt")
    for day in (date(2026, 4, 8), date(2026, 7, 6), date(2026, 8, 10), date(2026, 9, 14)):
        contact(make_client(lead, first_name="Mara", last_name=f"Muster{day.month}"), day)
    for office_lead in (hagen_lead, lead):
        snapshots.finalise(organisation=office_lead.organisation, period=Q3, actor=office_lead)
        submissions.submit(organisation=office_lead.organisation, period=Q3, actor=office_lead, version=1)


def test_the_state_compares_two_municipalities_and_each_report_carries_its_logo(
    page, live_server, two_municipalities, save_screenshot
):
    log_in(page, live_server, "teamleitung.musterstadt")
    expect(page.locator(".navbar-brand")).to_have_text("ZUHAUSE")
    expect(page.locator(".app-identity")).to_contain_text("Stadt Musterstadt – Fachstelle Wohnungsnotfälle")
    report = page.request.get(f"{live_server.url}/reports/quarterly/2026/3/?format=pdf")
    assert report.headers["content-type"] == "application/pdf"
    (SCREENSHOT_DIR / "musterstadt-quarterly-report.pdf").write_bytes(report.body())
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, live_server, "land")
    page.goto(f"{live_server.url}/land/?quarter=2026-3")
    figures = page.get_by_role("table").first
    expect(figures.get_by_role("row", name=re.compile("^Stadt Musterstadt"))).to_contain_text("3")
    total = figures.get_by_role("row", name=re.compile("^Landessumme"))
    expect(total.get_by_role("cell").first).to_have_text("8")  # Hagen 5 persons, Musterstadt 3
    previous = page.get_by_role("table").nth(1)
    expect(previous.get_by_role("row", name=re.compile("^Stadt Musterstadt")).get_by_role("cell").first).to_have_text(
        "1"
    )
    expect(page.get_by_role("img", name="Landessumme je Kennzahl")).to_be_visible()
    save_screenshot("land-overview-two-municipalities")
    overview = page.request.get(f"{live_server.url}/land/?quarter=2026-3&format=pdf")
    assert overview.headers["content-type"] == "application/pdf"
    (SCREENSHOT_DIR / "land-overview.pdf").write_bytes(overview.body())
