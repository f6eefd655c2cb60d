"""A social worker refers a client to the SpDi with the client's consent, uploads a PDF and downloads it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Document, Referral
from cases.services.clients import consent_record
from cooperation.models import Partner, PartnerKind
from hagen_zuhause.codes import ConsentScope
from hagen_zuhause.models import AccessLog, User
from tests.browser.conftest import DEMO_PASSWORD, accessibility_problems
from tests.builders import PDF_BYTES, make_client, make_partner


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def journey(demo_users):
    """The demo office with the SpDi (consent given), the debt counselling (no consent) and a client."""
    worker = User.objects.get(username="sozialarbeit")
    spdi = make_partner(demo_users, name="Sozialpsychiatrischer Dienst Hagen", kind=PartnerKind.HEALTH_OFFICE_SPDI)
    debt = make_partner(demo_users, name="Schuldnerberatung der Diakonie", kind=PartnerKind.WELFARE_ORG)
    client = make_client(worker, first_name="Ana", last_name="Popescu")
    consent = consent_record(
        client=client,
        actor=worker,
        scope=ConsentScope.REFERRAL,
        partner=spdi,
        given_on=timezone.localdate() - timedelta(days=14),
        expires_on=timezone.localdate() + timedelta(days=351),
    )
    return {"worker": worker, "spdi": spdi, "debt": debt, "client": client, "consent": consent}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_refer_with_consent_upload_and_download(
    page, live_server, journey, media_root, save_screenshot, foreign_requests
):
    client, spdi, debt = journey["client"], journey["spdi"], journey["debt"]
    problems = []
    log_in(page, live_server, "sozialarbeit")

    # The referral form, before a partner is chosen: the valid consents are listed.
    page.goto(f"{live_server.url}/clients/{client.pk}/referrals/new/")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("An einen Dienst vermitteln")
    expect(main).to_contain_text("Einwilligungen dieser Person zu Vermittlungen, heute gültig")
    save_screenshot("referral-form")
    problems.append(accessibility_problems(page))

    # A partner without consent: htmx shows the warning and asks for a reason.
    main.get_by_label("Kooperationspartner").select_option(label="Schuldnerberatung der Diakonie (Wohlfahrtsverband)")
    status = main.locator("#consent-status")
    expect(status).to_contain_text("Keine gültige Einwilligung")
    expect(status.get_by_label(re.compile("Begründung"))).to_be_visible()
    save_screenshot("referral-form-without-consent")
    problems.append(accessibility_problems(page))

    # The SpDi: the consent is found and shown; no reason is needed.
    main.get_by_label("Kooperationspartner").select_option(str(spdi.pk))
    expect(status).to_contain_text("Gültige Einwilligung gefunden")
    expect(status).to_contain_text(f"erteilt am {journey['consent'].given_on:%d.%m.%Y}")
    expect(status.get_by_label(re.compile("Begründung"))).to_have_count(0)
    save_screenshot("referral-form-with-consent")
    problems.append(accessibility_problems(page))

    main.locator("#id_note").fill("Erstgespräch am Dienstag vereinbart.")
    main.get_by_role("button", name="Vermittlung speichern").click()

    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/#client-referrals$"))
    expect(page.get_by_role("status")).to_contain_text("mit der Einwilligung der Person gespeichert")
    referral = Referral.objects.get(client=client)
    assert (referral.partner, referral.consent) == (spdi, journey["consent"])
    assert not Referral.objects.filter(partner=debt).exists()
    referrals = page.locator("#client-referrals")
    expect(referrals).to_contain_text("Sozialpsychiatrischer Dienst Hagen")
    expect(referrals).to_contain_text("mit Einwilligung")

    # The SpDi accepts: record the outcome.
    referrals.get_by_role("link", name=re.compile("Ergebnis eintragen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ergebnis der Vermittlung")
    save_screenshot("referral-outcome")
    problems.append(accessibility_problems(page))
    main.get_by_label("angenommen").check()
    main.get_by_role("button", name="Ergebnis speichern").click()
    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/#client-referrals$"))
    expect(page.locator("#client-referrals")).to_contain_text(f"angenommen ({timezone.localdate():%d.%m.%Y})")
    referral.refresh_from_db()
    assert referral.outcome == "accepted"

    # Upload a PDF.
    page.locator("#client-documents").get_by_role("link", name="Dokument hochladen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokument hochladen")
    save_screenshot("document-upload")
    problems.append(accessibility_problems(page))
    main.get_by_label("Datei").set_input_files(
        files=[{"name": "Schweigepflichtentbindung SpDi.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    main.get_by_label("Art").select_option(label="Einwilligungserklärung")
    main.get_by_label("Beschreibung").fill("Unterschrieben am Empfang")
    main.get_by_role("button", name="Hochladen").click()

    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/#client-documents$"))
    documents = page.locator("#client-documents")
    expect(documents).to_contain_text("Schweigepflichtentbindung SpDi.pdf")
    save_screenshot("client-with-referral-and-document")
    problems.append(accessibility_problems(page))

    # Download it: an attachment with the original name and the same bytes, logged.
    with page.expect_download() as info:
        documents.get_by_role("link", name=re.compile("Herunterladen")).click()
    download = info.value
    assert download.suggested_filename == "Schweigepflichtentbindung SpDi.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read() == PDF_BYTES
    document = Document.objects.get(client=client)
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DOWNLOAD, object_type="cases.document", object_id=str(document.pk)
    ).exists()

    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
    problems = [problem for problem in problems if problem]
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_without_consent_the_reason_is_required_and_recorded(
    page, live_server, journey, media_root, save_screenshot, foreign_requests
):
    client, debt = journey["client"], journey["debt"]
    log_in(page, live_server, "sozialarbeit")
    page.goto(f"{live_server.url}/clients/{client.pk}/referrals/new/")
    main = page.locator("main")
    main.get_by_label("Kooperationspartner").select_option(str(debt.pk))
    expect(main.locator("#consent-status")).to_contain_text("Keine gültige Einwilligung")

    main.get_by_role("button", name="Vermittlung speichern").click()

    expect(main).to_contain_text("Bitte begründen Sie die Vermittlung ohne Einwilligung.")
    save_screenshot("referral-form-reason-missing")
    assert accessibility_problems(page) == ""
    assert not Referral.objects.exists()

    main.get_by_label(re.compile("Begründung")).fill("Räumung in zwei Tagen, Person erteilt Einwilligung mündlich.")
    main.get_by_role("button", name="Vermittlung speichern").click()

    expect(page).to_have_url(re.compile(rf"/clients/{client.pk}/#client-referrals$"))
    expect(page.get_by_role("alert").or_(page.get_by_role("status"))).to_contain_text("OHNE gültige Einwilligung")
    referral = Referral.objects.get()
    assert referral.consent is None
    assert referral.consent_override_reason.startswith("Räumung in zwei Tagen")
    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"


def test_verwaltung_adds_a_partner_in_the_admin(page, live_server, demo_users, save_screenshot, foreign_requests):
    log_in(page, live_server, "verwaltung")
    page.goto(f"{live_server.url}/admin/cooperation/partner/add/")
    page.get_by_label("Name:", exact=True).fill("Pflegeberatung der Stadt Hagen")
    page.get_by_label("Art:", exact=True).select_option(label="Pflegeberatung")
    page.get_by_label("Bulgarisch", exact=True).check()
    page.get_by_label("Rumänisch", exact=True).check()
    page.get_by_label("Türkisch", exact=True).check()
    save_screenshot("admin-partner-add")
    page.get_by_role("button", name="Speichern", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("Pflegeberatung der Stadt Hagen")
    save_screenshot("admin-partner-list")
    partner = Partner.objects.get(name="Pflegeberatung der Stadt Hagen")
    assert partner.organisation == demo_users
    assert partner.languages == ["bg", "ro", "tr"]
    assert foreign_requests == [], f"requests to other hosts than the live server: {foreign_requests}"
