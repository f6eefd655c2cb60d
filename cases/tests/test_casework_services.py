"""Services of the daily case work: stays, contacts, tasks, case edits; stale edits."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import AccommodationStay, Case, Contact, Task
from cases.services.cases import case_close, case_update
from cases.services.casework import contact_update, stay_save, task_done, task_save
from hagen_zuhause.codes import CaseType, ContactType, Outcome
from hagen_zuhause.locking import record_version
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from tests.builders import make_case, make_client, make_contact, make_stay, make_task


@pytest.fixture
def person(social_worker):
    return make_client(social_worker, first_name="Georgi", last_name="Ivanov")


# --- Accommodation stays --------------------------------------------------------------------


def test_overlapping_stays_are_refused_with_a_german_message(social_worker, person):
    make_stay(person, social_worker, start=date(2026, 1, 1), end=date(2026, 3, 31))
    with pytest.raises(ValidationError, match="bereits anderweitig untergebracht"):
        make_stay(person, social_worker, start=date(2026, 3, 31), kind="transitional_flat")
    make_stay(person, social_worker, start=date(2026, 4, 1), kind="transitional_flat")
    assert AccommodationStay.objects.filter(client=person).count() == 2


def test_an_open_stay_blocks_every_later_start_until_it_is_ended(social_worker, person):
    shelter = make_stay(person, social_worker, start=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        make_stay(person, social_worker, start=date(2026, 9, 1), kind="transitional_flat")
    shelter.end = date(2026, 8, 31)
    stay_save(stay=shelter, actor=social_worker, version=record_version(AccommodationStay.objects.get(pk=shelter.pk)))
    make_stay(person, social_worker, start=date(2026, 9, 1), kind="transitional_flat")


# --- Contacts -------------------------------------------------------------------------------


def test_a_contact_is_recorded_for_the_acting_worker_on_the_open_case(social_worker, person):
    case = make_case(person, social_worker)
    contact = make_contact(person, social_worker, contact_type=ContactType.PHONE, note="Rückruf Jobcenter")
    assert contact.worker == social_worker
    assert contact.case == case


def test_two_different_contacts_on_one_day_are_two(social_worker, person):
    make_contact(person, social_worker, contact_type=ContactType.PHONE)
    make_contact(person, social_worker, contact_type=ContactType.OFFICE)
    assert Contact.objects.filter(client=person).count() == 2


def test_only_the_author_or_the_team_lead_changes_a_contact(social_worker, team_lead, person):
    contact = make_contact(person, team_lead, note="vom Team")
    version = record_version(Contact.objects.get(pk=contact.pk))
    contact.note = "geändert"
    with pytest.raises(PermissionDenied):
        contact_update(contact=contact, actor=social_worker, version=version)
    contact_update(contact=contact, actor=team_lead, version=record_version(Contact.objects.get(pk=contact.pk)))
    assert Contact.objects.get(pk=contact.pk).note == "geändert"

    own = make_contact(person, social_worker, note="eigener")
    own.note = "eigener, ergänzt"
    contact_update(contact=own, actor=social_worker, version=record_version(Contact.objects.get(pk=own.pk)))
    lead_edit = Contact.objects.get(pk=own.pk)
    lead_edit.duration_minutes = 30
    contact_update(contact=lead_edit, actor=team_lead, version=record_version(Contact.objects.get(pk=own.pk)))
    assert Contact.objects.get(pk=own.pk).worker == social_worker  # the author stays


def test_a_stale_contact_edit_does_not_overwrite_a_newer_one(social_worker, team_lead, person):
    contact = make_contact(person, social_worker, note="erste Fassung")
    version = record_version(contact)
    theirs = Contact.objects.get(pk=contact.pk)
    theirs.note = "von der Teamleitung ergänzt"
    contact_update(contact=theirs, actor=team_lead, version=version)

    contact.note = "meine Fassung"
    with pytest.raises(ValidationError):
        contact_update(contact=contact, actor=social_worker, version=version)
    assert Contact.objects.get(pk=contact.pk).note == "von der Teamleitung ergänzt"


# --- Tasks ----------------------------------------------------------------------------------


def test_a_task_belongs_to_the_clients_organisation(social_worker, person):
    task = make_task(person, social_worker, title="Wohnungsamt anrufen")
    assert task.organisation == social_worker.organisation


def test_tasks_are_assigned_only_to_active_colleagues(social_worker, outsider, organisation, person):
    with pytest.raises(ValidationError):
        make_task(person, social_worker, assignee=outsider)
    former = user_create(organisation=organisation, username="ehemalig", role=Role.SOCIAL_WORKER, password=None)
    former.is_active = False
    former.save()
    with pytest.raises(ValidationError):
        make_task(person, social_worker, assignee=former)
    assert not Task.objects.exists()


def test_done_is_recorded_once_with_who_and_when(social_worker, team_lead, person):
    task = make_task(person, social_worker)
    task_done(task=task, actor=social_worker)
    first_done = Task.objects.get(pk=task.pk).done_at
    task_done(task=task, actor=team_lead)
    task = Task.objects.get(pk=task.pk)
    assert task.done_by == social_worker
    assert task.done_at == first_done
    assert not Task.objects.open().exists()


def test_a_task_edited_meanwhile_is_not_overwritten(social_worker, team_lead, person):
    task = make_task(person, social_worker, title="Antrag KdU")
    version = record_version(task)
    task_done(task=task, actor=team_lead)
    task.title = "Antrag KdU prüfen"
    with pytest.raises(ValidationError):
        task_save(task=task, actor=social_worker, version=version)


# --- Cases ----------------------------------------------------------------------------------


def test_a_case_can_be_corrected_but_not_into_a_second_open_case_of_its_kind(social_worker, person):
    case = make_case(person, social_worker, case_type=CaseType.PROVISION, opened_on=date(2026, 2, 1))
    case.homeless_since = date(2025, 1, 15)
    case_update(case=case, actor=social_worker, version=record_version(Case.objects.get(pk=case.pk)))
    assert Case.objects.get(pk=case.pk).is_long_term_homeless(on=date(2026, 2, 1))

    case_close(case=case, outcome=Outcome.PLACED_OWN_TENANCY, actor=social_worker, closed_on=date(2026, 5, 1))
    case.refresh_from_db()
    case.opened_on = date(2026, 6, 1)
    with pytest.raises(ValidationError):
        case_update(case=case, actor=social_worker, version=record_version(Case.objects.get(pk=case.pk)))
