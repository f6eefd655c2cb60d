"""Cooperation agreements: status and dates, the review task, the flat quota counted from move-ins,
documents under the same upload rules as client documents."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Task
from cooperation import quota, services
from cooperation.models import Agreement, AgreementDocument, AgreementStatus
from cooperation.tests.factories_coop import (
    linked_landlord,
    make_agreement,
    make_document,
    make_partner,
    move_in,
)
from hagen_zuhause.codes import TaskKind
from hagen_zuhause.models import AccessLog
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from housing.models import PlacementStep
from tests.builders import PDF_BYTES, image_bytes, make_landlord, upload

TODAY = timezone.localdate()
YEAR = TODAY.year
LAST_YEAR = date(YEAR - 1, 6, 1)
REVIEW = TODAY + timedelta(days=90)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def housing_company(team_lead):
    return make_partner(team_lead, name="ha.ge.we Hagener Gemeinnützige Wohnungsgesellschaft", kind="housing_company")


@pytest.fixture
def second_team_lead(organisation):
    return user_create(
        organisation=organisation, username="k.kaya", role=Role.TEAM_LEAD, password="x" * 20, last_name="Kaya"
    )


def _form(partner, **fields):
    data = {
        "partner": partner.pk,
        "subject": "Wohnungskontingent für wohnungslose Haushalte",
        "target_groups": ["eu2", "women"],
        "status": AgreementStatus.SIGNED,
        "signed_on": date(YEAR, 1, 10).isoformat(),
        "valid_from": date(YEAR, 1, 1).isoformat(),
        "valid_until": "",
        "terminated_on": "",
        "yearly_flat_quota": "10",
        "commitments": "Zwei Belegungsgespräche im Jahr",
        "review_on": REVIEW.isoformat(),
        "notes": "",
    }
    data.update(fields)
    return data


def _open_review_tasks():
    return Task.objects.filter(kind=TaskKind.REVIEW).open()


def _edit_data(browser, agreement):
    """What the edit form sends back unchanged."""
    form = browser.get(reverse("cooperation:agreement_edit", args=[agreement.pk])).context["form"]
    data = {name: form.initial.get(name) for name in form.fields}
    for name in ("signed_on", "valid_from", "valid_until", "terminated_on", "review_on"):
        data[name] = data[name].isoformat() if data[name] else ""
    data["yearly_flat_quota"] = data["yearly_flat_quota"] or ""
    data["partner"] = agreement.partner_id
    return data


def _edit(browser, agreement, **fields):
    data = _edit_data(browser, agreement)
    data.update(fields)
    return browser.post(reverse("cooperation:agreement_edit", args=[agreement.pk]), data)


# --- Recording an agreement and its review task ----------------------------------------------


def test_the_team_lead_records_an_agreement_and_its_review_date_becomes_a_task(client_of, team_lead, housing_company):
    response = client_of(team_lead).post(reverse("cooperation:agreement_create"), _form(housing_company))

    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cooperation:agreement_detail", args=[agreement.pk])
    assert agreement.organisation == team_lead.organisation
    assert agreement.target_groups == ["women", "eu2"]
    assert agreement.yearly_flat_quota == 10
    task = _open_review_tasks().get()
    assert task.client is None
    assert task.organisation == team_lead.organisation
    assert task.assignee == team_lead
    assert task.due_on == REVIEW
    assert task.title == (
        f"Kooperationsvereinbarung überprüfen: Wohnungskontingent für wohnungslose Haushalte "
        f"(Vereinbarung #{agreement.pk})"
    )
    page = client_of(team_lead).get(response.url).content.decode()
    assert REVIEW.strftime("%d.%m.%Y") in page
    assert "Wiedervorlage „Kooperationsvereinbarung überprüfen" in page


def test_changing_the_review_date_moves_the_open_task_to_who_changed_it(
    client_of, team_lead, second_team_lead, housing_company
):
    agreement = make_agreement(team_lead, partner=housing_company, review_on=REVIEW)
    task = _open_review_tasks().get()
    later = REVIEW + timedelta(days=30)

    response = _edit(client_of(second_team_lead), agreement, review_on=later.isoformat())

    assert response.status_code == 302
    task.refresh_from_db()
    assert _open_review_tasks().get() == task
    assert task.due_on == later
    assert task.assignee == second_team_lead


def test_editing_other_fields_leaves_the_task_alone_but_a_new_subject_renames_it(
    client_of, team_lead, second_team_lead, housing_company
):
    agreement = make_agreement(team_lead, partner=housing_company, review_on=REVIEW)

    _edit(client_of(second_team_lead), agreement, notes="Ansprechpartnerin gewechselt")
    task = _open_review_tasks().get()
    assert (task.assignee, task.due_on) == (team_lead, REVIEW)

    _edit(client_of(second_team_lead), agreement, subject="Belegungsrechte 2026")
    task.refresh_from_db()
    assert task.title == f"Kooperationsvereinbarung überprüfen: Belegungsrechte 2026 (Vereinbarung #{agreement.pk})"
    assert task.assignee == team_lead


def test_removing_the_review_date_deletes_the_open_task(client_of, team_lead, housing_company):
    agreement = make_agreement(team_lead, partner=housing_company, review_on=REVIEW)

    response = _edit(client_of(team_lead), agreement, review_on="")

    assert response.status_code == 302
    assert not Task.objects.filter(kind=TaskKind.REVIEW).exists()
    assert "Kein Überprüfungsdatum festgelegt." in client_of(team_lead).get(response.url).content.decode()


def test_a_done_review_stays_done_and_a_new_date_creates_one_new_task(team_lead, housing_company):
    agreement = make_agreement(team_lead, partner=housing_company, review_on=REVIEW)
    done = _open_review_tasks().get()
    done.done_at, done.done_by = timezone.now(), team_lead
    done.save()

    services.agreement_update(agreement=agreement, actor=team_lead, notes="geprüft, alles in Ordnung")
    assert not _open_review_tasks().exists()

    next_review = REVIEW + timedelta(days=365)
    services.agreement_update(agreement=agreement, actor=team_lead, review_on=next_review)
    services.agreement_update(agreement=agreement, actor=team_lead, review_on=next_review + timedelta(days=1))

    task = _open_review_tasks().get()
    assert task != done
    assert task.due_on == next_review + timedelta(days=1)
    done.refresh_from_db()
    assert done.due_on == REVIEW


def test_each_agreement_keeps_its_own_review_task(team_lead, housing_company):
    first = make_agreement(team_lead, partner=housing_company, subject="Kontingent", review_on=REVIEW)
    second = make_agreement(team_lead, partner=housing_company, subject="Kontingent Senioren", review_on=REVIEW)

    services.agreement_update(agreement=first, actor=team_lead, review_on=None)

    assert services.open_review_task(first) is None
    assert services.open_review_task(second).title.endswith(f"(Vereinbarung #{second.pk})")


def test_a_long_subject_is_shortened_in_the_task_title_but_the_task_is_still_found(team_lead, housing_company):
    agreement = make_agreement(team_lead, partner=housing_company, subject="Wohnraum " * 33, review_on=REVIEW)
    task = services.open_review_task(agreement)
    assert len(task.title) <= 200
    assert task.title.endswith(f"… (Vereinbarung #{agreement.pk})")


# --- Status and dates ------------------------------------------------------------------------


def test_a_signed_agreement_without_dates_gets_german_messages_and_nothing_is_saved(
    client_of, team_lead, housing_company
):
    response = client_of(team_lead).post(
        reverse("cooperation:agreement_create"), _form(housing_company, signed_on="", valid_from="")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Für eine unterzeichnete Vereinbarung geben Sie bitte das Datum der Unterzeichnung an." in page
    assert "Für eine unterzeichnete Vereinbarung geben Sie bitte an, ab wann sie gilt." in page
    assert "Constraint" not in page
    assert not Agreement.objects.exists()
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"valid_from": date(YEAR, 6, 1).isoformat(), "valid_until": date(YEAR, 5, 31).isoformat()},
            "Das Ende der Laufzeit liegt vor ihrem Beginn.",
        ),
        (
            {"status": "terminated"},
            "Für eine gekündigte Vereinbarung geben Sie bitte an, wann die Kündigung wirksam wird.",
        ),
        ({"terminated_on": TODAY.isoformat()}, "Ein Kündigungsdatum gibt es nur bei einer gekündigten Vereinbarung."),
        ({"status": "expired"}, "Für eine abgelaufene Vereinbarung geben Sie bitte an, bis wann sie galt."),
        ({"signed_on": (TODAY + timedelta(days=1)).isoformat()}, "Das Datum der Unterzeichnung liegt in der Zukunft."),
        ({"yearly_flat_quota": "0"}, "Geben Sie mindestens eine Wohnung an oder lassen Sie das Feld leer."),
    ],
)
def test_inconsistent_dates_are_explained(client_of, team_lead, housing_company, fields, message):
    response = client_of(team_lead).post(reverse("cooperation:agreement_create"), _form(housing_company, **fields))
    assert message in response.content.decode()
    assert not Agreement.objects.exists()


def test_an_agreement_in_negotiation_needs_no_dates(client_of, team_lead, housing_company):
    response = client_of(team_lead).post(
        reverse("cooperation:agreement_create"),
        _form(housing_company, status="negotiating", signed_on="", valid_from="", review_on=""),
    )
    assert response.status_code == 302
    assert Agreement.objects.get().status == AgreementStatus.NEGOTIATING


def test_the_status_only_moves_forward(client_of, team_lead, housing_company):
    agreement = make_agreement(team_lead, partner=housing_company)
    form = client_of(team_lead).get(reverse("cooperation:agreement_edit", args=[agreement.pk])).context["form"]
    assert [value for value, _label in form.fields["status"].choices] == ["signed", "expired", "terminated"]

    with pytest.raises(ValidationError) as error:
        services.agreement_update(agreement=agreement, actor=team_lead, status=AgreementStatus.NEGOTIATING)
    assert "Der Status ändert sich nur vorwärts" in str(error.value)

    response = _edit(client_of(team_lead), agreement, status="terminated", terminated_on=TODAY.isoformat())
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TERMINATED
    form = client_of(team_lead).get(reverse("cooperation:agreement_edit", args=[agreement.pk])).context["form"]
    assert [value for value, _label in form.fields["status"].choices] == ["terminated"]


def test_the_same_subject_twice_with_one_partner_is_refused(client_of, team_lead, housing_company):
    browser = client_of(team_lead)
    assert browser.post(reverse("cooperation:agreement_create"), _form(housing_company)).status_code == 302

    response = browser.post(reverse("cooperation:agreement_create"), _form(housing_company))

    assert "Für diesen Kooperationspartner ist bereits eine Vereinbarung mit diesem Gegenstand erfasst." in (
        response.content.decode()
    )
    assert Agreement.objects.count() == 1
    assert _open_review_tasks().count() == 1


def test_a_parallel_edit_is_not_overwritten(client_of, team_lead, second_team_lead, housing_company):
    agreement = make_agreement(team_lead, partner=housing_company, notes="alt")
    browser = client_of(team_lead)
    data = _edit_data(browser, agreement)
    services.agreement_update(agreement=agreement, actor=second_team_lead, notes="von Frau Kaya geändert")

    data["notes"] = "neu"
    response = browser.post(reverse("cooperation:agreement_edit", args=[agreement.pk]), data)

    agreement.refresh_from_db()
    assert "Jemand anderes hat diesen Datensatz gespeichert" in response.content.decode()
    assert agreement.notes == "von Frau Kaya geändert"


def test_social_workers_read_agreements_but_do_not_change_them(client_of, social_worker, team_lead, housing_company):
    agreement = make_agreement(team_lead, partner=housing_company, subject="Kontingent")
    browser = client_of(social_worker)

    page = browser.get(reverse("cooperation:agreement_detail", args=[agreement.pk])).content.decode()
    assert "Kontingent" in page
    assert reverse("cooperation:agreement_edit", args=[agreement.pk]) not in page
    assert browser.post(reverse("cooperation:agreement_create"), _form(housing_company)).status_code == 403
    assert _edit(client_of(team_lead), agreement).status_code == 302  # the team lead may
    assert browser.post(reverse("cooperation:agreement_edit", args=[agreement.pk]), {}).status_code == 403


def test_an_inactive_partner_is_not_offered_for_new_agreements(client_of, team_lead):
    former = make_partner(team_lead, name="Ehemaliger Träger", active=False)
    form = client_of(team_lead).get(reverse("cooperation:agreement_create")).context["form"]
    assert former not in form.fields["partner"].queryset


# --- The flat quota ------------------------------------------------------------------------


@pytest.fixture
def quota_agreement(team_lead, social_worker, admin_staff, housing_company):
    """An agreement over 10 flats a year with the housing company, signed at the start of last year."""
    return make_agreement(
        team_lead,
        partner=housing_company,
        subject="Jährliches Wohnungskontingent",
        yearly_flat_quota=10,
        signed_on=date(YEAR - 1, 1, 1),
        valid_from=date(YEAR - 1, 1, 1),
    )


def test_move_ins_with_the_partners_landlords_count_in_their_year(
    client_of, team_lead, social_worker, admin_staff, housing_company, quota_agreement
):
    landlord = linked_landlord(housing_company, admin_staff)
    other_landlord = make_landlord(admin_staff, name="Privatvermieter Schulz")
    move_in(social_worker, landlord, TODAY)  # counts this year
    move_in(social_worker, landlord, LAST_YEAR)  # counts last year, not this year
    move_in(social_worker, other_landlord, TODAY)  # another landlord: never
    move_in(social_worker, landlord, TODAY, step=PlacementStep.LEASE_SIGNED)  # not yet moved in

    years = quota.fulfilment_by_year(quota_agreement)

    assert [(year.year, year.flats, year.quota) for year in years] == [(YEAR - 1, 1, 10), (YEAR, 1, 10)]
    assert years[-1].current
    list_page = client_of(social_worker).get(reverse("cooperation:agreement_list")).content.decode()
    assert "1 von 10 Wohnungen" in list_page
    detail = client_of(social_worker).get(reverse("cooperation:agreement_detail", args=[quota_agreement.pk]))
    page = detail.content.decode()
    assert f"1 von 10 Wohnungen {YEAR}" in page
    assert f"1 von 10 Wohnungen {YEAR - 1}" in page


def test_move_ins_outside_the_term_do_not_count(team_lead, social_worker, admin_staff, housing_company):
    agreement = make_agreement(
        team_lead,
        partner=housing_company,
        yearly_flat_quota=5,
        signed_on=date(YEAR - 1, 7, 1),
        valid_from=date(YEAR - 1, 7, 1),
        valid_until=date(YEAR - 1, 12, 31),
        status=AgreementStatus.EXPIRED,
    )
    landlord = linked_landlord(housing_company, admin_staff)
    move_in(social_worker, landlord, date(YEAR - 1, 3, 1))  # before the agreement
    move_in(social_worker, landlord, date(YEAR - 1, 8, 1))  # during
    move_in(social_worker, landlord, TODAY)  # after it expired

    assert [(year.year, year.flats) for year in quota.fulfilment_by_year(agreement)] == [(YEAR - 1, 1)]
    listed = quota.with_flats_in_year(Agreement.objects.filter(pk=agreement.pk), YEAR - 1).get()
    assert listed.flats_in_year == 1
    assert quota.with_flats_in_year(Agreement.objects.filter(pk=agreement.pk), YEAR).get().flats_in_year == 0


def test_an_agreement_in_negotiation_counts_nothing_yet(
    client_of, team_lead, social_worker, admin_staff, housing_company
):
    agreement = make_agreement(team_lead, partner=housing_company, status="negotiating", yearly_flat_quota=4)
    move_in(social_worker, linked_landlord(housing_company, admin_staff), TODAY)

    assert quota.fulfilment_by_year(agreement) == []
    page = client_of(team_lead).get(reverse("cooperation:agreement_list")).content.decode()
    assert "4 pro Jahr geplant" in page


def test_a_partner_without_linked_landlords_is_pointed_out(client_of, team_lead, quota_agreement):
    page = client_of(team_lead).get(reverse("cooperation:agreement_detail", args=[quota_agreement.pk]))
    assert "hat noch keine verknüpfte Vermieter*in" in page.content.decode()


# --- Documents -------------------------------------------------------------------------------


def test_the_team_lead_uploads_the_signed_agreement_to_private_storage(client_of, team_lead, media, housing_company):
    agreement = make_agreement(team_lead, partner=housing_company)

    response = client_of(team_lead).post(
        reverse("cooperation:agreement_document_upload", args=[agreement.pk]),
        {"file": upload("Vereinbarung ha.ge.we.pdf", PDF_BYTES, "application/pdf"), "description": "unterschrieben"},
    )

    document = AgreementDocument.objects.get()
    assert response.status_code == 302
    assert response.url.endswith("#agreement-documents")
    assert document.content_type == "application/pdf"
    assert document.original_name == "Vereinbarung ha.ge.we.pdf"
    assert "Vereinbarung" not in document.file.name
    assert (media / document.file.name).read_bytes() == PDF_BYTES
    page = client_of(team_lead).get(response.url.split("#")[0]).content.decode()
    assert "Vereinbarung ha.ge.we.pdf" in page


def test_readers_download_as_attachment_and_every_download_is_logged(
    client_of, social_worker, team_lead, media, housing_company
):
    document = make_document(
        team_lead, make_agreement(team_lead, partner=housing_company), name="scan.png", content=image_bytes("JPEG")
    )

    response = client_of(social_worker).get(reverse("cooperation:agreement_document_download", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="scan.jpg"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == image_bytes("JPEG")
    entry = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert (entry.user, entry.object_type, entry.object_id) == (
        social_worker,
        "cooperation.agreementdocument",
        str(document.pk),
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vertrag.pdf", b"MZ\x90\x00 a program renamed", "Die Datei ist kein PDF-, JPEG- oder PNG-Dokument."),
        ("leer.pdf", b"", "Die übertragene Datei ist leer."),
        ("gross.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "Die Datei ist größer als 10 MB."),
    ],
)
def test_wrong_files_are_refused_in_german(client_of, team_lead, media, housing_company, name, content, message):
    agreement = make_agreement(team_lead, partner=housing_company)
    response = client_of(team_lead).post(
        reverse("cooperation:agreement_document_upload", args=[agreement.pk]), {"file": upload(name, content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AgreementDocument.objects.exists()
    assert not any(media.rglob("*.*")) and not any(path.is_file() for path in media.rglob("*"))


def test_social_workers_cannot_upload(client_of, social_worker, team_lead, media, housing_company):
    agreement = make_agreement(team_lead, partner=housing_company)
    response = client_of(social_worker).post(
        reverse("cooperation:agreement_document_upload", args=[agreement.pk]), {"file": upload("a.pdf", PDF_BYTES)}
    )
    assert response.status_code == 403
    assert not AgreementDocument.objects.exists()


def test_another_organisations_document_is_not_found(client_of, outsider, team_lead, media, housing_company):
    document = make_document(team_lead, make_agreement(team_lead, partner=housing_company))
    response = client_of(outsider).get(reverse("cooperation:agreement_document_download", args=[document.pk]))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


# --- Query counts ----------------------------------------------------------------------------


def _agreements(team_lead, partner, first, last):
    for number in range(first, last):
        make_agreement(team_lead, partner=partner, subject=f"Vereinbarung {number:02d}", yearly_flat_quota=3)


def test_the_list_runs_the_same_few_queries_for_1_and_50_agreements(client_of, social_worker, team_lead, admin_staff):
    partner = make_partner(team_lead)
    landlord = linked_landlord(partner, admin_staff)
    move_in(social_worker, landlord, TODAY)
    browser = client_of(social_worker)
    url = reverse("cooperation:agreement_list")
    _agreements(team_lead, partner, 0, 1)
    browser.get(url)
    with CaptureQueriesContext(connection) as one:
        browser.get(url)
    _agreements(team_lead, partner, 1, 50)
    with CaptureQueriesContext(connection) as fifty:
        response = browser.get(url, {"status": "signed"})
    assert len(response.context["agreements"]) == 50
    assert all(agreement.flats_in_year == 1 for agreement in response.context["agreements"])
    assert len(one) == len(fifty) <= 15


def test_the_agreement_page_runs_the_same_few_queries_with_more_documents(
    client_of, social_worker, team_lead, media, housing_company, quota_agreement
):
    browser = client_of(social_worker)
    url = reverse("cooperation:agreement_detail", args=[quota_agreement.pk])
    make_document(team_lead, quota_agreement, name="a.pdf")
    browser.get(url)
    with CaptureQueriesContext(connection) as one:
        browser.get(url)
    for number in range(5):
        make_document(team_lead, quota_agreement, name=f"anlage-{number}.pdf")
    with CaptureQueriesContext(connection) as more:
        browser.get(url)
    assert len(one) == len(more) <= 15
