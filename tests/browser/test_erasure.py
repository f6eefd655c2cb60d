"""Erasure on request in a real browser, with four eyes: one team lead asks, a second one confirms, and the
person's name is gone from the client page."""

import re

from playwright.sync_api import expect

from hagen_zuhause.models import User
from hagen_zuhause.services import user_create
from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems
from tests.builders import make_client


def _log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.locator("main form").get_by_role("button", name="Anmelden").click()


def _log_out(page):
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("heading", level=1, name="Anmelden")).to_be_visible()


def test_an_erasure_is_asked_by_one_team_lead_and_carried_out_by_another(
    page, live_server, demo_users, save_screenshot, foreign_requests
):
    lead = User.objects.get(username="teamleitung")
    person = make_client(lead, first_name="Radka", last_name="Stojanova", phone="0176 5550123")
    user_create(
        organisation=demo_users,
        username="teamleitung2",
        role="Teamleitung",
        password=DEMO_PASSWORD,
        first_name="Karin",
        last_name="Brandt",
    )
    problems = []

    def check(name):
        save_screenshot(name)
        problems.append(accessibility_problems(page))

    # The team lead asks for the erasure on the client page.
    _log_in(page, live_server, "teamleitung", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/clients/{person.pk}/")
    main = page.locator("main")
    main.get_by_role("link", name="Löschung beantragen …").click()
    expect(main.get_by_role("heading", level=1)).to_contain_text("Löschung beantragen")
    main.get_by_role("button", name="Löschung beantragen").click()  # without a reason first
    expect(main).to_contain_text("Dieses Feld ist zwingend erforderlich")
    main.get_by_label("Begründung").fill("Antrag der Person vom 01.12.2026")
    check("erasure-01-request")
    main.get_by_role("button", name="Löschung beantragen").click()
    expect(main).to_contain_text("Löschung beantragt. Sie wird ausgeführt, sobald eine zweite Teamleitung")
    expect(main).not_to_contain_text("Bestätigen und löschen")  # not for the requester
    check("erasure-02-requested")
    _log_out(page)

    # The second team lead finds it on the start page and confirms it.
    _log_in(page, live_server, "teamleitung2", DEMO_PASSWORD)
    panel = page.locator("section", has=page.get_by_role("heading", name="Löschanträge zur Entscheidung"))
    expect(panel).to_contain_text(person.case_number)
    expect(panel).not_to_contain_text("Stojanova")
    check("erasure-03-start-page")
    panel.get_by_role("link", name=person.case_number).click()
    expect(main).to_contain_text("Radka Stojanova")
    expect(main).to_contain_text("Antrag der Person vom 01.12.2026")
    check("erasure-04-decide")
    main.get_by_role("button", name="Bestätigen und löschen").click()
    expect(main).to_contain_text("Bestätigt. Die Daten der Person wurden anonymisiert")
    expect(main).not_to_contain_text("Stojanova")
    check("erasure-05-confirmed")

    main.get_by_role("link", name=re.compile(person.case_number)).first.click()
    expect(main.get_by_role("heading", level=1)).to_have_text("[anonymisiert]")
    expect(main).to_contain_text("(auf Antrag gelöscht)")
    expect(main).not_to_contain_text("0176 5550123")
    check("erasure-06-client-page")
    assert not foreign_requests
    assert not any(problems), problems


def test_a_restricted_file_says_so_and_leaves_the_social_workers_list(
    page, live_server, demo_users, save_screenshot, foreign_requests
):
    worker = User.objects.get(username="sozialarbeit")
    person = make_client(worker, first_name="Bogdan", last_name="Ionescu")
    problems = []

    def check(name):
        save_screenshot(name)
        problems.append(accessibility_problems(page))

    _log_in(page, live_server, "teamleitung", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/clients/{person.pk}/")
    main = page.locator("main")
    main.get_by_role("link", name="Verarbeitung einschränken …").click()
    main.get_by_label("Begründung").fill("Die Person bestreitet die Richtigkeit der Anschrift")
    check("restriction-01-form")
    main.get_by_role("button", name="Verarbeitung einschränken").click()
    expect(main).to_contain_text("Die Verarbeitung ist eingeschränkt. Die Akte kann jetzt nur noch gelesen werden.")
    expect(main.locator("#processing-restriction")).to_contain_text("bestreitet die Richtigkeit der Anschrift")
    check("restriction-02-client-page")
    _log_out(page)

    _log_in(page, live_server, "sozialarbeit", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/clients/")
    expect(main).not_to_contain_text("Ionescu")
    page.goto(f"{live_server.url}/clients/{person.pk}/")
    expect(main.locator("#processing-restriction")).to_contain_text("nur lesen")
    expect(main.get_by_role("button", name="Kontakt speichern")).to_have_count(0)
    check("restriction-03-worker-reads")
    assert not foreign_requests
    assert not any(problems), problems
