"""A four-eyes role grant in a real browser: Verwaltung requests, the team lead confirms and hands over
the one-time link, the new colleague chooses a password and is told at the first login who did what."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems

NEW_PASSWORD = "Mein eigenes Passwort an der Volme"


def _log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.locator("main form").get_by_role("button", name="Anmelden").click()


def _log_out(page):
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("heading", level=1, name="Anmelden")).to_be_visible()


def test_a_role_is_granted_by_two_people_and_the_holder_chooses_the_password(
    page, live_server, demo_users, save_screenshot, foreign_requests
):
    problems = []

    def check(name):
        save_screenshot(name)
        problems.append(accessibility_problems(page))

    # Verwaltung opens the account and requests the role Sozialarbeit.
    _log_in(page, live_server, "verwaltung", DEMO_PASSWORD)
    page.get_by_role("link", name="Zugang", exact=True).click()
    page.get_by_role("link", name="Benutzerkonten").first.click()
    page.get_by_role("link", name="Neues Benutzerkonto").first.click()
    expect(page.get_by_role("heading", level=1, name="Neues Benutzerkonto")).to_be_visible()
    page.get_by_label("Vorname").fill("Nadia")
    page.get_by_label("Nachname").fill("Petrova")
    page.get_by_label("Benutzername").fill("n.petrova")
    page.get_by_label("Rolle").select_option("Sozialarbeit")
    page.get_by_label("Hinweis für die Teamleitung").fill("Neue Kollegin ab 1. Februar")
    check("access-01-account-new")
    page.get_by_role("button", name="Konto anlegen").click()

    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Nadia Petrova")
    expect(main).to_contain_text("Beantragt. Es gilt, sobald eine Teamleitung der Dienststelle bestätigt.")
    expect(main).to_contain_text("keine Rolle")
    expect(page.get_by_label("Einmal-Link")).to_have_count(0)  # Verwaltung never receives it for such an account
    check("access-02-account-requested")
    _log_out(page)

    # The team lead finds the request on the start page and confirms it.
    _log_in(page, live_server, "teamleitung", DEMO_PASSWORD)
    panel = page.locator("section", has=page.get_by_role("heading", name="Anträge zur Bestätigung"))
    expect(panel).to_contain_text("Nadia Petrova")
    check("access-03-team-lead-start-page")
    panel.get_by_role("link", name=re.compile("Nadia Petrova")).click()
    expect(main).to_contain_text("Neue Kollegin ab 1. Februar")
    check("access-04-request")
    main.get_by_role("button", name="Bestätigen").click()

    expect(main.get_by_role("heading", level=1)).to_have_text("Einmal-Link für Nadia Petrova")
    link = page.get_by_label("Einmal-Link").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/access/password/[\w-]{{40,}}/", link), link
    check("access-05-link")
    _log_out(page)

    # The new colleague opens the link: the token leaves the address bar, she chooses her password.
    page.goto(link)
    expect(page).to_have_url(f"{live_server.url}/access/password/")
    expect(page.get_by_role("heading", level=1, name="Passwort wählen")).to_be_visible()
    page.get_by_label("Neues Passwort").first.fill(NEW_PASSWORD)
    page.get_by_label("Neues Passwort bestätigen").fill(NEW_PASSWORD)
    check("access-06-choose-password")
    page.get_by_role("button", name="Passwort speichern").click()
    expect(page.locator("main")).to_contain_text("Ihr Passwort ist gesetzt.")

    # The link works once.
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Link nicht gültig")).to_be_visible()

    # At the first login she reads who requested and who confirmed her role.
    _log_in(page, live_server, "n.petrova", NEW_PASSWORD)
    notice = page.locator("section", has=page.get_by_role("heading", name="Änderungen an Ihrem Konto"))
    expect(notice).to_contain_text("Rolle: Sozialarbeit")
    expect(notice).to_contain_text("beantragt von Vera Winkler, bestätigt von Thomas Lehmann")
    expect(page.locator(".app-identity")).to_contain_text("Sozialarbeit")
    check("access-07-notice")
    notice.get_by_role("button", name="Zur Kenntnis genommen").click()
    expect(page.get_by_role("heading", name="Änderungen an Ihrem Konto")).to_have_count(0)
    page.get_by_role("link", name="Fallarbeit").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [problem for problem in problems if problem]
    assert not problems, "\n\n".join(problems)


def test_verwaltung_sees_a_locked_login_and_lifts_it_with_a_reason(
    page, live_server, demo_users, save_screenshot, foreign_requests
):
    problems = []
    for _attempt in range(5):
        _log_in(page, live_server, "sozialarbeit", "ein falsches Passwort")
    expect(page.locator("main")).to_contain_text("gesperrt")

    _log_in(page, live_server, "verwaltung", DEMO_PASSWORD)
    expect(page.locator("main")).to_contain_text(re.compile(r"sozialarbeit – gesperrt bis \d\d\.\d\d\.\d{4} \d\d:\d\d"))
    page.get_by_role("link", name="Sperren ansehen und aufheben").click()
    row = page.get_by_role("row", name=re.compile("Sonja Albers"))
    expect(row).to_contain_text("5")
    save_screenshot("access-08-locked-logins")
    problems.append(accessibility_problems(page))
    row.get_by_label("Begründung").fill("Frau Albers hat angerufen, Tastatur war auf Englisch")
    row.get_by_role("button", name="Sperre aufheben").click()
    expect(page.locator("main")).to_contain_text("Die Sperre ist aufgehoben")
    expect(page.locator("main")).to_contain_text("Zurzeit ist kein Konto gesperrt.")

    page.get_by_role("link", name="Benutzerkonten").first.click()
    save_screenshot("access-09-accounts")
    problems.append(accessibility_problems(page))
    page.get_by_role("link", name="Anträge", exact=True).click()
    expect(page.locator("main")).to_contain_text("Anmeldesperre aufgehoben")
    save_screenshot("access-10-requests")
    problems.append(accessibility_problems(page))
    _log_out(page)

    _log_in(page, live_server, "sozialarbeit", DEMO_PASSWORD)
    expect(page.locator("main")).to_contain_text("Anmeldesperre aufgehoben – durch Vera Winkler am")

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [problem for problem in problems if problem]
    assert not problems, "\n\n".join(problems)
