"""Plan a viewing for next Thursday, find it in the week view, on the client page and in the calendar
subscription fetched over HTTP without a session — with the case number, never the name or address."""

import re
import urllib.request
from datetime import time, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Appointment
from cases.services.clients import client_create
from cases.services.restriction import processing_restrict
from hagen_zuhause.models import User
from housing.services.placements import placement_propose
from tests.browser.conftest import accessibility_problems
from tests.browser.test_placements import household_and_flat, log_in
from tests.builders import make_appointment


def _next_thursday():
    today = timezone.localdate()
    return today + timedelta(days=(3 - today.weekday()) % 7 or 7)


def test_plan_a_viewing_and_see_it_in_the_week_and_the_feed(page, live_server, demo_users, save_screenshot):
    worker = User.objects.get(username="sozialarbeit")
    client, offer = household_and_flat(demo_users)
    placement = placement_propose(offer=offer, client=client, actor=worker)
    thursday = _next_thursday()

    log_in(page, live_server, "sozialarbeit")
    page.goto(f"{live_server.url}/housing/placements/{placement.pk}/")
    form = page.locator("form.placement-plan-form")
    expect(form.get_by_label("Termin für")).to_have_value("viewing")
    form.locator("input[name=on]").fill(thursday.isoformat())
    form.locator("input[name=start_time]").fill("10:00")
    form.locator("input[name=end_time]").fill("10:45")
    problems = accessibility_problems(page)  # the new form's fields are labelled
    form.get_by_role("button", name="Termin planen").click()
    assert not problems, problems
    expect(page.locator(".alert-success")).to_contain_text(f"{thursday:%d.%m.%Y} um 10:00 Uhr")
    assert Appointment.objects.filter(placement=placement, date=thursday).exists()
    expect(page.locator("#appointments")).to_contain_text("10:00–10:45")
    save_screenshot("calendar-placement-viewing")

    # An office appointment today: highlighted in this week and on the start page.
    make_appointment(client, worker, day=timezone.localdate(), start=time(9, 15), place="Büro 2.14")
    page.goto(f"{live_server.url}/")
    expect(
        page.locator("section", has=page.get_by_role("heading", name=re.compile("Meine Termine heute")))
    ).to_contain_text("09:15")
    save_screenshot("calendar-start-page")
    page.goto(f"{live_server.url}/calendar/")
    expect(page.locator("li[aria-current=date]")).to_contain_text("09:15")
    save_screenshot("calendar-this-week")

    # The week view: the viewing on Thursday, the navigation by week.
    page.goto(f"{live_server.url}/calendar/?week={thursday.isoformat()}")
    day = page.locator("li.card", has=page.locator(f"time[datetime='{thursday.isoformat()}']"))
    expect(day).to_contain_text("10:00–10:45")
    expect(day).to_contain_text("Wohnungsbesichtigung")
    expect(day).to_contain_text(client.case_number)
    problems = accessibility_problems(page)
    save_screenshot("calendar-week")
    assert not problems, problems
    page.get_by_role("link", name="Vorige Woche").click()
    expect(page.locator(f"time[datetime='{thursday.isoformat()}']")).to_have_count(0)

    # The client page lists the planned appointment.
    page.goto(f"{live_server.url}/clients/{client.pk}/")
    appointments = page.locator("#appointments")
    expect(appointments).to_contain_text("Wohnungsbesichtigung")
    expect(appointments).to_contain_text(f"{thursday:%d.%m.%Y}, 10:00–10:45")
    save_screenshot("calendar-client-page")

    # The subscription: made on the calendar page, fetched without a session.
    page.goto(f"{live_server.url}/calendar/")
    page.get_by_role("button", name="Abonnement-Adresse erstellen").click()
    feed_url = page.get_by_label("Abonnement-Adresse").input_value()
    save_screenshot("calendar-feed-address")
    assert feed_url.startswith(f"{live_server.url}/calendar/feed/") and feed_url.endswith(".ics")
    with urllib.request.urlopen(feed_url) as response:  # no cookie: a calendar client
        assert response.headers["Content-Type"].startswith("text/calendar")
        body = response.read().decode()
    assert "BEGIN:VEVENT" in body
    assert f"SUMMARY:{client.case_number} · Wohnungsbesichtigung" in body
    for secret in ("Dragan", "Petrović", "Petrovic", "Lange Stra"):
        assert secret not in body

    # The team lead's week of the whole team names whose appointment each is.
    page.context.clear_cookies()
    log_in(page, live_server, "teamleitung")
    page.goto(f"{live_server.url}/calendar/")
    page.get_by_label("Wessen Woche").select_option(label="Ganzes Team")
    page.get_by_role("button", name="Anzeigen").click()
    today = page.locator("li[aria-current=date]")
    expect(today).to_contain_text("09:15")
    expect(today).to_contain_text("Sonja Albers")
    save_screenshot("calendar-team-week")


def test_the_week_shows_the_latin_spelling_and_marks_a_read_only_file(page, live_server, demo_users, save_screenshot):
    worker = User.objects.get(username="sozialarbeit")
    lead = User.objects.get(username="teamleitung")
    bulgarian = client_create(organisation=demo_users, actor=worker, first_name="Георги", last_name="Иванов")
    make_appointment(bulgarian, worker, day=timezone.localdate(), start=time(9, 0))
    contested = client_create(organisation=demo_users, actor=worker, first_name="Mira", last_name="Einspruch")
    make_appointment(contested, worker, day=timezone.localdate(), start=time(14, 0))
    processing_restrict(client=contested, actor=lead, reason="Richtigkeit bestritten")

    log_in(page, live_server, "sozialarbeit")
    page.goto(f"{live_server.url}/calendar/")
    today = page.locator("li[aria-current=date]")
    expect(today).to_contain_text("Георги Иванов")
    expect(today.locator("[lang=und-Latn]")).to_have_text("(Georgi Ivanov)")
    row = today.locator("li", has_text="Mira Einspruch")
    expect(row.locator(".read-only-client")).to_have_text("nur lesbar")
    expect(row.get_by_role("link", name=re.compile("^Bearbeiten"))).to_have_count(0)
    problems = accessibility_problems(page)
    save_screenshot("calendar-week-latin-and-read-only")
    assert not problems, problems
