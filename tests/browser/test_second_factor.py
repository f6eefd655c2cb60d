"""The second factor in a real browser: an authenticator app with codes computed here, recovery codes,
and a passkey on Chromium's virtual authenticator (Chrome DevTools Protocol, ``WebAuthn`` domain)."""

import re

import pytest
from playwright.sync_api import expect

from hagen_zuhause.models import Organisation
from hagen_zuhause.tests.second_factor import app_code, key_from_text
from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems

ACCOUNT_PAGE = re.compile(r"/accounts/second-factor/(\?next=.*)?$")
VERIFY_PAGE = re.compile(r"/accounts/second-factor/verify/\?next=")


@pytest.fixture
def required(demo_users):
    """The demo organisation with the second factor required, as every organisation but the demo has it."""
    Organisation.objects.filter(pk=demo_users.pk).update(require_second_factor=True)
    return demo_users


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name="Anmelden").click()


def log_out(page):
    page.locator("header").get_by_role("button", name="Abmelden").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def confirm_with_code(page, code):
    # "Code" for users with an app, "Wiederherstellungscode" for users with passkeys only (case-insensitive).
    page.locator("main").get_by_label("code").fill(code)
    page.locator("main").get_by_role("button", name="Bestätigen", exact=True).click()


def test_app_set_up_then_logins_with_an_app_code_and_a_recovery_code(
    page, live_server, required, save_screenshot, foreign_requests
):
    problems = []
    log_in(page, live_server, "sozialarbeit")

    # Required by the organisation: nothing but the set-up (no menu) until a factor exists.
    expect(page).to_have_url(ACCOUNT_PAGE)
    expect(page.get_by_role("alert")).to_contain_text("Bitte richten Sie zuerst einen zweiten Faktor ein")
    expect(page.locator("#main-nav .nav-link")).to_have_count(0)
    save_screenshot("second-factor-required")
    problems.append(accessibility_problems(page))
    page.goto(f"{live_server.url}/clients/")
    expect(page).to_have_url(ACCOUNT_PAGE)

    page.get_by_role("link", name="Authenticator-App einrichten").click()
    qr_code = page.get_by_role("img", name="QR-Code mit dem Schlüssel für Ihre Authenticator-App")
    expect(qr_code).to_be_visible()
    assert qr_code.get_attribute("src").startswith("data:image/svg+xml")
    assert qr_code.evaluate("image => image.naturalWidth") > 100  # the SVG renders
    key = key_from_text(page.locator("#totp-key").inner_text())
    save_screenshot("second-factor-app-set-up")
    problems.append(accessibility_problems(page))

    page.get_by_label("Code aus der App").fill(app_code(key))
    page.get_by_label("Name des Geräts (optional)").fill("Diensthandy")
    page.get_by_role("button", name="Bestätigen und einrichten").click()

    expect(page).to_have_url(re.compile(r"/accounts/second-factor/recovery-codes/$"))
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    save_screenshot("second-factor-recovery-codes")
    problems.append(accessibility_problems(page))
    page.get_by_role("link", name="Ich habe die Codes notiert").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#main-nav")).to_contain_text("Fallarbeit")
    log_out(page)

    # Next login: the password, then a code of the app (of the next period: each code works once).
    log_in(page, live_server, "sozialarbeit")
    expect(page).to_have_url(VERIFY_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
    save_screenshot("second-factor-verify")
    problems.append(accessibility_problems(page))
    confirm_with_code(page, app_code(key, steps_ahead=1))
    expect(page).to_have_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/second-factor/")
    expect(page.locator("main table")).to_contain_text("Diensthandy")
    save_screenshot("second-factor-account")
    problems.append(accessibility_problems(page))
    log_out(page)

    # Phone not at hand: a recovery code, once.
    log_in(page, live_server, "sozialarbeit")
    confirm_with_code(page, codes[0])
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text("es bleiben 9")
    log_out(page)
    log_in(page, live_server, "sozialarbeit")
    confirm_with_code(page, codes[0])
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/verify/"))
    expect(page.locator("main")).to_contain_text("Dieser Code ist nicht richtig oder wurde schon verwendet")
    save_screenshot("second-factor-recovery-code-used")

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [p for p in problems if p]
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_passkey_set_up_and_login_with_the_virtual_authenticator(
    page, live_server, required, save_screenshot, foreign_requests
):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]
    problems = []
    log_in(page, live_server, "teamleitung")
    expect(page).to_have_url(ACCOUNT_PAGE)

    page.get_by_role("link", name="Passkey einrichten").click()
    create = page.get_by_role("button", name="Passkey anlegen")
    expect(create).to_be_visible()  # the package's script found WebAuthn and showed the button
    save_screenshot("second-factor-passkey-set-up")
    problems.append(accessibility_problems(page))
    create.click()

    expect(page).to_have_url(re.compile(r"/accounts/second-factor/recovery-codes/$"))
    expect(page.locator(".recovery-codes code")).to_have_count(10)
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1
    assert credentials[0]["rpId"] == "localhost"
    page.get_by_role("link", name="Ich habe die Codes notiert").click()
    expect(page).to_have_url(f"{live_server.url}/")
    log_out(page)

    log_in(page, live_server, "teamleitung")
    expect(page).to_have_url(VERIFY_PAGE)
    passkey_button = page.get_by_role("button", name="Mit Passkey bestätigen")
    expect(passkey_button).to_be_visible()
    save_screenshot("second-factor-verify-passkey")
    problems.append(accessibility_problems(page))
    passkey_button.click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".app-identity")).to_contain_text("Teamleitung")
    page.goto(f"{live_server.url}/accounts/second-factor/")
    expect(page.locator("main table")).to_contain_text("Passkey")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    assert "noch nicht" not in page.locator("main table tbody").inner_text()  # last use recorded

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [p for p in problems if p]
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)
