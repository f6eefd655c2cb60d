"""The team lead checks a shipped template in the editor; a social worker writes a Romanian appointment letter
from the client page, previews it and creates it; the PDF appears in the client's documents."""

import os
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Document, LetterTemplate
from cases.services.letters import letter_templates_install
from hagen_zuhause.models import User
from tests.browser.conftest import accessibility_problems
from tests.browser.test_referrals import log_in
from tests.builders import make_appointment, make_client

#: Screenshots to look at besides the test artifacts (set LETTER_SHOTS to a folder).
EXTRA_SHOTS = os.environ.get("LETTER_SHOTS")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def _shot(page, save_screenshot, name):
    save_screenshot(name)
    if EXTRA_SHOTS:
        Path(EXTRA_SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(EXTRA_SHOTS) / f"{name}.png"), full_page=True)


def test_template_editor_and_writing_a_romanian_letter(
    page, live_server, demo_users, media_root, save_screenshot, foreign_requests
):
    letter_templates_install(organisation=demo_users)
    worker = User.objects.get(username="sozialarbeit")
    client = make_client(worker, first_name="Ioana", last_name="Ștefănescu", languages=["ro"])
    make_appointment(
        client,
        worker,
        day=timezone.localdate() + timedelta(days=3),
        start=time(10, 30),
        place="Rathausstraße 11, Zimmer 204",
    )
    template = LetterTemplate.objects.get(organisation=demo_users, shipped_key="appointment")
    problems = []

    log_in(page, live_server, "teamleitung")
    page.goto(f"{live_server.url}/letters/templates/{template.pk}/edit/")
    expect(page.get_by_text("Vorlage – vor Verwendung von der Stadt zu prüfen").first).to_be_visible()
    _shot(page, save_screenshot, "letter-template-editor")
    problems.append(accessibility_problems(page))
    page.get_by_label("Betreff").fill("Ihr Termin am {{ appointment.date }} {{ client.iban }}")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Unbekannte Platzhalter: {{ client.iban }}")).to_be_visible()
    page.get_by_label("Betreff").fill("Ihr Termin am {{ appointment.date }}")
    page.get_by_label("Von der Stadt geprüft").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Briefvorlage wurde gespeichert.")).to_be_visible()
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, live_server, "sozialarbeit")
    page.goto(f"{live_server.url}/clients/{client.pk}/")
    page.get_by_role("link", name="Schreiben erstellen").click()
    page.get_by_label("Briefvorlage").select_option(label="Terminbrief")
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_label("Sprache des Schreibens")).to_have_value("ro")
    page.get_by_role("button", name="Vorschau").click()
    expect(page.get_by_text("Traducere în limba română")).to_be_visible()
    expect(page.get_by_text("Bună ziua, Ioana Ștefănescu,")).to_be_visible()
    _shot(page, save_screenshot, "letter-create-preview")
    problems.append(accessibility_problems(page))
    page.get_by_role("button", name="Schreiben erstellen").click()
    expect(page.get_by_text("Das Schreiben wurde erstellt")).to_be_visible()
    document = Document.objects.get(client=client)
    expect(page.locator("#client-documents")).to_contain_text(document.original_name)
    assert [problem for problem in problems if problem] == []
    assert foreign_requests == []
