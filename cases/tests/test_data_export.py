"""A client's own data (Art. 15/20 GDPR): PDF and JSON for the team lead and the assigned workers, logged."""

import json
import subprocess
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import cases.views.exports
from cases.models import ClientAlias, HouseholdMember
from cases.services.referrals import referral_create
from hagen_zuhause.models import AccessLog
from housing.models import HousingSearch
from tests.builders import give_consent, make_case, make_client, make_contact, make_partner, make_task


@pytest.fixture
def person(social_worker):
    """A client of the social worker (assigned) with a household, contacts, a consent and a referral."""
    client = make_client(
        social_worker,
        first_name="Georgi",
        last_name="Ivanov",
        birth_date=date(1979, 5, 4),
        phone="0176 1234567",
        health_notes="Asthma",
    )
    ClientAlias.objects.create(client=client, first_name="Георги", last_name="Иванов")
    HouseholdMember.objects.create(client=client, first_name="Elena", last_name="Ivanova", relationship="partner")
    make_case(client, social_worker, opened_on=date(2026, 3, 2))
    make_contact(client, social_worker, day=date(2026, 3, 2), note="Erstgespräch im Büro")
    make_task(client, social_worker, title="Antrag Jobcenter prüfen")
    partner = make_partner(social_worker.organisation)
    give_consent(client, partner, date(2026, 3, 2), actor=social_worker)
    referral_create(client=client, partner=partner, referred_on=date(2026, 3, 3), actor=social_worker, note="Termin")
    HousingSearch.objects.create(client=client, districts=["mitte"], note="Erdgeschoss wegen Rollator")
    return client


def _url(person, file_format):
    return reverse("cases:client_data_export", args=[person.pk]) + f"?format={file_format}"


def test_the_file_name_has_the_day_in_germany_also_after_midnight(client_of, social_worker, person, monkeypatch):
    # 23:30 UTC on 6 December is 00:30 on 7 December in Hagen.
    late = SimpleNamespace(now=lambda: datetime(2026, 12, 6, 23, 30, tzinfo=UTC), localdate=timezone.localdate)
    monkeypatch.setattr(cases.views.exports, "timezone", late)
    response = client_of(social_worker).get(_url(person, "json"))
    assert response["Content-Disposition"].endswith(f'-{person.case_number}-2026-12-07.json"')


def test_the_assigned_worker_gets_the_data_as_json_with_every_section(client_of, social_worker, person):
    response = client_of(social_worker).get(_url(person, "json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="datenauskunft-{person.case_number}-{date.today():%Y-%m-%d}.json"'
    )
    data = json.loads(response.content)
    assert data["person"]["last_name"] == "Ivanov"
    assert data["person"]["birth_date"] == "1979-05-04"
    assert data["person"]["health_notes"] == "Asthma"
    assert data["other_spellings"] == [{"first_name": "Георги", "last_name": "Иванов", "note": ""}]
    assert data["household"][0]["last_name"] == "Ivanova"
    assert data["household"][0]["relationship"] == "partner"
    assert [contact["note"] for contact in data["contacts"]] == ["Erstgespräch im Büro"]
    assert data["tasks"][0]["title"] == "Antrag Jobcenter prüfen"
    assert data["referrals"][0]["partner"] == "Sozialpsychiatrischer Dienst Hagen"
    assert data["consents"][0]["scope"] == "referral"
    assert data["housing_search"] == [
        {
            "districts": ["mitte"],
            "barrier_free_needed": "unknown",
            "max_floor_without_lift": None,
            "min_rooms": None,
            "wbs_available": "unknown",
            "note": "Erdgeschoss wegen Rollator",
        }
    ]
    assert data["senior_flat"] == [] and data["waiting_list"] == [] and data["placements"] == []
    # The export itself is the latest access, listed with who made it.
    assert data["access_log"][0]["action"] == "export"
    assert data["access_log"][0]["person"] == social_worker.get_full_name()


def test_the_team_lead_gets_a_readable_german_pdf_with_letterhead(client_of, team_lead, person, tmp_path):
    organisation = person.organisation
    organisation.address = "Rathausstraße 11\n58095 Hagen"
    organisation.save()

    response = client_of(team_lead).get(_url(person, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "auskunft.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    # Where a line wraps depends on the fonts installed (Liberation Sans or DejaVu Sans): read it as running text.
    text = " ".join(text.split())
    for expected in (
        "Auskunft über die zu Ihrer Person gespeicherten Daten",
        "Rathausstraße 11",
        "Georgi Ivanov",
        "04.05.1979",
        "Erstgespräch im Büro",
        "Vermittlungen: Daten an Dienste weitergegeben",
        "Sozialpsychiatrischer Dienst Hagen",
        "Wer auf die Akte zugegriffen hat",
        "3 Jahre nach dem Abschluss",
    ):
        assert expected in text, expected


def test_every_export_is_logged_and_a_bad_format_is_refused(client_of, team_lead, person):
    response = client_of(team_lead).get(_url(person, "xml"))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()

    client_of(team_lead).get(_url(person, "json"))

    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (entry.user, entry.object_type, entry.object_id) == (team_lead, "cases.client", str(person.pk))
    assert "Ivanov" not in entry.detail


def test_a_worker_not_assigned_is_refused_and_nothing_is_logged(client_of, social_worker, team_lead):
    other = make_client(team_lead, last_name="Petrova")

    response = client_of(social_worker).get(_url(other, "pdf"))

    assert response.status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()
    page = client_of(social_worker).get(reverse("cases:client_detail", args=[other.pk])).content.decode()
    assert "Datenauskunft (PDF)" not in page


def test_the_client_page_offers_the_export_to_the_assigned_worker(client_of, social_worker, person):
    page = client_of(social_worker).get(reverse("cases:client_detail", args=[person.pk])).content.decode()

    assert f'href="/clients/{person.pk}/data-export/?format=pdf"' in page
    assert "Datenkopie (JSON)" in page


def test_the_export_needs_as_many_queries_for_one_contact_as_for_twenty(client_of, social_worker, person):
    browser = client_of(social_worker)
    browser.get(_url(person, "json"))
    with CaptureQueriesContext(connection) as one:
        browser.get(_url(person, "json"))
    for day in range(1, 20):
        make_contact(person, social_worker, day=date(2026, 4, day), note=f"Kontakt {day}")
    with CaptureQueriesContext(connection) as twenty:
        response = browser.get(_url(person, "json"))

    assert len(json.loads(response.content)["contacts"]) == 20
    assert len(twenty) == len(one)


def test_a_file_extract_holds_only_the_chosen_parts(client_of, team_lead, person, tmp_path):
    url = reverse("cases:client_data_export", args=[person.pk])
    browser = client_of(team_lead)

    response = browser.get(url, {"format": "pdf", "extract": "1", "section": ["person", "contacts"]})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="aktenauszug-{person.case_number}-')
    path = tmp_path / "auszug.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "Aktenauszug" in text and "Erstgespräch im Büro" in text and "Georgi" in text
    assert "Ivanova" not in text and "Wiedervorlagen" not in text and "Art. 15" not in text
    assert AccessLog.objects.get(action=AccessLog.Action.EXPORT).detail == "Aktenauszug, PDF"
    data = json.loads(browser.get(url, {"format": "json", "section": ["household"]}).content)
    assert "household" in data and "contacts" not in data and "person" not in data


def test_an_extract_without_parts_or_with_an_unknown_part_changes_nothing(client_of, team_lead, person):
    url = reverse("cases:client_data_export", args=[person.pk])
    browser = client_of(team_lead)

    unknown = browser.get(url, {"format": "pdf", "section": ["person", "passwords"]})
    empty = browser.get(url, {"format": "pdf", "extract": "1"}, follow=True)

    assert unknown.status_code == 404
    assert empty.redirect_chain == [(person.get_absolute_url(), 302)]
    assert "Bitte wählen Sie mindestens einen Teil der Akte" in empty.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()
