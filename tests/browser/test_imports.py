"""The team lead imports old files in a real browser: upload, preview with a bad row, confirm, summary."""

import re

from playwright.sync_api import expect

from cases.models import Client
from tests.browser.conftest import DEMO_PASSWORD, assert_accessible

CLIENTS_CSV = (
    "\ufeffreference;first_name;last_name;birth_date;gender;nationality;target_groups;intake_date;case_type\r\n"
    "AZ-2019-117;Georgi;Ivanov;03.04.1961;male;BG;eu2|seniors;02.05.2024;provision\r\n"
    "AZ-2020-031;Elena;Popescu;31.02.1988;w;RO;eu2|women;20.01.2025;prevention\r\n"
    'AZ-2021-008;Jürgen;"Weiß; geb. Schmitz";;;DE;;;\r\n'
).encode()


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_team_lead_uploads_previews_and_imports_with_skipping(
    page, live_server, demo_users, save_screenshot, foreign_requests
):
    log_in(page, live_server, "teamleitung")
    page.goto(f"{live_server.url}/imports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Klient*innen und Kontakte importieren")
    expect(page.get_by_role("link", name="Import", exact=True)).to_have_attribute("aria-current", "page")
    save_screenshot("import-upload")
    assert_accessible(page)

    page.get_by_label("Klient*innen").check()
    page.get_by_label("CSV-Datei").set_input_files(
        {"name": "altakten.csv", "mimeType": "text/csv", "buffer": CLIENTS_CSV}
    )
    page.get_by_role("button", name="Hochladen und prüfen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Vorschau des Imports")
    counts = page.locator("dl.import-counts")
    expect(counts.locator('[data-count="created"]')).to_have_text("2")
    expect(counts.locator('[data-count="invalid"]')).to_have_text("1")
    problems = page.locator("table.import-problems tbody tr")
    expect(problems).to_have_count(2)  # line 3: impossible date and unknown gender code
    expect(problems.first).to_contain_text("3")
    expect(problems.first).to_contain_text("birth_date")
    expect(problems.first).to_contain_text("Das Datum 31.02.1988 gibt es nicht.")
    expect(problems.nth(1)).to_contain_text("Unbekannter Code „w“")
    assert not Client.objects.exists()
    save_screenshot("import-preview")
    assert_accessible(page)

    # The same preview open in a second tab: its confirmation must not import the file a second time.
    second_tab = page.context.new_page()
    second_tab.goto(f"{live_server.url}/imports/")
    expect(second_tab.get_by_role("heading", level=1)).to_have_text("Vorschau des Imports")

    page.get_by_label("Fehlerhafte Zeilen überspringen und die übrigen importieren").check()
    page.get_by_role("button", name="Jetzt importieren").click()

    expect(page).to_have_url(re.compile(r"/imports/$"))
    expect(page.get_by_role("status").filter(has_text="Import abgeschlossen")).to_have_text(
        "Import abgeschlossen: 2 angelegt, 0 bereits vorhanden, 1 fehlerhaft."
    )
    expect(page.locator("table.import-problems")).to_contain_text("Das Datum 31.02.1988 gibt es nicht.")
    assert set(Client.objects.values_list("reference", flat=True)) == {"AZ-2019-117", "AZ-2021-008"}
    assert Client.objects.get(reference="AZ-2021-008").last_name == "Weiß; geb. Schmitz"
    save_screenshot("import-summary")
    assert_accessible(page)

    second_tab.get_by_label("Fehlerhafte Zeilen überspringen und die übrigen importieren").check()
    second_tab.get_by_role("button", name="Jetzt importieren").click()
    expect(second_tab.locator("main")).to_contain_text(
        "Dieser Import wurde bereits ausgeführt oder ist nicht mehr vorhanden."
    )
    assert Client.objects.count() == 2
    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"


def test_social_workers_see_no_import(page, live_server, demo_users):
    log_in(page, live_server, "sozialarbeit")
    page.goto(f"{live_server.url}/clients/")
    expect(page.get_by_role("link", name="Import", exact=True)).to_have_count(0)
    response = page.goto(f"{live_server.url}/imports/")
    assert response.status == 403
