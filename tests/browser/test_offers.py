"""The housing acquisition journey in a real browser: Verwaltung records a landlord and a flat,
a social worker opens the flat's suitable households and reads why they fit."""

import re
from datetime import date

from playwright.sync_api import expect

from cases.models import HouseholdMember
from cases.services.cases import case_open
from cases.services.clients import client_create
from demo.kdu import ensure_demo_kdu_table
from hagen_zuhause.codes import CaseType, Relationship, TargetGroup
from hagen_zuhause.models import User
from housing.models import HousingOffer
from housing.services.offers import housing_search_save
from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button").click()
    expect(page).to_have_url(f"{live_server.url}/")


def open_housing_page(page, name):
    """Through the main navigation: the section "Wohnraum", then the page in the section's bar."""
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Wohnraum").click()
    page.locator("nav.app-subnav").get_by_role("link", name=name, exact=True).click()


def log_out(page):
    page.get_by_role("button", name="Abmelden").click()


def waiting_household(organisation):
    """A senior couple looking for a ground-floor, barrier-free flat in Haspe since spring."""
    worker = User.objects.get(username="sozialarbeit")
    client = client_create(
        organisation=organisation,
        actor=worker,
        first_name="Hildegard",
        last_name="Brückner",
        target_groups=[TargetGroup.SENIORS],
        target_groups_from=date(2026, 3, 1),
    )
    HouseholdMember.objects.create(client=client, first_name="Werner", relationship=Relationship.PARTNER)
    case_open(client=client, case_type=CaseType.PROVISION, actor=worker, opened_on=date(2026, 3, 2))
    housing_search_save(
        client=client, actor=worker, districts=["haspe"], barrier_free_needed="yes", max_floor_without_lift=0
    )
    return client


def test_verwaltung_records_a_flat_and_a_social_worker_sees_who_fits_and_why(
    page, live_server, demo_users, save_screenshot, foreign_requests
):
    ensure_demo_kdu_table(demo_users)
    household = waiting_household(demo_users)
    problems = []

    # Verwaltung records the landlord ...
    log_in(page, live_server, "verwaltung")
    open_housing_page(page, "Vermieter*innen")
    expect(page.get_by_role("heading", level=1, name="Vermieter*innen")).to_be_visible()
    page.get_by_role("link", name="Neue Vermieter*in").click()
    page.locator("[name=kind]").select_option("cooperative")
    page.locator("[name=name]").fill("Wohnungsgenossenschaft Haspe eG")
    page.locator("[name=contact_person]").fill("Frau Kowalczyk")
    page.locator("[name=phone]").fill("02331 987654")
    page.locator("[name=cooperation_status]").select_option("cooperating")
    save_screenshot("offers-landlord-form")
    problems.append(accessibility_problems(page))
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("main")).to_contain_text("Die Vermieter*in wurde gespeichert.")
    open_housing_page(page, "Vermieter*innen")
    expect(page.locator("main table")).to_contain_text("Wohnungsgenossenschaft Haspe eG")
    save_screenshot("offers-landlord-list")
    problems.append(accessibility_problems(page))

    # ... and the flat, from the landlord's page.
    page.get_by_role("link", name="Wohnungsgenossenschaft Haspe eG").click()
    page.get_by_role("link", name="Neues Angebot dieser Vermieter*in").click()
    expect(page.locator("[name=landlord] option:checked")).to_have_text("Wohnungsgenossenschaft Haspe eG")
    page.locator("[name=street]").fill("Voerder Straße 12")
    page.locator("[name=postcode]").fill("58135")
    page.locator("[name=district]").select_option("haspe")
    page.locator("[name=living_space]").fill("58,5")
    page.locator("[name=rooms]").fill("2")
    page.locator("[name=floor]").fill("0")
    page.locator("[name=lift]").select_option("no")
    page.locator("[name=barrier_free]").select_option("yes")
    page.locator("[name=cold_rent]").fill("395,00")
    page.locator("[name=service_costs]").fill("95,00")
    page.locator("[name=heating_costs]").fill("70,00")
    page.locator("[name=wbs_required]").select_option("no")
    save_screenshot("offers-offer-form")
    problems.append(accessibility_problems(page))
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_role("heading", level=1, name="Voerder Straße 12")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Das Angebot wurde gespeichert.")
    expect(main).to_contain_text("490,00 €")  # gross cold rent
    expect(main.locator(".kdu-demo-badge")).to_have_text("Demowerte")
    kdu_rows = main.locator("table.kdu-table tbody tr")
    expect(kdu_rows).to_have_count(6)
    expect(kdu_rows.nth(0)).to_contain_text("über dem Richtwert")  # 1 person: 420 €
    expect(kdu_rows.nth(1)).to_contain_text("angemessen")  # 2 persons: 510 €
    expect(main.get_by_role("link", name=re.compile("Passende Haushalte"))).to_have_count(
        0
    )  # no client data for Verwaltung
    save_screenshot("offers-offer-page-verwaltung")
    problems.append(accessibility_problems(page))
    offer = HousingOffer.objects.get(street="Voerder Straße 12")
    assert offer.acquired_by.username == "verwaltung"
    log_out(page)

    # The social worker opens the flat's suitable households.
    log_in(page, live_server, "sozialarbeit")
    open_housing_page(page, "Wohnungen")
    row = page.locator("main table tbody tr", has_text="Voerder Straße 12")
    expect(row).to_contain_text("ab 2 Personen")  # within KdU from a household of two
    save_screenshot("offers-offer-list")
    problems.append(accessibility_problems(page))
    page.get_by_role("link", name="Voerder Straße 12").click()
    page.get_by_role("link", name="Passende Haushalte", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/housing/offers/{offer.pk}/matches/$"))
    suggestion = page.locator("li.suggestion").first
    expect(suggestion).to_contain_text("Hildegard Brückner")
    expect(suggestion).to_contain_text("Haushalt mit 2 Personen")
    for reason in [
        "2 Zimmer: passend für einen 2-Personen-Haushalt.",
        "Bruttokaltmiete 490,00 € liegt innerhalb des Richtwerts von 510,00 € bei Haushaltsgröße 2.",
        "Barrierefreie Wohnung, wie der Haushalt sie braucht.",
        "Erdgeschoss: Der Haushalt schafft ohne Aufzug bis zum Erdgeschoss.",
        "In einem gewünschten Stadtbezirk (Haspe).",
        "Ältere Person: Die Wohnung ist ohne Treppen erreichbar oder barrierefrei.",
        "Sucht seit 02.03.2026 eine Wohnung",
    ]:
        expect(suggestion).to_contain_text(reason)
    expect(suggestion.get_by_role("button", name=re.compile("^Vorschlagen"))).to_be_visible()
    expect(suggestion.locator("input[name=client]")).to_have_value(str(household.pk))
    save_screenshot("offers-matches")
    problems.append(accessibility_problems(page))

    page.goto(f"{live_server.url}/housing/offers/{offer.pk}/")
    save_screenshot("offers-offer-page-sozialarbeit")
    problems.append(accessibility_problems(page))

    open_housing_page(page, "KdU-Richtwerte")
    expect(page.locator("main")).to_contain_text("Demowerte – bitte durch die gültigen Werte der Kommune ersetzen")
    save_screenshot("offers-kdu-overview")
    problems.append(accessibility_problems(page))

    page.goto(f"{live_server.url}/housing/clients/{household.pk}/offers/")
    expect(page.locator("li.suggestion").first).to_contain_text("Voerder Straße 12")
    save_screenshot("offers-client-offers")
    problems.append(accessibility_problems(page))

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [problem for problem in problems if problem]
    assert not problems, "\n\n".join(problems)
