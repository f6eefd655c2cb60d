"""Verwaltung keeps the municipality's districts in a real browser; the offer form offers exactly those."""

from playwright.sync_api import expect

from housing.models import District
from tests.browser.conftest import assert_accessible
from tests.browser.test_offers import log_in, open_housing_page


def test_verwaltung_renames_and_adds_a_district_and_the_offer_form_offers_it(
    page, live_server, demo_users, save_screenshot
):
    log_in(page, live_server, "verwaltung")
    open_housing_page(page, "Stadtbezirke")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stadtbezirke")
    names = page.get_by_label("Name")
    expect(names.first).to_have_value("Hagen-Mitte")
    names.first.fill("Innenstadt")
    names.nth(5).fill("Boele")
    save_screenshot("districts-edit")
    assert_accessible(page)
    page.get_by_role("button", name="Stadtbezirke speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Die Liste der Stadtbezirke ist gespeichert.")
    assert District.objects.get(organisation=demo_users, code="mitte").name == "Innenstadt"

    page.goto(f"{live_server.url}/housing/offers/new/")
    options = page.get_by_label("Stadtbezirk").locator("option")
    offered = ["---------", "Innenstadt", "Hagen-Nord", "Hohenlimburg", "Eilpe/Dahl", "Haspe", "Boele"]
    expect(options).to_have_text(offered)
