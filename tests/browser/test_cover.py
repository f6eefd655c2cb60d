"""Cover during absence: a worker names a deputy; the deputy's start page, client list and task list show
the absent worker's restricted client and task; back early, the worker ends the cover and the client is
gone again for the deputy."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from hagen_zuhause.models import User
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems
from tests.browser.test_placements import log_in
from tests.builders import make_client, make_task


def test_cover_during_absence(page, browser, live_server, demo_users, save_screenshot):
    worker = User.objects.get(username="sozialarbeit")
    user_create(
        organisation=demo_users,
        username="vertretung",
        role=Role.SOCIAL_WORKER,
        password=DEMO_PASSWORD,
        first_name="Deniz",
        last_name="Kaya",
    )
    hidden = make_client(worker, first_name="Георги", last_name="Иванов", restricted=True)
    make_task(hidden, worker, title="Schonfrist prüfen", due_on=timezone.localdate())
    until = timezone.localdate() + timedelta(days=14)

    log_in(page, live_server, "sozialarbeit")
    page.goto(f"{live_server.url}/cover/")
    page.locator("select[name=deputy]").select_option(label="Deniz Kaya")
    page.locator("input[name=ends_on]").fill(until.isoformat())
    problems = accessibility_problems(page)
    page.get_by_role("button", name="Vertretung eintragen").click()
    assert not problems, problems
    expect(page.locator(".alert-success")).to_contain_text(f"Deniz Kaya vertritt {worker} vom")
    expect(page.locator("table")).to_contain_text("läuft")
    save_screenshot("cover-page")

    deputy = browser.new_page(locale="de-DE", timezone_id="Europe/Berlin")
    log_in(deputy, live_server, "vertretung")
    expect(deputy.locator("main")).to_contain_text(f"Sie vertreten {worker} bis {until:%d.%m.%Y}")
    expect(deputy.locator("main")).to_contain_text("Schonfrist prüfen")
    save_screenshot("cover-start-page-deputy", target=deputy)
    deputy.goto(f"{live_server.url}/clients/")
    expect(deputy.locator("table")).to_contain_text("Иванов, Георги")
    expect(deputy.locator("table")).to_contain_text("(Georgi Ivanov)")
    save_screenshot("cover-client-list-deputy", target=deputy)
    deputy.goto(f"{live_server.url}/tasks/")
    expect(deputy.locator("table")).to_contain_text(f"Vertretung für {worker}")
    save_screenshot("cover-task-list-deputy", target=deputy)
    assert deputy.goto(f"{live_server.url}/clients/{hidden.pk}/").status == 200

    page.goto(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text(f"Deniz Kaya vertritt Sie bis {until:%d.%m.%Y}")
    save_screenshot("cover-start-page-absent")
    page.get_by_role("button", name=re.compile("Ich bin zurück")).click()
    expect(page.locator(".alert-success")).to_contain_text("Die Vertretung durch Deniz Kaya ist beendet.")
    assert deputy.goto(f"{live_server.url}/clients/{hidden.pk}/").status == 404
    deputy.close()
