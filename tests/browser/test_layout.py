"""Layout where it mattered in a day's work: the top bar at 1280–1366 px, the client page on a phone,
the placement board with many offers, and intake and contact entry by keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Client, Contact
from tests.browser.conftest import assert_accessible
from tests.builders import make_case, make_client, make_landlord, make_offer

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_as(browser, live_server, client_of):
    """open_as(user, viewport) gives a page of a browser context logged in as the user."""
    contexts = []

    def open_page(user, viewport):
        context = browser.new_context(viewport=viewport, locale="de-DE", timezone_id="Europe/Berlin")
        contexts.append(context)
        host = live_server.url.split("//", 1)[1].split(":")[0]
        session_key = client_of(user).cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": session_key, "domain": host, "path": "/"}])
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", [1366, 1280])
def test_the_top_bar_stays_one_line_for_the_team_lead(open_as, live_server, team_lead, save_screenshot, width):
    page = open_as(team_lead, {"width": width, "height": 800})
    page.goto(f"{live_server.url}/")

    bar = page.locator("nav.app-navbar")
    box = bar.bounding_box()
    assert box["height"] < 64, f"the top bar is {box['height']} px high at {width} px: it wraps"
    for item in bar.locator(".navbar-nav .nav-link").all():
        assert item.bounding_box()["height"] < 44
    save_screenshot(f"topbar-{width}", target=page)

    # Name, role and organisation are one click away, without a script.
    summary = bar.locator("summary")
    expect(summary).to_contain_text("Thomas Lehmann")
    summary.click()
    expect(bar.locator(".app-identity")).to_be_visible()
    expect(bar.locator(".app-identity")).to_contain_text("Teamleitung")
    expect(bar.locator(".app-identity")).to_contain_text("Zentrale Fachstelle Wohnen")
    expect(bar.get_by_role("link", name="Passwort")).to_be_visible()
    assert bar.bounding_box()["height"] < 64  # the panel opens over the page
    save_screenshot(f"topbar-{width}-account-open", target=page)
    assert_accessible(page)


def test_on_a_phone_the_contact_entry_comes_first_on_the_client_page(
    open_as, live_server, social_worker, save_screenshot
):
    client = make_client(social_worker, first_name="Georgi", last_name="Ivanov", phone="02331 123456")
    page = open_as(social_worker, PHONE)
    page.goto(f"{live_server.url}{client.get_absolute_url()}")

    entry = page.get_by_role("heading", name="Kontakt erfassen").bounding_box()
    cases = page.get_by_role("heading", name="Fälle", exact=True).bounding_box()
    assert entry["y"] < cases["y"]
    assert entry["y"] < PHONE["height"], "the contact entry is not on the first screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    save_screenshot("client-phone", target=page)

    page.set_viewport_size({"width": 1366, "height": 900})
    entry = page.get_by_role("heading", name="Kontakt erfassen").bounding_box()
    cases = page.get_by_role("heading", name="Fälle", exact=True).bounding_box()
    # On a wide screen the file stays on the left, the contact entry heads the right-hand column.
    assert entry["x"] > cases["x"] + 300
    assert abs(entry["y"] - cases["y"]) < 40
    save_screenshot("client-desktop", target=page)


def test_the_board_keeps_every_column_in_view_with_many_offers(
    open_as, live_server, social_worker, admin_staff, save_screenshot
):
    landlord = make_landlord(admin_staff)
    for _number in range(46):
        make_offer(admin_staff, landlord)

    for name, viewport in (("desktop", {"width": 1366, "height": 900}), ("phone", PHONE)):
        page = open_as(social_worker, viewport)
        page.goto(f"{live_server.url}/housing/board/")
        columns = page.locator(".board-column")
        expect(columns.first).to_contain_text("46")
        board_top = page.locator(".placement-board").bounding_box()["y"]
        tops = [column.bounding_box()["y"] - board_top for column in columns.all()]
        # Every column starts within a few screens however many offers there are (it was 5,000 px).
        assert max(tops) < 4000, tops
        if name == "desktop":
            assert max(tops) < 1000, tops
        offers = page.locator(".board-cards").first
        assert offers.evaluate("box => box.scrollHeight > box.clientHeight"), "the offers do not scroll in their box"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        save_screenshot(f"board-46-offers-{name}", target=page)
        assert_accessible(page)


def _tab_to(page, selector, *, limit=150):
    """Press Tab until the element matching ``selector`` has the focus; fail if it is never reached."""
    for _press in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} was not reached by Tab within {limit} presses")


def test_intake_and_contact_entry_by_keyboard_alone(open_as, live_server, social_worker, save_screenshot):
    page = open_as(social_worker, {"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/clients/new/")

    _tab_to(page, "#id_first_name")
    page.keyboard.type("Elena")
    _tab_to(page, "#id_last_name")
    page.keyboard.type("Popescu")
    _tab_to(page, "input[name='case_type']")
    # In a radio group the arrow keys move and choose; Space chooses the focused one.
    page.keyboard.press("Space")
    save_screenshot("intake-keyboard", target=page)
    _tab_to(page, "main button[type='submit']:not([name])")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
    person = Client.objects.get(last_name="Popescu")
    assert person.first_name == "Elena"

    _tab_to(page, "#contact-quick-form textarea, #contact-quick-form input[type='text']")
    page.keyboard.type("Erstgespräch in der Notunterkunft")
    _tab_to(page, "#contact-quick-form button[type='submit']")
    page.keyboard.press("Enter")

    expect(page.locator("#contact-quick-form")).to_contain_text("Der Kontakt wurde gespeichert.")
    assert Contact.objects.filter(client=person).count() == 1
    save_screenshot("contact-keyboard", target=page)


def test_on_a_phone_the_start_page_fits_with_long_names(open_as, live_server, social_worker):
    """ "My clients" keeps case number and date together on one line: with a long name they move below it."""
    person = make_client(social_worker, first_name="Alexandra-Maria", last_name="Dimitrova-Constantinescu")
    make_case(person, social_worker)
    page = open_as(social_worker, PHONE)
    page.goto(f"{live_server.url}/")

    expect(page.get_by_role("link", name="Alexandra-Maria Dimitrova-Constantinescu")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
