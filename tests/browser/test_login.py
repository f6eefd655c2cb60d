"""Log in as each demo role in a real browser; check the pages, their accessibility and network."""

import re

import pytest
from playwright.sync_api import expect

from hagen_zuhause.roles import Role
from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems, assert_accessible

ORGANISATION_NAME = "Stadt Hagen – Zentrale Fachstelle Wohnen"

# The login form's own message (Django's read in German as if the fields had been left empty).
WRONG_LOGIN_MESSAGE = "Benutzername oder Passwort ist falsch."

ROLES = [
    pytest.param("sozialarbeit", Role.SOCIAL_WORKER, "Sonja Albers", id="sozialarbeit"),
    pytest.param("teamleitung", Role.TEAM_LEAD, "Thomas Lehmann", id="teamleitung"),
    pytest.param("verwaltung", Role.ADMINISTRATION, "Vera Winkler", id="verwaltung"),
]


def open_login_page(page, live_server):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1, name="Anmelden")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")


def log_in(page, username, password):
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.locator("main form").get_by_role("button").click()


@pytest.mark.parametrize(("username", "role", "full_name"), ROLES)
def test_each_role_logs_in_and_sees_the_start_page(
    page, live_server, demo_users, save_screenshot, foreign_requests, username, role, full_name
):
    # Every page is screenshotted and checked; accessibility problems of all pages are
    # reported together at the end, so one run shows them all.
    problems = []
    open_login_page(page, live_server)
    save_screenshot(f"login-{username}")
    problems.append(accessibility_problems(page))

    log_in(page, username, DEMO_PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_contain_text(full_name)
    expect(main).to_contain_text(ORGANISATION_NAME)
    # The role's German label is the group's name, e.g. "Sozialarbeit".
    identity = page.locator(".app-identity")
    expect(identity).to_contain_text(ORGANISATION_NAME)
    expect(identity).to_contain_text(role.value)
    expect(main.locator("dl")).to_contain_text(role.value)
    save_screenshot(f"dashboard-{username}")
    problems.append(accessibility_problems(page))

    if role == Role.TEAM_LEAD:
        for path, name in [("/audit/", "audit-history"), ("/audit/access/", "audit-access")]:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, f"{path} answered {response.status}"
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            save_screenshot(name)
            problems.append(accessibility_problems(page))

    if role == Role.ADMINISTRATION:
        response = page.goto(f"{live_server.url}/admin/")
        assert response.status == 200, f"/admin/ answered {response.status}"
        expect(page).to_have_url(f"{live_server.url}/admin/")
        save_screenshot("admin-verwaltung")

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [p for p in problems if p]
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_wrong_password_stays_on_login_page_with_german_message(
    page, live_server, demo_users, save_screenshot, foreign_requests
):
    open_login_page(page, live_server)

    log_in(page, "sozialarbeit", "falsches Passwort")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1, name="Anmelden")).to_be_visible()
    expect(page.locator("main")).to_contain_text(WRONG_LOGIN_MESSAGE)
    expect(page.locator(".app-identity")).to_have_count(0)
    save_screenshot("login-wrong-password")
    assert_accessible(page)
    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"


def test_skip_link_appears_on_tab_and_moves_focus_to_main(page, live_server, demo_users, foreign_requests):
    open_login_page(page, live_server)
    log_in(page, "sozialarbeit", DEMO_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")

    skip_link = page.get_by_role("link", name="Zum Inhalt springen", exact=True)
    # Bootstrap's visually-hidden-focusable: a 1 by 1 px clipped box until focused.
    box = skip_link.bounding_box()
    assert box is None or (box["width"] <= 1 and box["height"] <= 1), f"skip link visible before focus: {box}"

    page.keyboard.press("Tab")

    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box is not None and box["width"] > 20 and box["height"] > 10, f"skip link not shown on focus: {box}"
    assert box["y"] >= 0 and box["x"] >= 0, f"skip link outside the viewport: {box}"

    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/#main")
    expect(page.locator("main#main")).to_be_focused()
    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
