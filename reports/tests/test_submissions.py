"""Submitting a finalised quarter to the state: version 1, corrections as new versions, append-only rows."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from reports import snapshots, submissions
from reports.models import ReportSubmission
from reports.tests.factories import Q3, contact
from reports.tests.helpers import row
from tests.builders import make_client

QUARTERLY = reverse("reports:quarterly", kwargs={"year": 2026, "quarter": 3})
SUBMISSION = reverse("reports:submission", kwargs={"year": 2026, "quarter": 3})
SUBMIT = reverse("reports:submit", kwargs={"year": 2026, "quarter": 3})


@pytest.fixture
def finalised(report_data, team_lead):
    return snapshots.finalise(organisation=team_lead.organisation, period=Q3, actor=team_lead)


def _late_contact(social_worker):
    """A person counted after the quarter was finalised: 5 → 6 persons, 6 → 7 contacts."""
    late = make_client(social_worker, first_name="Nina", last_name="Nachtrag")
    contact(late, date(2026, 9, 29))


def test_team_lead_submits_the_finalised_quarter_from_the_report_page(finalised, team_lead, client_of):
    browser = client_of(team_lead)
    assert "An das Land übermitteln" in browser.get(QUARTERLY).content.decode()

    response = browser.post(SUBMIT, {"version": "1", "confirmed": "on"}, follow=True)

    assert response.redirect_chain == [(SUBMISSION, 302)]
    html = response.content.decode()
    assert "Version 1 für das 3. Quartal 2026 wurde an das Land übermittelt." in html
    assert "Version 1, übermittelt am" in html and "von Thomas Lehmann" in html
    submission = ReportSubmission.objects.get()
    assert (submission.version, submission.snapshot, submission.submitted_by) == (1, finalised, team_lead)
    assert submission.figures == finalised.figures
    page = browser.get(QUARTERLY).content.decode()
    assert "Version 1 übermittelt am" in page
    assert "An das Land übermitteln</button>" not in page


def test_without_the_confirmation_nothing_is_submitted(finalised, team_lead, client_of):
    browser = client_of(team_lead)
    page = browser.get(SUBMISSION).content.decode()
    assert "Ich habe die Zahlen geprüft. Das Land behält jede Version, die es erhält." in page

    response = browser.post(SUBMIT, {"version": "1"}, follow=True)

    assert response.redirect_chain == [(SUBMISSION, 302)]
    assert "Bitte setzen Sie das Häkchen zur Bestätigung" in response.content.decode()
    assert not ReportSubmission.objects.exists()


def test_a_double_click_submits_one_version(finalised, team_lead, client_of):
    browser = client_of(team_lead)
    browser.post(SUBMIT, {"version": "1", "confirmed": "on"})

    response = browser.post(SUBMIT, {"version": "1", "confirmed": "on"}, follow=True)

    assert "Version 1 für das 3. Quartal 2026 wurde bereits an das Land übermittelt." in response.content.decode()
    assert ReportSubmission.objects.count() == 1


def test_a_quarter_that_is_not_finalised_cannot_be_submitted(report_data, team_lead, client_of):
    response = client_of(team_lead).post(SUBMIT, {"version": "1", "confirmed": "on"}, follow=True)

    assert response.redirect_chain == [(QUARTERLY, 302)]
    assert "ist noch nicht abgeschlossen" in response.content.decode()
    assert not ReportSubmission.objects.exists()


def test_bad_input_submits_nothing(finalised, team_lead, client_of):
    response = client_of(team_lead).post(SUBMIT, {"version": "eins", "confirmed": "on"}, follow=True)

    assert "Das Formular konnte nicht gelesen werden; es wurde nichts übermittelt." in response.content.decode()
    assert not ReportSubmission.objects.exists()


def test_a_correction_is_a_new_version_with_its_differences(finalised, team_lead, social_worker, client_of):
    browser = client_of(team_lead)
    browser.post(SUBMIT, {"version": "1", "confirmed": "on"})
    _late_contact(social_worker)

    preview = browser.get(SUBMISSION).content.decode()
    assert "Korrektur (Version 2)" in preview
    assert row(preview, "Personen mit Kontakt")[1:] == ["Personen mit mindestens einem Kontakt", "5", "6", "+1"]

    response = browser.post(SUBMIT, {"version": "2", "confirmed": "on"}, follow=True)

    html = response.content.decode()
    assert "Version 2 für das 3. Quartal 2026 wurde an das Land übermittelt." in html
    assert "Version 2, übermittelt am" in html and "Version 1, übermittelt am" in html
    assert row(html, "Kontakte")[1:] == ["Kontakte insgesamt", "6", "7", "+1"]
    first, second = ReportSubmission.objects.order_by("version")
    assert first.figures["report"]["persons_with_contact"]["total"] == 5
    assert second.figures["report"]["persons_with_contact"]["total"] == 6
    assert second.snapshot == first.snapshot == finalised
    # The finalised report itself stays as it was.
    finalised.refresh_from_db()
    assert finalised.figures["report"]["persons_with_contact"]["total"] == 5


def test_a_correction_without_differences_is_refused(finalised, team_lead):
    submissions.submit(organisation=team_lead.organisation, period=Q3, actor=team_lead, version=1)

    with pytest.raises(ValidationError, match="nichts zu korrigieren"):
        submissions.submit(organisation=team_lead.organisation, period=Q3, actor=team_lead, version=2)
    assert ReportSubmission.objects.count() == 1


def test_a_skipped_version_is_refused(finalised, team_lead):
    with pytest.raises(ValidationError):
        submissions.submit(organisation=team_lead.organisation, period=Q3, actor=team_lead, version=2)
    assert not ReportSubmission.objects.exists()


def test_the_database_refuses_to_change_or_delete_a_submission(finalised, team_lead):
    submission = submissions.submit(organisation=team_lead.organisation, period=Q3, actor=team_lead, version=1)

    with pytest.raises(DatabaseError), transaction.atomic():
        ReportSubmission.objects.filter(pk=submission.pk).update(version=7)
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportSubmission.objects.filter(pk=submission.pk).delete()
    submission.refresh_from_db()
    assert submission.version == 1


def test_only_the_team_lead_submits(finalised, social_worker, admin_staff, client_of):
    assert client_of(social_worker).post(SUBMIT, {"version": "1", "confirmed": "on"}).status_code == 403
    assert client_of(admin_staff).post(SUBMIT, {"version": "1", "confirmed": "on"}).status_code == 403
    assert "An das Land übermitteln" not in client_of(social_worker).get(QUARTERLY).content.decode()
    assert not ReportSubmission.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_the_same_version_at_once_make_one_row(organisation, team_lead):
    snapshots.finalise(organisation=organisation, period=Q3, actor=team_lead)
    outcomes = []

    def attempt():
        try:
            submissions.submit(organisation=organisation, period=Q3, actor=team_lead, version=1)
            outcomes.append("submitted")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert ReportSubmission.objects.count() == 1
    assert sorted(outcomes)[1] == "submitted"
    assert "bereits an das Land übermittelt" in sorted(outcomes)[0]
