"""Intake in a real browser: a social worker takes in "Georgi Ivanov" while "Георги Иванов" is already known."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Client, DuplicateDecision
from hagen_zuhause.models import User
from tests.browser.conftest import DEMO_PASSWORD, assert_accessible
from tests.builders import make_client


@pytest.fixture
def known_person(demo_users):
    worker = User.objects.get(username="sozialarbeit")
    make_client(worker, first_name="Maria", last_name="Ärger")
    make_client(worker, first_name="Jürgen", last_name="Weißbäcker", birth_year_estimated=1961)
    return make_client(worker, first_name="Георги", last_name="Иванов", nationality="BG")


def log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill("sozialarbeit")
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button").click()
    expect(page).to_have_url(f"{live_server.url}/")


def fill_intake(page):
    # The household and alias tables have first/last name columns too: address the person's fields.
    page.locator("#id_first_name").fill("Georgi")
    page.locator("#id_last_name").fill("Ivanov")
    page.locator("#id_birth_date").fill("1980-03-12")
    page.locator("#id_nationality").select_option("BG")
    page.get_by_label(re.compile("Wohnraumversorgung")).check()
    page.get_by_label("Bürger*innen aus Bulgarien und Rumänien").check()


def start_intake(page, live_server):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/clients/")
    page.get_by_role("link", name="Neue Aufnahme").click()
    expect(page.get_by_role("heading", level=1, name="Neue Aufnahme")).to_be_visible()


def test_intake_shows_the_duplicate_hint_and_saves_anyway(
    page, live_server, known_person, save_screenshot, foreign_requests
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/clients/")
    expect(page.get_by_role("heading", level=1, name="Klient*innen")).to_be_visible()
    rows = page.locator("table.client-list tbody tr")
    expect(rows).to_have_count(3)
    # German order: Ärger next to A, before Ivanov (Cyrillic after Latin) and Weißbäcker.
    expect(rows.first).to_contain_text("Ärger, Maria")
    save_screenshot("clients-list")
    assert_accessible(page)

    page.get_by_label("Name oder Fallnummer").fill("Ivanov Georgi")
    page.get_by_role("button", name="Suchen").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Иванов, Георги")

    page.get_by_role("link", name="Neue Aufnahme").click()
    fill_intake(page)
    # The live hint (htmx) appears while typing; the saving step shows the hint again with choices.
    expect(page.locator("#duplicate-live-hint")).to_contain_text("Георги Иванов")
    save_screenshot("intake-form")
    assert_accessible(page)

    page.get_by_role("button", name="Prüfen und speichern").click()
    hint = page.get_by_role("region", name="Ist diese Person schon bekannt?")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Георги Иванов")
    expect(hint).to_contain_text(known_person.case_number)
    assert Client.objects.count() == 3
    save_screenshot("intake-duplicate-hint")
    assert_accessible(page)

    page.get_by_role("button", name="Trotzdem neu anlegen").click()

    new = Client.objects.get(first_name="Georgi", last_name="Ivanov")
    expect(page).to_have_url(f"{live_server.url}/clients/{new.pk}/")
    decision = DuplicateDecision.objects.get()
    assert decision.decision == "saved_anyway" and decision.candidates == [known_person.pk]
    assert new.cases.get().case_type == "provision"
    save_screenshot("intake-saved-client-page")
    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"


def test_intake_opens_the_existing_record(page, live_server, known_person, foreign_requests):
    start_intake(page, live_server)
    fill_intake(page)
    page.get_by_role("button", name="Prüfen und speichern").click()

    page.get_by_role("button", name="Akte von Георги Иванов öffnen").click()

    expect(page).to_have_url(f"{live_server.url}/clients/{known_person.pk}/")
    assert Client.objects.count() == 3
    decision = DuplicateDecision.objects.get()
    assert decision.decision == "opened_existing" and decision.client == known_person
    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"


def test_intake_without_javascript(browser, live_server, known_person):
    """The two-step flow works with JavaScript switched off."""
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    start_intake(page, live_server)
    fill_intake(page)
    page.get_by_role("button", name="Prüfen und speichern").click()
    expect(page.get_by_role("button", name="Trotzdem neu anlegen")).to_be_visible()
    page.get_by_role("button", name="Trotzdem neu anlegen").click()
    new = Client.objects.get(first_name="Georgi", last_name="Ivanov")
    expect(page).to_have_url(f"{live_server.url}/clients/{new.pk}/")
    context.close()


def test_the_pages_after_intake(page, live_server, known_person, save_screenshot, foreign_requests):
    """Personal data, target groups, consent and link pages: German, accessible, working."""
    log_in(page, live_server)
    pk = known_person.pk
    other = make_client(User.objects.get(username="sozialarbeit"), first_name="Georgi", last_name="Iwanow")

    page.goto(f"{live_server.url}/clients/{pk}/edit/")
    expect(page.get_by_role("heading", level=1, name="Persönliche Daten bearbeiten")).to_be_visible()
    page.locator("#id_aliases-0-first_name").fill("Georgi")
    page.locator("#id_aliases-0-last_name").fill("Ivanov")
    # Two household members although the form offers one empty row: "Weitere Zeile" adds one.
    household = page.get_by_role("group", name="Haushalt")
    household.locator("#id_household-0-first_name").fill("Elena")
    household.locator("#id_household-0-relationship").select_option("partner")
    household.get_by_role("button", name="Weitere Zeile").click()
    expect(household.get_by_label("Vorname, Zeile 2")).to_be_focused()
    household.get_by_label("Vorname, Zeile 2").fill("Ivo")
    household.locator("#id_household-1-relationship").select_option("child")
    household.locator("#id_household-1-birth_year").fill("2016")
    save_screenshot("client-edit")
    assert_accessible(page)
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/clients/{pk}/")
    expect(page.locator("main")).to_contain_text("Die persönlichen Daten wurden gespeichert.")

    page.goto(f"{live_server.url}/clients/{pk}/groups/")
    page.locator("#id_group").select_option("women")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.locator("main")).to_contain_text("Die Zielgruppe wurde hinzugefügt.")
    page.locator("#id_group").select_option("women")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.locator("main")).to_contain_text("Die Person gehört in diesem Zeitraum bereits zu dieser Zielgruppe.")
    save_screenshot("client-target-groups")
    assert_accessible(page)

    page.goto(f"{live_server.url}/clients/{pk}/consents/new/")
    page.locator("#id_scope").select_option("referral")
    save_screenshot("consent-form")
    assert_accessible(page)
    page.get_by_role("button", name="Speichern").click()
    expect(page).to_have_url(f"{live_server.url}/clients/{pk}/")

    page.goto(f"{live_server.url}/clients/{pk}/link/")
    page.get_by_label("Name oder Fallnummer").fill("Iwanow")
    page.get_by_role("button", name="Suchen").click()
    page.get_by_role("button", name="Mit Georgi Iwanow verknüpfen").click()
    expect(page).to_have_url(f"{live_server.url}/clients/{pk}/")
    expect(page.locator("main")).to_contain_text("Die Akten wurden verknüpft.")
    person = page.locator("section.client-person")
    expect(person).to_contain_text("Georgi Ivanov")  # the other spelling
    expect(person).to_contain_text("Ivo – Kind, geb. 2016")
    expect(person).to_contain_text("Wohnungslose Frauen")
    expect(person).to_contain_text("gültig")
    expect(person.get_by_role("link", name=f"Georgi Iwanow ({other.case_number})")).to_be_visible()
    save_screenshot("client-page-person-block")
    assert_accessible(page)
    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
