"""A social worker's day with a client: open the file, record a contact, set and finish a task."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Contact, Task
from cases.services.clients import target_group_join
from hagen_zuhause.codes import CaseType, ContactType, NoticeKind, TargetGroup
from hagen_zuhause.models import User
from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems
from tests.builders import make_case, make_client, make_contact, make_notice, make_stay, make_task


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button").click()
    expect(page).to_have_url(f"{live_server.url}/")


@pytest.fixture
def client_file(demo_users):
    """A client of the demo social worker with the usual history of a prevention case."""
    worker = User.objects.get(username="sozialarbeit")
    today = timezone.localdate()
    client = make_client(
        worker,
        first_name="Georgi",
        last_name="Ivanov",
        birth_date=today.replace(year=today.year - 58) - timedelta(days=40),
        phone="02331 123456",
        health_notes="Diabetes Typ 2, Insulin",
    )
    target_group_join(client=client, group=TargetGroup.EU2, start=today - timedelta(days=120))
    make_case(
        client,
        worker,
        case_type=CaseType.PREVENTION,
        opened_on=today - timedelta(days=90),
        housing_situation="threatened",
        bagw_situation="own_tenancy",
    )
    make_stay(
        client,
        worker,
        start=today - timedelta(days=400),
        end=today - timedelta(days=200),
        provider_name="Notunterkunft Eilpe",
    )
    make_notice(
        client,
        worker,
        kind=NoticeKind.NOTICE_TO_QUIT,
        received_on=today - timedelta(days=500),
        schonfrist_used_on=today - timedelta(days=420),
        landlord_name="HGW Hagen",
    )
    make_notice(
        client,
        worker,
        kind=NoticeKind.EVICTION_SUIT,
        received_on=today - timedelta(days=4),
        served_on=today - timedelta(days=6),
        court_file_number="12 C 345/26",
        landlord_name="HGW Hagen",
        monthly_rent="480.50",
        arrears="1441.50",
        hearing_on=today + timedelta(days=35),
    )
    make_task(client, worker, title="Antrag Mietschuldenübernahme beim Jobcenter", due_on=today - timedelta(days=1))
    for days, kind, note in [
        (20, ContactType.OFFICE, "Erstgespräch mit Dolmetscherin, Kündigung und Mietrückstand besprochen."),
        (12, ContactType.PHONE, "Rückruf Vermieter: Ratenzahlung möglich, wenn Jobcenter zusagt."),
        (5, ContactType.HOME_VISIT, "Hausbesuch, Unterlagen für den Antrag zusammengestellt."),
    ]:
        make_contact(
            client, worker, day=today - timedelta(days=days), contact_type=kind, note=note, duration_minutes=45
        )
    return client


def test_social_worker_records_a_contact_and_works_through_a_task(
    page, live_server, client_file, save_screenshot, foreign_requests
):
    problems = []
    page.set_viewport_size({"width": 1440, "height": 1000})
    log_in(page, live_server, "sozialarbeit")

    # The start page lists the client and the overdue task.
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Meine Klient*innen")).to_be_visible()
    my_clients = main.locator("section", has=page.get_by_role("heading", name="Meine Klient*innen"))
    expect(my_clients.get_by_role("link", name="Georgi Ivanov")).to_be_visible()
    expect(main).to_contain_text("Antrag Mietschuldenübernahme beim Jobcenter")
    save_screenshot("casework-dashboard")
    problems.append(accessibility_problems(page))

    # Open the client.
    my_clients.get_by_role("link", name="Georgi Ivanov").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Georgi Ivanov")
    expect(main).to_contain_text(client_file.case_number)
    expect(main).to_contain_text("Die Schonfrist kann nicht erneut genutzt werden")
    expect(main).not_to_contain_text("Diabetes")

    # Health notes on request (htmx fragment).
    main.get_by_role("link", name="Gesundheitsangaben anzeigen").click()
    expect(page.locator("#health-notes")).to_contain_text("Diabetes Typ 2")

    # Quick entry: the usual case is two clicks (kind of contact, save).
    quick = page.locator("#contact-quick-form")
    quick.get_by_label("Telefon").check()
    quick.get_by_label("Notiz").fill("Jobcenter sagt Übernahme als Darlehen zu.")
    quick.get_by_role("button", name="Kontakt speichern").click()
    expect(page.locator("#contact-quick-form")).to_contain_text("Der Kontakt wurde gespeichert.")
    expect(page.locator("#contact-timeline")).to_contain_text("Jobcenter sagt Übernahme als Darlehen zu.")
    expect(page.locator("#contact-quick-form").get_by_label("Notiz")).to_have_value("")
    assert Contact.objects.filter(client=client_file, note__startswith="Jobcenter sagt").count() == 1
    save_screenshot("casework-client-page")
    problems.append(accessibility_problems(page))

    # A new task for next week.
    page.locator("#tasks").get_by_role("link", name="Neue Wiedervorlage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Neue Wiedervorlage")
    page.get_by_label("Titel").fill("Bescheid des Jobcenters abheften")
    page.get_by_label("Fällig am").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Speichern").click()
    expect(page).to_have_url(re.compile(rf"/clients/{client_file.pk}/#tasks$"))
    expect(page.locator("#tasks")).to_contain_text("Bescheid des Jobcenters abheften")

    # The notice with its deadlines, and the change history of the file.
    page.locator("#notices").get_by_role("link", name=re.compile("^Bearbeiten")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schreiben bearbeiten")
    expect(page.locator("main")).to_contain_text("Die Schonfrist kann nicht erneut genutzt werden")
    save_screenshot("casework-notice-form")
    problems.append(accessibility_problems(page))
    page.goto(f"{live_server.url}/clients/{client_file.pk}/history/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Änderungsverlauf")
    expect(page.locator("main")).to_contain_text("Jobcenter sagt Übernahme als Darlehen zu.")
    save_screenshot("casework-client-history")
    problems.append(accessibility_problems(page))

    # Finish the overdue task from the task list.
    page.get_by_role("link", name="Wiedervorlagen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wiedervorlagen")
    row = page.get_by_role("row").filter(has_text="Antrag Mietschuldenübernahme")
    expect(row).to_contain_text("überfällig")
    save_screenshot("casework-task-list")
    problems.append(accessibility_problems(page))
    row.get_by_role("button", name=re.compile("^Erledigt")).click()
    expect(page.locator("main")).to_contain_text("ist erledigt")
    expect(page.get_by_role("row").filter(has_text="Antrag Mietschuldenübernahme")).to_have_count(0)
    assert Task.objects.get(title="Antrag Mietschuldenübernahme beim Jobcenter").is_done

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [problem for problem in problems if problem]
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_quick_entry_works_without_javascript(browser, live_server, client_file, save_screenshot):
    context = browser.new_context(java_script_enabled=False, locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    try:
        log_in(page, live_server, "sozialarbeit")
        page.goto(f"{live_server.url}/clients/{client_file.pk}/")
        quick = page.locator("#contact-quick-form")
        quick.get_by_label("Begleitung").check()
        quick.get_by_label("Notiz").fill("Zum Amtsgericht begleitet.")
        quick.get_by_role("button", name="Kontakt speichern").click()
        expect(page).to_have_url(re.compile(rf"/clients/{client_file.pk}/#contacts$"))
        expect(page.locator("main")).to_contain_text("Der Kontakt wurde gespeichert.")
        expect(page.locator("#contact-timeline")).to_contain_text("Zum Amtsgericht begleitet.")

        page.get_by_role("link", name="Gesundheitsangaben anzeigen").click()
        expect(page.locator("#health-notes")).to_contain_text("Diabetes Typ 2")
    finally:
        context.close()
