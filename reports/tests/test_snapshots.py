"""Finalising a quarter: frozen figures and PDF, refused changes, the differences to today's data."""

import json
import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from hagen_zuhause.models import AccessLog
from reports import figures, snapshots
from reports.models import ReportSnapshot
from reports.periods import Period
from reports.tests.factories import Q3, contact
from reports.tests.helpers import pdf_text, row
from tests.builders import make_client

QUARTERLY = reverse("reports:quarterly", kwargs={"year": 2026, "quarter": 3})
FINALISE = reverse("reports:finalise", kwargs={"year": 2026, "quarter": 3})
DIFFERENCES = reverse("reports:snapshot", kwargs={"year": 2026, "quarter": 3})


def finalise(team_lead, **options):
    return snapshots.finalise(organisation=team_lead.organisation, period=Q3, actor=team_lead, **options)


def test_team_lead_finalises_through_the_page(report_data, team_lead, client_of):
    browser = client_of(team_lead)

    response = browser.post(FINALISE, {"confirmed": "on"}, follow=True)

    assert response.redirect_chain == [(QUARTERLY, 302)]
    html = response.content.decode()
    assert "Das 3. Quartal 2026 ist abgeschlossen." in html
    assert "Abgeschlossen am" in html and "von Thomas Lehmann" in html
    assert "Quartal abschließen" not in html
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.figures["report"]["persons_with_contact"]["total"] == 5
    assert bytes(snapshot.pdf).startswith(b"%PDF")
    assert "Abgeschlossen am" in pdf_text(snapshot.pdf)


def test_finalising_without_the_confirmation_changes_nothing(report_data, team_lead, client_of):
    page = client_of(team_lead).get(QUARTERLY).content.decode()
    assert 'name="confirmed"' in page and "required" in page

    response = client_of(team_lead).post(FINALISE, {"masked": "on"}, follow=True)

    assert "Bitte bestätigen Sie, dass das Quartal abgeschlossen werden soll" in response.content.decode()
    assert not ReportSnapshot.objects.exists()


def test_a_quarter_is_finalised_only_once(report_data, team_lead, client_of):
    browser = client_of(team_lead)
    browser.post(FINALISE, {"confirmed": "on"})

    response = browser.post(FINALISE, {"masked": "on", "confirmed": "on"}, follow=True)

    assert "Der Bericht für das 3. Quartal 2026 ist bereits abgeschlossen" in response.content.decode()
    assert ReportSnapshot.objects.count() == 1
    assert not ReportSnapshot.objects.get().masked


def test_the_running_quarter_cannot_be_finalised(team_lead):
    with pytest.raises(ValidationError, match="noch nicht vorbei"):
        snapshots.finalise(
            organisation=team_lead.organisation,
            period=Period.quarter_of(2026, 4),
            actor=team_lead,
            today=date(2026, 12, 31),
        )
    assert not ReportSnapshot.objects.exists()


def test_only_the_team_lead_finalises(report_data, social_worker, client_of):
    assert client_of(social_worker).post(FINALISE, {}).status_code == 403
    assert not ReportSnapshot.objects.exists()


def test_later_corrections_never_change_the_snapshot_but_show_as_differences(
    report_data, team_lead, social_worker, client_of
):
    snapshot = finalise(team_lead)
    frozen_pdf, frozen_figures = bytes(snapshot.pdf), snapshot.figures
    browser = client_of(team_lead)

    late = make_client(social_worker, first_name="Nina", last_name="Nachtrag")
    contact(late, date(2026, 9, 29))  # recorded after the report was sent

    snapshot.refresh_from_db()
    assert bytes(snapshot.pdf) == frozen_pdf
    assert snapshot.figures == frozen_figures
    assert browser.get(QUARTERLY + "?format=pdf").content == frozen_pdf
    assert row(browser.get(QUARTERLY).content.decode(), "Personen mit mindestens einem Kontakt")[1] == "5"
    assert figures.persons_with_contact(team_lead.organisation, Q3)["total"] == 6
    differences = browser.get(DIFFERENCES).content.decode()
    assert row(differences, "Personen mit Kontakt")[1:] == [
        "Personen mit mindestens einem Kontakt",
        "persons_with_contact.total",
        "5",
        "6",
        "+1",
    ]
    assert row(differences, "Kontakte")[1:] == ["Kontakte insgesamt", "contacts.total", "6", "7", "+1"]


def test_no_differences_right_after_finalising(report_data, team_lead, client_of):
    finalise(team_lead)

    html = client_of(team_lead).get(DIFFERENCES).content.decode()

    assert "Keine Abweichungen" in html


def test_the_database_refuses_to_change_or_delete_a_snapshot(report_data, team_lead):
    snapshot = finalise(team_lead)

    with pytest.raises(DatabaseError), transaction.atomic():
        ReportSnapshot.objects.filter(pk=snapshot.pk).update(masked=True)
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportSnapshot.objects.filter(pk=snapshot.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE reports_reportsnapshot SET pdf = %s WHERE id = %s", [b"forged", snapshot.pk])
    snapshot.refresh_from_db()
    assert not snapshot.masked and bytes(snapshot.pdf).startswith(b"%PDF")


def test_masked_snapshot_publishes_masked_numbers_and_keeps_the_exact_ones(report_data, team_lead, client_of):
    snapshot = finalise(team_lead, masked=True)
    browser = client_of(team_lead)

    exported = json.loads(browser.get(QUARTERLY + "?format=json").content)
    # 2 women, 2 men, 1 unknown of 5: all small; none of them may be shown.
    assert exported["persons_with_contact"]["by_gender"] == {
        "female": "<3",
        "male": "<3",
        "diverse": 0,
        "unknown": "<3",
    }
    assert exported["persons_with_contact"]["total"] == 5
    assert snapshot.figures["report"]["persons_with_contact"]["by_gender"]["female"] == 2
    text = pdf_text(snapshot.pdf)
    assert "<3" in text and "maskiert" in text
    csv_lines = browser.get(QUARTERLY + "?format=csv").content.decode("utf-8-sig").splitlines()
    assert "persons_with_contact;by_gender;female;weiblich;<3;<3;<3" not in csv_lines  # previous quarter: 0
    assert "persons_with_contact;by_gender;female;weiblich;<3;0;<3" in csv_lines
    # The page itself shows the exact figures to the team.
    assert row(browser.get(QUARTERLY).content.decode(), "weiblich")[1] == "2"


def test_json_of_a_finalised_quarter_keeps_the_key_order_of_the_report(report_data, team_lead, client_of):
    finalise(team_lead)
    fresh = figures.compute_report(team_lead.organisation, Q3)

    exported = json.loads(client_of(team_lead).get(QUARTERLY + "?format=json").content)

    assert list(exported) == list(fresh)
    assert list(exported["persons_with_contact"]["by_gender"]) == ["female", "male", "diverse", "unknown"]
    assert list(exported["persons_with_contact"]["by_age_band"]) == list(fresh["persons_with_contact"]["by_age_band"])
    assert exported == fresh


def test_exports_of_a_finalised_quarter_are_logged_with_the_snapshot(report_data, team_lead, client_of):
    snapshot = finalise(team_lead)

    client_of(team_lead).get(QUARTERLY + "?format=pdf")

    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (entry.object_type, entry.object_id, entry.detail) == (
        "reports.reportsnapshot",
        str(snapshot.pk),
        "Quartalsbericht 3/2026 (PDF)",
    )


def test_exports_before_finalising_are_logged_as_preliminary(report_data, team_lead, client_of):
    client_of(team_lead).get(QUARTERLY + "?format=xlsx")
    finalise(team_lead)
    client_of(team_lead).get(QUARTERLY + "?format=xlsx")

    before, after = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).order_by("at", "pk")
    assert (before.object_type, before.object_id) == ("reports.preliminary_report", "2026-3")
    assert str(before.object_type_label) == "Vorläufiger Quartalsbericht"
    assert str(after.object_type_label) == "Abgeschlossener Quartalsbericht"
    # Entries written before preliminary exports had their own type read the same.
    legacy = AccessLog(object_type="reports.reportsnapshot", object_id="")
    assert str(legacy.object_type_label) == "Vorläufiger Quartalsbericht"


@pytest.mark.django_db(transaction=True)
def test_two_team_leads_finalising_at_once_make_one_snapshot(organisation, team_lead):
    outcomes = []

    def attempt():
        try:
            finalise(team_lead)
            outcomes.append("finalised")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert ReportSnapshot.objects.count() == 1
    assert sorted(outcomes)[1] == "finalised"
    assert "bereits abgeschlossen" in sorted(outcomes)[0]
