"""The team lead reads the audit log in a real browser: readable history, masked health notes, the access
log filtered by case number, and a CSV export in which a formula reads as text."""

import csv
import io

import pghistory
import pytest
from playwright.sync_api import expect

from cases.services.clients import client_update
from hagen_zuhause.models import User
from tests.browser.conftest import assert_accessible
from tests.browser.test_casework import log_in
from tests.builders import make_client


@pytest.fixture
def changed_client(demo_users):
    worker = User.objects.get(username="sozialarbeit")
    context = {"user": worker.pk, "actor": worker.username, "organisation": worker.organisation_id}
    with pghistory.context(**context, request_id="browser"):
        client = make_client(
            worker, first_name='=HYPERLINK("http://x.example","y")', last_name="Ivanov", health_notes="Diabetes"
        )
        client_update(client=client, actor=worker, gender="female", health_notes="Insulinpflichtig")
    return client


def test_team_lead_reads_the_history_and_the_access_log_and_exports_it(
    page, live_server, changed_client, save_screenshot, foreign_requests
):
    log_in(page, live_server, "teamleitung")
    page.goto(f"{live_server.url}/audit/")

    table = page.locator("main table")
    expect(table).to_contain_text(changed_client.case_number)
    expect(table).to_contain_text("Geschlecht:")
    expect(table).to_contain_text("weiblich")
    expect(table).to_contain_text("(geschützt)")
    expect(table).not_to_contain_text("Insulinpflichtig")
    expect(table).not_to_contain_text("female")
    save_screenshot("audit-history")
    assert_accessible(page)

    page.goto(f"{live_server.url}/clients/{changed_client.pk}/")  # a logged view of the client
    page.goto(f"{live_server.url}/audit/access/")
    page.get_by_label("Klient*in (Fallnummer)").fill(changed_client.case_number.lower())
    page.locator("main form").get_by_role("button", name="Filtern").click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"Klient*in {changed_client.case_number}")
    save_screenshot("audit-access-log-filtered")
    assert_accessible(page)

    page.goto(f"{live_server.url}/audit/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Als CSV mit den Werten exportieren").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert '\'=HYPERLINK("http://x.example","y")' in cells
    assert "Insulinpflichtig" not in text
    assert foreign_requests == []
