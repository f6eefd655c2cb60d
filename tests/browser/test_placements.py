"""The placement journey in a real browser: a flat gets a suggestion, the social worker proposes the
household and records viewing, the landlord's acceptance, the lease and the move-in; the follow-up
tasks appear. Then the team's board and the senior shared flat."""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, Client
from cases.services.cases import case_open
from cases.services.clients import client_create
from demo.kdu import ensure_demo_kdu_table
from demo.senior_flat import ensure_demo_senior_flat
from hagen_zuhause.codes import CaseType, TargetGroup
from hagen_zuhause.models import User
from housing.models import Placement
from housing.services.offers import landlord_create, offer_create
from housing.services.placements import placement_propose
from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button").click()
    expect(page).to_have_url(f"{live_server.url}/")


def open_housing_page(page, name):
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Wohnraum").click()
    page.locator("nav.app-subnav").get_by_role("link", name=name, exact=True).click()


def household_and_flat(organisation):
    """A single man with an open provision case and a one-room flat in Mitte within the KdU limit."""
    worker = User.objects.get(username="sozialarbeit")
    office = User.objects.get(username="verwaltung")
    client = client_create(organisation=organisation, actor=worker, first_name="Dragan", last_name="Petrović")
    case_open(client=client, case_type=CaseType.PROVISION, actor=worker, opened_on=date(2026, 2, 2))
    landlord = landlord_create(organisation=organisation, actor=office, kind="municipal", name="ha.ge.we")
    offer = offer_create(
        organisation=organisation,
        actor=office,
        landlord=landlord,
        street="Lange Straße 7",
        postcode="58089",
        district="mitte",
        living_space=Decimal("38.5"),
        rooms=Decimal("1"),
        floor=2,
        cold_rent=Decimal("300.00"),
        service_costs=Decimal("80.00"),
        heating_costs=Decimal("55.00"),
    )
    return client, offer


def older_clients(organisation, count):
    worker = User.objects.get(username="sozialarbeit")
    names = ["Horst Weber", "Irmgard Scholz", "Günter Brandt", "Erika Lange", "Heinz Kühn", "Gisela Roth"]
    names += ["Manfred Vogel", "Ursula Krämer", "Werner Busch", "Helga Sommer"]
    for name in names[:count]:
        first, last = name.split()
        client_create(
            organisation=organisation,
            actor=worker,
            first_name=first,
            last_name=last,
            target_groups=[TargetGroup.SENIORS],
            target_groups_from=date(2025, 6, 1),
        )


def advance(page, step_value):
    form = page.locator("form.placement-advance-form")
    expect(form.locator("select[name=step]")).to_have_value(step_value)
    form.get_by_role("button", name="Schritt speichern").click()
    expect(page.locator("main > .alert-success")).to_be_visible()


def stalled_placement_and_open_flat(organisation, landlord):
    """Another household proposed three weeks ago without progress, and a flat nobody is proposed for."""
    worker = User.objects.get(username="sozialarbeit")
    other = client_create(organisation=organisation, actor=worker, first_name="Maria", last_name="Ionescu")
    case_open(client=other, case_type=CaseType.PROVISION, actor=worker, opened_on=date(2026, 1, 12))
    fields = {"postcode": "58135", "district": "haspe", "living_space": Decimal("61"), "rooms": Decimal("2")}
    waiting = offer_create(
        organisation=organisation,
        actor=worker,
        landlord=landlord,
        street="Voerder Straße 3",
        cold_rent=Decimal("390"),
        service_costs=Decimal("100"),
        **fields,
    )
    placement_propose(offer=waiting, client=other, actor=worker, on=timezone.localdate() - timedelta(days=21))
    offer_create(
        organisation=organisation,
        actor=worker,
        landlord=landlord,
        street="Enneper Straße 40",
        cold_rent=Decimal("410"),
        service_costs=Decimal("90"),
        **fields,
    )


def test_a_flat_is_placed_step_by_step_and_the_follow_ups_follow(
    page, live_server, demo_users, save_screenshot, foreign_requests
):
    ensure_demo_kdu_table(demo_users)
    client, offer = household_and_flat(demo_users)
    stalled_placement_and_open_flat(demo_users, offer.landlord)
    problems = []
    log_in(page, live_server, "sozialarbeit")

    # The board shows the new flat without a placement; its suitable households list Mr Petrović.
    open_housing_page(page, "Vermittlungen")
    expect(page.get_by_role("heading", level=1, name="Vermittlungen")).to_be_visible()
    open_offers = page.locator("section.board-column", has=page.locator("#column-open_offers"))
    expect(open_offers).to_contain_text("Lange Straße 7")
    expect(page.locator(".board-card-stalled")).to_contain_text("Maria Ionescu")
    expect(page.locator(".board-card-stalled")).to_contain_text("21 Tage in diesem Schritt")
    save_screenshot("placements-board-start")
    problems.append(accessibility_problems(page))
    open_offers.locator("article", has_text="Lange Straße 7").get_by_role("link", name="Passende Haushalte").click()
    expect(page).to_have_url(re.compile(rf"/housing/offers/{offer.pk}/matches/$"))
    suggestion = page.locator("li.suggestion", has_text="Dragan Petrović")
    suggestion.get_by_role("button", name=re.compile("^Vorschlagen")).click()

    # The placement page.
    placement = Placement.objects.get(client=client, offer=offer)
    expect(page).to_have_url(f"{live_server.url}/housing/placements/{placement.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("Der Haushalt wurde für die Wohnung vorgeschlagen.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dragan Petrović → Lange Straße 7")
    expect(main).to_contain_text("Offener Versorgungsfall seit 02.02.2026")
    expect(main.locator(".placement-steps li").first).to_contain_text("eingetragen von Sonja Albers")
    save_screenshot("placements-proposed")
    problems.append(accessibility_problems(page))

    # Viewing, landlord's acceptance, lease: the next step is preselected each time.
    page.locator("form.placement-advance-form [name=note]").fill("Besichtigung mit Dolmetscher")
    advance(page, "viewing")
    expect(main.locator(".placement-steps")).to_contain_text("Besichtigung mit Dolmetscher")
    # The "close the case" box belongs to the move-in only: hidden for the other steps (script).
    expect(page.locator(".placement-close-case")).to_be_hidden()
    advance(page, "landlord_accepted")
    advance(page, "lease_signed")
    expect(main).to_contain_text("die Wohnung ist vermietet")

    # Move-in: the box to close the case is shown and ticked.
    box = page.get_by_label(re.compile("Fall als „.*“ abschließen"))
    expect(box).to_be_visible()
    expect(box).to_be_checked()
    save_screenshot("placements-before-move-in")
    problems.append(accessibility_problems(page))
    advance(page, "moved_in")
    expect(main).to_contain_text(
        "Der Einzug ist eingetragen, die Nachbetreuung ist geplant und der Fall ist abgeschlossen."
    )
    expect(page.locator("form.placement-advance-form")).to_have_count(0)
    assert Case.objects.get(client=client).outcome == "placed_own_tenancy"

    # The follow-ups at 3, 6 and 12 months are on the page, each a task.
    follow_ups = main.locator('section[aria-labelledby="follow-ups-heading"] table tbody tr')
    expect(follow_ups).to_have_count(3)
    for row, months in zip(range(3), (3, 6, 12), strict=True):
        expect(follow_ups.nth(row)).to_contain_text(f"nach {months} Monaten")
        expect(follow_ups.nth(row)).to_contain_text("noch nicht beantwortet")
    save_screenshot("placements-moved-in")
    problems.append(accessibility_problems(page))

    tasks = page.goto(f"{live_server.url}/tasks/")
    if tasks.status == 200:  # the task list of case work
        expect(page.locator("main")).to_contain_text("Nachbetreuung 3 Monate nach Einzug")
        save_screenshot("placements-task-list")
    page.go_back()

    # The 3-month answer: the tenancy is held.
    follow_ups.nth(0).get_by_role("link", name=re.compile("Antwort erfassen")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Besteht das Mietverhältnis noch?")
    page.locator("input[name=result][value=held]").check()
    page.locator("[name=note]").fill("Hausbesuch, alles in Ordnung")
    save_screenshot("placements-follow-up")
    problems.append(accessibility_problems(page))
    page.get_by_role("button", name="Auskunft speichern").click()
    expect(page).to_have_url(f"{live_server.url}/housing/placements/{placement.pk}/")
    expect(main).to_contain_text("Die Auskunft zur Nachbetreuung ist eingetragen.")
    expect(follow_ups.nth(0)).to_contain_text("Hausbesuch, alles in Ordnung")
    expect(follow_ups.nth(0).locator(".follow-up-held")).to_be_visible()

    # The board: the household moved in; the flat is no longer open.
    open_housing_page(page, "Vermittlungen")
    moved_in = page.locator("section.board-column", has=page.locator("#column-moved_in"))
    expect(moved_in).to_contain_text("Dragan Petrović")
    expect(page.locator("section.board-column", has=page.locator("#column-open_offers"))).not_to_contain_text(
        "Lange Straße 7"
    )
    save_screenshot("placements-board")
    problems.append(accessibility_problems(page))

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [problem for problem in problems if problem]
    assert not problems, "\n\n".join(problems)


def test_the_senior_flat_overview_its_waiting_list_and_a_move_in(
    page, live_server, demo_users, save_screenshot, foreign_requests
):
    older_clients(demo_users, 10)
    ensure_demo_senior_flat(demo_users)
    problems = []
    log_in(page, live_server, "sozialarbeit")

    open_housing_page(page, "Senioren-WG")
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1, name="Senioren-WG")).to_be_visible()
    expect(main).to_contain_text("7 von 10 Plätzen geschaffen")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "7")
    expect(main).to_contain_text(re.compile(r"Auslastung in diesem Quartal\s*\d+,\d %"))
    expect(main).to_contain_text("Senioren-WG Wehringhausen")
    save_screenshot("senior-flat-overview")
    problems.append(accessibility_problems(page))

    # A tenth person goes on the waiting list ...
    page.get_by_role("link", name="Person auf die Warteliste setzen").click()
    helga = Client.objects.get(last_name="Sommer")
    page.get_by_label("Klient*in").select_option(label=f"Sommer, Helga ({helga.case_number})")
    page.get_by_label("Notiz").fill("Pflegegrad 3")
    save_screenshot("senior-flat-waiting-add")
    problems.append(accessibility_problems(page))
    page.get_by_role("button", name="Auf die Warteliste setzen").click()
    expect(main).to_contain_text("Helga Sommer steht auf der Warteliste.")

    # ... and moves into the free room 7 at once.
    page.get_by_role("link", name="Einzug eintragen (Zimmer 7)").click()
    page.get_by_label("Bewohner*in").select_option(label=f"Sommer, Helga ({helga.case_number})")
    save_screenshot("senior-flat-move-in")
    problems.append(accessibility_problems(page))
    page.get_by_role("button", name="Einzug eintragen").click()
    expect(main).to_contain_text("Helga Sommer ist als Bewohner*in von Zimmer 7 eingetragen.")
    waiting = main.locator("table", has=page.locator("th", has_text="Wartezeit"))
    expect(waiting).not_to_contain_text("Helga Sommer")
    expect(main).to_contain_text("Heute belegt")
    save_screenshot("senior-flat-after-move-in")
    problems.append(accessibility_problems(page))

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [problem for problem in problems if problem]
    assert not problems, "\n\n".join(problems)


def test_a_skipped_step_reads_skipped_with_its_reason_and_the_lease_signing_is_planned(
    page, live_server, demo_users, save_screenshot
):
    worker = User.objects.get(username="sozialarbeit")
    client, offer = household_and_flat(demo_users)
    placement = placement_propose(offer=offer, client=client, actor=worker)
    log_in(page, live_server, "sozialarbeit")
    page.goto(f"{live_server.url}/housing/placements/{placement.pk}/")

    form = page.locator("form.placement-advance-form")
    reason = form.locator(".placement-skip-reason")
    expect(reason).to_be_hidden()  # nothing is skipped with the next step
    form.locator("select[name=step]").select_option("landlord_accepted")
    expect(reason).to_be_visible()
    form.get_by_label("Warum wurden Schritte dazwischen übersprungen?").fill(
        "Wohnung aus dem Vorgespräch bekannt, keine Besichtigung gewünscht"
    )
    form.get_by_role("button", name="Schritt speichern").click()
    expect(page.locator("main > .alert-success")).to_be_visible()
    viewing = page.locator(".placement-steps > li").nth(1)
    expect(viewing).to_contain_text("übersprungen")
    expect(viewing).to_contain_text("Wohnung aus dem Vorgespräch bekannt, keine Besichtigung gewünscht")
    expect(page.locator(".placement-steps > li").nth(2)).to_contain_text("aktueller Schritt")

    signing_day = timezone.localdate() + timedelta(days=5)
    plan = page.locator("form.placement-plan-form")
    plan.get_by_label("Termin für").select_option("lease_signed")
    plan.locator("input[name=on]").fill(signing_day.isoformat())
    plan.locator("input[name=start_time]").fill("11:00")
    problems = accessibility_problems(page)
    plan.get_by_role("button", name="Termin planen").click()
    expect(page.locator("main > .alert-success")).to_contain_text(f"{signing_day:%d.%m.%Y} um 11:00 Uhr")
    expect(page.locator("#appointments")).to_contain_text("Mietvertragsunterzeichnung")
    save_screenshot("placement-skipped-step")
    assert not problems, problems
