"""Letters: safe placeholders, the team lead's templates, the translation by the client's language, the PDF
saved as a document of the client (its text extracted and read), double submit and scoping."""

import importlib
import subprocess
from datetime import date, time
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from cases.letter_placeholders import fill, needed_groups, unknown_placeholders
from cases.models import Document, HouseholdMember, Letter, LetterTemplate
from cases.services.letters import (
    Choices,
    letter_compose,
    letter_create,
    letter_template_save,
    letter_templates_install,
    suggested_language,
)
from hagen_zuhause.codes import DocumentKind
from hagen_zuhause.locking import record_version
from hagen_zuhause.models import AccessLog
from housing.models import LandlordKind
from housing.services.offers import landlord_create, offer_create
from tests.builders import make_appointment, make_client, make_notice, make_partner

DRAFT_MARK = "Vorlage – vor Verwendung von der Stadt zu prüfen"


def pdf_text(document):
    """The text of a stored PDF document as a reader sees it (pdftotext from poppler-utils), lines joined."""
    with document.file.open("rb") as handle:
        data = handle.read()
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def shipped(organisation, key):
    letter_templates_install(organisation=organisation)
    return LetterTemplate.objects.get(organisation=organisation, shipped_key=key)


@pytest.fixture
def letterhead(organisation):
    organisation.city = "Hagen"
    organisation.address = "Rathausstraße 11\n58095 Hagen"
    organisation.phone = "02331 207-0"
    organisation.email = "wohnen@stadt-hagen.example"
    organisation.save()
    return organisation


# --- Placeholders -------------------------------------------------------------------------


def test_known_placeholders_pass_and_unknown_ones_are_named():
    text = "Guten Tag {{ client.name }}, {{client.case_number}} – {{ client.birthday }} {{ settings.SECRET_KEY }}"
    assert unknown_placeholders(text) == ["{{ client.birthday }}", "{{ settings.SECRET_KEY }}"]
    assert unknown_placeholders("Guten Tag {{ client.name }},\nIhr Termin: {{ appointment.date }}") == []


def test_template_code_and_stray_braces_are_refused():
    assert unknown_placeholders("{% load static %}{{ client.name|upper }}") == [
        "{{ client.name|upper }}",
        "{%",
        "%}",
    ]
    assert unknown_placeholders("Guten Tag {{ client.name") == ["{{"]


def test_filling_inserts_plain_values_and_a_line_for_empty_ones():
    values = {"client.name": "{{ date }} <b>Ana</b>", "appointment.place": ""}
    text = fill("An {{ client.name }} in {{ appointment.place }}", values)
    # The value is inserted once, as text: a name that looks like a placeholder stays as it is.
    assert text == "An {{ date }} <b>Ana</b> in ________"


def test_the_records_a_letter_needs_follow_from_its_placeholders():
    assert needed_groups("{{ offer.address }} {{ appointment.date }} {{ client.name }}") == ["appointment", "offer"]


# --- Templates ----------------------------------------------------------------------------


def test_saving_a_template_with_unknown_placeholders_is_refused_naming_them(team_lead):
    template = LetterTemplate(
        title="Mahnung",
        address_block="{{ client.name }}",
        subject="Ihr Konto {{ client.iban }}",
        body_de="Guten Tag {{ client.name }}, {% if x %}",
    )
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        letter_template_save(template=template, actor=team_lead, confirmed=False)
    errors = refused.value.message_dict
    assert "{{ client.iban }}" in errors["subject"][0]
    assert "Unbekannte Platzhalter" in errors["subject"][0]
    assert "{%" in errors["body_de"][0]
    assert not LetterTemplate.objects.exists()


def test_the_template_editor_shows_the_refusal_in_german(team_lead, client_of):
    browser = client_of(team_lead)
    response = browser.post(
        reverse("cases:letter_template_create"),
        {
            "title": "Einladung",
            "client_facing": "on",
            "active": "on",
            "address_block": "{{ client.name }}",
            "subject": "Einladung",
            "body_de": "Guten Tag {{ kunde.name }}",
        },
    )
    assert response.status_code == 200
    assert "Unbekannte Platzhalter: {{ kunde.name }}" in response.text
    assert not LetterTemplate.objects.exists()


def test_a_team_lead_creates_a_template_once_even_when_sent_twice(team_lead, client_of):
    browser = client_of(team_lead)
    data = {
        "title": "Einladung",
        "client_facing": "on",
        "active": "on",
        "address_block": "{{ client.name }}\n{{ client.address }}",
        "subject": "Einladung",
        "body_de": "Guten Tag {{ client.name }}",
        "body_ro": "Bună ziua, {{ client.name }}",
        "submit_token": browser.get(reverse("cases:letter_template_create")).context["submit_token"],
    }
    for _attempt in range(2):
        response = browser.post(reverse("cases:letter_template_create"), data)
        assert response.status_code == 302
    template = LetterTemplate.objects.get()
    assert template.organisation == team_lead.organisation
    assert template.translation_languages == ["ro"]
    assert not template.is_confirmed


def test_an_edit_over_a_newer_state_is_refused(team_lead, client_of):
    template = shipped(team_lead.organisation, "appointment")
    version = record_version(template)
    letter_template_save(template=template, actor=team_lead, confirmed=True, version=version)
    browser = client_of(team_lead)
    response = browser.post(
        reverse("cases:letter_template_edit", args=[template.pk]),
        {
            "title": "Terminbrief (neu)",
            "client_facing": "on",
            "active": "on",
            "address_block": template.address_block,
            "subject": template.subject,
            "body_de": template.body_de,
            "version": version,
        },
    )
    assert response.status_code == 200
    assert "Jemand anderes hat diesen Datensatz gespeichert" in response.text
    template.refresh_from_db()
    assert template.title == "Terminbrief"


def test_confirming_a_template_removes_its_draft_mark(team_lead, client_of):
    template = shipped(team_lead.organisation, "appointment")
    browser = client_of(team_lead)
    assert browser.get(reverse("cases:letter_template_list")).text.count(DRAFT_MARK) == 5
    data = {
        name: getattr(template, name) for name in ("title", "address_block", "subject", "body_de", "body_bg", "body_ro")
    }
    data.update({"client_facing": "on", "active": "on", "confirmed": "on", "version": record_version(template)})
    response = browser.post(reverse("cases:letter_template_edit", args=[template.pk]), data)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.confirmed_by == team_lead
    assert browser.get(reverse("cases:letter_template_list")).text.count(DRAFT_MARK) == 4


def test_the_shipped_templates_come_once_per_organisation_unchecked(organisation):
    assert letter_templates_install(organisation=organisation) == 5
    assert letter_templates_install(organisation=organisation) == 0
    templates = LetterTemplate.objects.filter(organisation=organisation)
    assert {template.shipped_key for template in templates} == {
        "court_notice_first",
        "appointment",
        "consent",
        "jobcenter_confirmation",
        "landlord_proposal",
    }
    assert not any(template.is_confirmed for template in templates)
    for template in templates:
        template.full_clean()  # their placeholders are all in the list
        expected = ["bg", "ro"] if template.client_facing else []
        assert template.translation_languages == expected


# --- Language -----------------------------------------------------------------------------


def test_the_translation_follows_the_clients_language(team_lead):
    organisation = team_lead.organisation
    appointment_letter = shipped(organisation, "appointment")
    landlord_letter = shipped(organisation, "landlord_proposal")
    romanian = make_client(team_lead, languages=["ro", "de"])
    bulgarian = make_client(team_lead, languages=["de", "bg"])
    german = make_client(team_lead, languages=["de"])
    assert suggested_language(romanian, appointment_letter) == "ro"
    assert suggested_language(bulgarian, appointment_letter) == "bg"
    assert suggested_language(german, appointment_letter) == ""
    # Letters to landlords and the Jobcenter are German only.
    assert suggested_language(romanian, landlord_letter) == ""
    with pytest.raises(ValidationError):
        letter_compose(template=landlord_letter, client=romanian, worker=team_lead, choices=Choices(), language="ro")


# --- Writing a letter ---------------------------------------------------------------------


def test_a_bulgarian_letter_is_created_as_a_document_with_german_first(team_lead, social_worker, letterhead, client_of):
    template = shipped(letterhead, "court_notice_first")
    client = make_client(
        team_lead,
        first_name="Георги",
        last_name="Иванов",
        languages=["bg"],
        postal_address="Wehringhauser Str. 5\n58089 Hagen",
    )
    client.assigned_workers.add(social_worker)
    notice = make_notice(client, team_lead, court_file_number="12 C 345/26", received_on=date(2026, 11, 30))
    appointment = make_appointment(
        client, team_lead, day=date(2026, 12, 14), start=time(9, 30), place="Rathausstraße 11, Zimmer 204"
    )
    browser = client_of(social_worker)
    url = reverse("cases:letter_create", args=[client.pk])

    page = browser.get(url, {"template": template.pk})
    assert page.status_code == 200
    assert 'value="bg" selected' in page.text

    data = {"template": template.pk, "notice": notice.pk, "appointment": appointment.pk, "language": "bg"}
    preview = browser.post(url, {**data, "preview": ""})
    assert preview.status_code == 200
    assert "Aktenzeichen 12 C 345/26" in preview.text
    assert "Здравейте, Георги Иванов," in preview.text
    assert not Document.objects.filter(client=client).exists()

    data["submit_token"] = preview.context["submit_token"]
    created = browser.post(url, {**data, "create": ""})
    assert created.status_code == 302
    assert created["Location"].endswith("#client-documents")
    again = browser.post(url, {**data, "create": ""})  # a second click
    assert again.status_code == 302 and again["Location"] == created["Location"]
    document = Document.objects.get(client=client)
    assert document.kind == DocumentKind.LETTER
    assert document.content_type == "application/pdf"
    assert Letter.objects.get().document == document

    text = pdf_text(document)
    german = text.index("Guten Tag Георги Иванов,")
    translation = text.index("Превод на български език")
    assert german < translation
    assert "Verbindlich ist allein der deutsche Text." in text
    assert "Правно обвързващ е текстът на немски език." in text
    assert "Datum: 14.12.2026" in text and "Uhrzeit: 09:30 Uhr" in text
    assert "Wehringhauser Str. 5" in text
    assert letterhead.name in text and "02331 207-0" in text
    assert DRAFT_MARK in text
    assert AccessLog.objects.filter(
        action=AccessLog.Action.EXPORT, object_id=str(client.pk), user=social_worker
    ).exists()

    # Printable again from the document list.
    detail = browser.get(client.get_absolute_url())
    download_url = reverse("cases:document_download", args=[document.pk])
    assert download_url in detail.text
    assert browser.get(download_url).status_code == 200


def test_a_romanian_consent_form_names_partner_and_scope_with_diacritics(team_lead, letterhead):
    template = shipped(letterhead, "consent")
    letter_template_save(template=template, actor=team_lead, confirmed=True)
    client = make_client(team_lead, first_name="Ioana", last_name="Ștefănescu", languages=["ro"])
    partner = make_partner(letterhead, name="Schuldnerberatung der Diakonie")
    letter = letter_create(
        template=template,
        client=client,
        actor=team_lead,
        choices=Choices(partner=partner, consent_scope="referral"),
        language="ro",
    )
    text = pdf_text(letter.document)
    assert "Schuldnerberatung der Diakonie" in text
    assert "Vermittlung an den Kooperationspartner und Austausch mit ihm" in text
    assert "Traducere în limba română" in text
    assert "trimiterea către organizația parteneră și schimbul de date cu aceasta" in text
    assert "Subsemnatul/Subsemnata Ioana Ștefănescu" in text
    assert DRAFT_MARK not in text


def test_a_letter_to_the_jobcenter_is_german_only(team_lead, letterhead):
    template = shipped(letterhead, "jobcenter_confirmation")
    client = make_client(team_lead, languages=["bg"])
    jobcenter = make_partner(
        letterhead, name="Jobcenter Hagen", kind="jobcenter", address="Bahnhofstraße 2\n58095 Hagen"
    )
    letter = letter_create(template=template, client=client, actor=team_lead, choices=Choices(partner=jobcenter))
    text = pdf_text(letter.document)
    assert "Jobcenter Hagen" in text and "Bahnhofstraße 2" in text
    assert client.case_number in text
    assert "Превод" not in text and "Übersetzung" not in text


def test_a_landlord_gets_the_proposal_in_german_with_the_flat_and_the_household(team_lead, letterhead):
    template = shipped(letterhead, "landlord_proposal")
    client = make_client(team_lead, first_name="Elena", last_name="Popa", languages=["ro"])
    HouseholdMember.objects.create(client=client, first_name="Andrei", relationship="child", birth_year=2016)
    landlord = landlord_create(
        organisation=letterhead,
        actor=team_lead,
        kind=LandlordKind.COOPERATIVE,
        name="Wohnungsgenossenschaft Hagen eG",
        address="Körnerstraße 20\n58095 Hagen",
    )
    offer = offer_create(
        organisation=letterhead,
        actor=team_lead,
        landlord=landlord,
        street="Elberfelder Straße 12",
        postcode="58095",
        district="mitte",
        living_space=Decimal("54.5"),
        rooms=Decimal("2"),
        cold_rent=Decimal("1380.00"),
    )
    letter = letter_create(template=template, client=client, actor=team_lead, choices=Choices(offer=offer))
    text = pdf_text(letter.document)
    assert "Wohnungsgenossenschaft Hagen eG" in text and "Körnerstraße 20" in text
    assert "Elberfelder Straße 12, 58095 Hagen (2 Zimmer, 54,5 m², Kaltmiete 1.380,00 €)" in text
    assert "Der Haushalt umfasst 2 Person(en)." in text
    assert "Traducere" not in text
    assert letter.language == ""


def test_records_of_another_client_cannot_be_used(team_lead, social_worker, client_of):
    template = shipped(team_lead.organisation, "appointment")
    client = make_client(team_lead)
    client.assigned_workers.add(social_worker)
    other = make_client(team_lead)
    foreign = make_appointment(other, team_lead)
    browser = client_of(social_worker)
    response = browser.post(
        reverse("cases:letter_create", args=[client.pk]),
        {"template": template.pk, "appointment": foreign.pk, "language": "", "create": ""},
    )
    assert response.status_code == 200
    assert not Document.objects.exists()
    with pytest.raises(ValidationError):
        letter_create(template=template, client=client, actor=team_lead, choices=Choices(appointment=foreign))


def test_another_organisations_client_and_template_do_not_exist(team_lead, outsider, client_of):
    template = shipped(team_lead.organisation, "appointment")
    client = make_client(team_lead)
    browser = client_of(outsider)
    assert browser.get(reverse("cases:letter_create", args=[client.pk])).status_code == 404
    assert browser.get(reverse("cases:letter_template_edit", args=[template.pk])).status_code == 404
    own = make_client(outsider)
    response = browser.post(
        reverse("cases:letter_create", args=[own.pk]), {"template": template.pk, "language": "", "create": ""}
    )
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_a_restricted_client_is_hidden_from_other_workers(team_lead, social_worker, client_of):
    client = make_client(team_lead, restricted=True)
    response = client_of(social_worker).get(reverse("cases:letter_create", args=[client.pk]))
    assert response.status_code == 404


def test_the_template_list_reads_a_fixed_number_of_queries(team_lead, client_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = client_of(team_lead)
    url = reverse("cases:letter_template_list")
    letter_templates_install(organisation=team_lead.organisation)
    with CaptureQueriesContext(connection) as few:
        assert browser.get(url).status_code == 200
    for number in range(20):
        letter_template_save(
            template=LetterTemplate(
                title=f"Vorlage {number}", address_block="{{ client.name }}", subject="Betreff", body_de="Text"
            ),
            actor=team_lead,
            confirmed=number % 2 == 0,
        )
    with CaptureQueriesContext(connection) as many:
        response = browser.get(url)
    assert "Vorlage 19" in response.text
    assert len(many) == len(few)


def test_the_data_migration_gives_existing_offices_the_templates_once_and_takes_back_only_untouched_ones(
    organisation, state_organisation, team_lead
):
    migration = importlib.import_module("cases.migrations.0013_letters_shipped_templates")
    migration.add_shipped_templates(django_apps, None)
    migration.add_shipped_templates(django_apps, None)
    assert LetterTemplate.objects.filter(organisation=organisation).count() == 5
    assert not LetterTemplate.objects.filter(organisation=state_organisation).exists()  # the state writes no letters
    checked = LetterTemplate.objects.get(organisation=organisation, shipped_key="consent")
    letter_template_save(template=checked, actor=team_lead, confirmed=True)
    migration.remove_untouched_shipped_templates(django_apps, None)
    assert list(LetterTemplate.objects.values_list("shipped_key", flat=True)) == ["consent"]


def test_the_command_gives_a_new_office_the_shipped_templates(organisation, capsys):
    call_command("install_letter_templates", "--organisation", organisation.short_name)
    call_command("install_letter_templates", "--organisation", str(organisation.pk))
    output = capsys.readouterr().out
    assert f"{organisation.name}: 5 letter template(s) added." in output
    assert f"{organisation.name}: 0 letter template(s) added." in output
    assert LetterTemplate.objects.filter(organisation=organisation).count() == 5
