"""Cooperation in a real browser: the team lead records an agreement with a review date and a flat
quota; a social worker looks for Bulgarian speakers in the help network and records a group offer
with linked participants."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Task
from cooperation.models import Agreement, GroupOffer, PartnerKind
from cooperation.tests.factories_coop import linked_landlord, make_partner, move_in
from hagen_zuhause.codes import TaskKind
from hagen_zuhause.models import User
from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems
from tests.builders import make_client

TODAY = timezone.localdate()


@pytest.fixture
def network(demo_users):
    """The demo office's help network: a housing company with one move-in this year, and advice centres."""
    team_lead = User.objects.get(username="teamleitung")
    worker = User.objects.get(username="sozialarbeit")
    admin = User.objects.get(username="verwaltung")
    housing_company = make_partner(
        team_lead,
        name="ha.ge.we Hagener Gemeinnützige Wohnungsgesellschaft",
        kind=PartnerKind.HOUSING_COMPANY,
        contact_person="Frau Berger",
        phone="02331 3809-0",
        services="Wohnungen im Stadtgebiet, auch für Haushalte mit Mietschulden nach Klärung",
        target_groups=["eu2", "seniors"],
    )
    move_in(worker, linked_landlord(housing_company, admin), TODAY)
    make_partner(
        team_lead,
        name="Caritas Migrationsdienst",
        services="Sozialberatung für Zugewanderte, Begleitung zu Behörden",
        languages=["bg", "rom", "de"],
        target_groups=["eu2"],
        contact_hours="Di und Do 9–12 Uhr",
    )
    make_partner(
        team_lead,
        name="Diakonie Schuldnerberatung",
        services="Schuldner- und Insolvenzberatung",
        languages=["ro", "de"],
        target_groups=["eu2", "women"],
    )
    make_partner(
        team_lead,
        name="Seniorenberatung der Stadt",
        kind=PartnerKind.CARE_COUNSELLING,
        services="Pflegeberatung, Hilfe bei Anträgen auf Pflegegrad",
        languages=["de", "tr"],
        target_groups=["seniors"],
    )
    clients = [
        make_client(worker, first_name="Mariana", last_name="Popescu"),
        make_client(worker, first_name="Desislava", last_name="Petrova"),
    ]
    return {"housing_company": housing_company, "team_lead": team_lead, "clients": clients}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button").click()
    expect(page).to_have_url(f"{live_server.url}/")


def log_out(page):
    page.get_by_role("button", name="Abmelden").click()


def test_team_lead_records_an_agreement_with_review_date_and_quota(
    page, live_server, network, save_screenshot, foreign_requests
):
    problems = []
    review = TODAY + timedelta(days=120)
    log_in(page, live_server, "teamleitung")

    # The section of the top bar, then its page "Vereinbarungen" in the second bar.
    page.locator(".app-navbar a[href='/cooperation/partners/']").click()
    page.locator(".app-subnav").get_by_role("link", name="Vereinbarungen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kooperationsvereinbarungen")
    page.get_by_role("link", name="Neue Vereinbarung").click()
    main = page.locator("main")
    main.get_by_label("Kooperationspartner").select_option(str(network["housing_company"].pk))
    main.get_by_label("Gegenstand").fill("Jährliches Wohnungskontingent für wohnungslose Haushalte")
    main.get_by_label("Unionsbürger*innen aus Bulgarien und Rumänien").check()
    # A signed agreement without its dates: the form explains in German and saves nothing.
    main.locator("input[name=status][value=signed]").check()
    main.get_by_label("Wohnungen pro Jahr").fill("10")
    main.get_by_label("Überprüfung am").fill(review.isoformat())
    main.get_by_role("button", name="Speichern").click()
    expect(main).to_contain_text(
        "Für eine unterzeichnete Vereinbarung geben Sie bitte das Datum der Unterzeichnung an."
    )
    assert not Agreement.objects.exists()
    save_screenshot("cooperation-agreement-form-errors")
    problems.append(accessibility_problems(page))

    main.get_by_label("Unterzeichnet am").fill(date(TODAY.year, 1, 15).isoformat())
    main.get_by_label("Gültig ab").fill(date(TODAY.year, 1, 1).isoformat())
    main.get_by_role("button", name="Speichern").click()

    agreement = Agreement.objects.get()
    expect(page).to_have_url(f"{live_server.url}/cooperation/agreements/{agreement.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(agreement.subject)
    expect(main).to_contain_text(f"1 von 10 Wohnungen {TODAY.year}")
    expect(main).to_contain_text(f"Überprüfung am {review:%d.%m.%Y}.")
    title = f"Kooperationsvereinbarung überprüfen: {agreement.subject} (Vereinbarung #{agreement.pk})"
    expect(main.locator(".review-task")).to_contain_text(title)
    expect(page.locator(".alert-info")).to_contain_text(f"am {review:%d.%m.%Y} für Thomas Lehmann fällig")
    task = Task.objects.get(kind=TaskKind.REVIEW)
    assert (task.title, task.due_on, task.assignee) == (title, review, network["team_lead"])
    save_screenshot("cooperation-agreement-detail")
    problems.append(accessibility_problems(page))

    # The review task in the task list, where the task pages exist.
    response = page.goto(f"{live_server.url}/tasks/")
    if response.status == 200:
        expect(page.locator("main")).to_contain_text(title)
        save_screenshot("cooperation-review-task-in-task-list")

    page.goto(f"{live_server.url}/cooperation/agreements/")
    expect(page.locator("main table")).to_contain_text("1 von 10 Wohnungen")
    save_screenshot("cooperation-agreement-list")
    problems.append(accessibility_problems(page))

    # The partner's page lists the agreement; the team lead adds a language the partner speaks.
    page.goto(f"{live_server.url}/cooperation/partners/{network['housing_company'].pk}/")
    expect(main).to_contain_text(agreement.subject)
    page.get_by_role("link", name="Bearbeiten").click()
    main.get_by_label("Rumänisch").check()
    save_screenshot("cooperation-partner-form")
    problems.append(accessibility_problems(page))
    main.get_by_role("button", name="Speichern").click()
    expect(page.locator(".alert-success")).to_contain_text("Der Kooperationspartner wurde gespeichert.")
    expect(main).to_contain_text("Rumänisch")

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [p for p in problems if p]
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_social_worker_finds_bulgarian_speakers_and_records_a_group_offer(
    page, live_server, network, save_screenshot, foreign_requests
):
    problems = []
    log_in(page, live_server, "sozialarbeit")

    page.locator(".app-navbar a[href='/cooperation/partners/']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hilfenetz")
    expect(page.locator(".app-subnav")).to_contain_text("Gruppenangebote")
    main = page.locator("main")
    expect(main.locator("table tbody tr")).to_have_count(4)
    save_screenshot("cooperation-help-network")
    problems.append(accessibility_problems(page))

    main.get_by_label("Spricht eine der Sprachen").select_option("bg")
    main.get_by_role("button", name="Suchen").click()
    rows = main.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Caritas Migrationsdienst")
    expect(rows.first).to_contain_text("Bulgarisch, Deutsch, Romani")
    expect(main).to_contain_text("1 Kooperationspartner gefunden.")
    save_screenshot("cooperation-help-network-bulgarian")
    problems.append(accessibility_problems(page))

    main.get_by_role("link", name="EU-2: spricht Bulgarisch, Rumänisch oder Romani").click()
    expect(rows).to_have_count(2)
    expect(main.locator("table")).to_contain_text("Diakonie Schuldnerberatung")
    expect(main.get_by_label("Zielgruppe")).to_have_value("eu2")

    main.get_by_role("link", name="Caritas Migrationsdienst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caritas Migrationsdienst")
    expect(main).to_contain_text("Di und Do 9–12 Uhr")
    expect(main).to_contain_text(f"Vermittlungen {TODAY.year}")
    save_screenshot("cooperation-partner-detail")
    problems.append(accessibility_problems(page))

    # A group offer with linked participants: search (htmx), tick, save.
    page.goto(f"{live_server.url}/cooperation/group-offers/new/")
    main.get_by_label("Titel").fill("Frauenfrühstück")
    main.get_by_label("Zielgruppe").select_option("women")
    expect(main.get_by_label("Zahl der Teilnehmenden")).to_be_visible()
    main.get_by_label("namentlich", exact=False).check()
    expect(main.get_by_label("Zahl der Teilnehmenden")).to_be_hidden()
    main.get_by_label("Klient*innen suchen").fill("Popescu")
    main.get_by_role("button", name="Suchen", exact=True).click()
    popescu = main.get_by_label("Popescu, Mariana", exact=False)
    expect(popescu).to_be_visible()
    popescu.check()
    main.get_by_label("Klient*innen suchen").fill("Petrova")
    main.get_by_role("button", name="Suchen", exact=True).click()
    expect(main.get_by_label("Popescu, Mariana", exact=False)).to_be_checked()
    main.get_by_label("Petrova, Desislava", exact=False).check()
    expect(main.get_by_label("Titel")).to_have_value("Frauenfrühstück")
    save_screenshot("cooperation-group-offer-form")
    problems.append(accessibility_problems(page))
    main.get_by_role("button", name="Speichern").click()

    expect(page).to_have_url(f"{live_server.url}/cooperation/group-offers/")
    offer = GroupOffer.objects.get()
    assert set(offer.participants.all()) == set(network["clients"])
    assert offer.participant_count is None
    expect(main.locator(".group-offer-participants")).to_have_text("2")
    expect(main.locator("table")).to_contain_text("namentlich")
    save_screenshot("cooperation-group-offers")
    problems.append(accessibility_problems(page))

    # Pressing Enter in the title saves (it does not start a participant search).
    page.goto(f"{live_server.url}/cooperation/group-offers/new/")
    main.get_by_label("Zahl der Teilnehmenden").fill("9")
    main.get_by_label("Titel").fill("Gesundheitssprechstunde")
    main.get_by_label("Titel").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/cooperation/group-offers/")
    expect(main.locator(".group-offer-participants")).to_have_text("11")

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [p for p in problems if p]
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)
