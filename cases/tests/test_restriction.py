"""Restriction of processing (Art. 18 GDPR): the team lead restricts with a reason and lifts it with a reason;
meanwhile the file is read-only, out of the lists except the team lead's, and not anonymised."""

import threading
from datetime import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Client, Contact, ProcessingRestriction
from cases.services.cases import case_close
from cases.services.casework import task_done
from cases.services.erasure import erasure_request
from cases.services.restriction import processing_restrict, processing_restriction_lift
from cases.services.retention import anonymise_clients_now, due_clients
from tests.builders import (
    REASON,
    make_appointment,
    make_case,
    make_client,
    make_contact,
    make_flat,
    make_offer,
    make_placement,
    make_seeker,
    make_task,
)

pytestmark = pytest.mark.django_db

RESTRICTED = "Die Verarbeitung der Daten dieser Person ist eingeschränkt"


@pytest.fixture
def person(social_worker):
    return make_client(social_worker, first_name="Mira", last_name="Einschränkung")


def test_while_restricted_the_services_refuse_changes_with_a_german_message(person, social_worker, team_lead):
    case = make_case(person, social_worker)
    task = make_task(person, social_worker)
    processing_restrict(client=person, actor=team_lead, reason="Richtigkeit bestritten")

    for change in (
        lambda: make_contact(person, social_worker, note="Neuer Kontakt"),
        lambda: make_case(person, social_worker, case_type="provision"),
        lambda: make_task(person, social_worker),
        lambda: task_done(task=task, actor=social_worker),
        lambda: case_close(case=case, outcome="tenancy_kept", actor=social_worker),
    ):
        with pytest.raises(ValidationError, match=RESTRICTED):
            change()
    assert not Contact.objects.filter(client=person).exists()
    case.refresh_from_db()
    assert case.closed_on is None

    processing_restriction_lift(client=person, actor=team_lead, reason="Daten berichtigt")
    make_contact(person, social_worker, note="Wieder möglich")
    assert Contact.objects.filter(client=person).count() == 1


def test_restricting_and_lifting_need_a_team_lead_and_reasons_and_both_are_in_the_history(
    person, social_worker, team_lead, client_of
):
    with pytest.raises(ValidationError, match="Teamleitung"):
        processing_restrict(client=person, actor=social_worker, reason="x")
    with pytest.raises(ValidationError):
        processing_restrict(client=person, actor=team_lead, reason=" ")
    restriction = processing_restrict(client=person, actor=team_lead, reason="Richtigkeit bestritten")
    with pytest.raises(ValidationError, match="bereits eingeschränkt"):
        processing_restrict(client=person, actor=team_lead, reason="noch einmal")
    with pytest.raises(ValidationError):
        processing_restriction_lift(client=person, actor=team_lead, reason="")

    processing_restriction_lift(client=person, actor=team_lead, reason="Daten berichtigt")

    restriction.refresh_from_db()
    assert restriction.lifted_by == team_lead and restriction.lift_reason == "Daten berichtigt"
    with pytest.raises(ValidationError, match="nicht eingeschränkt"):
        processing_restriction_lift(client=person, actor=team_lead, reason="schon aufgehoben")
    events = apps.get_model("cases", "ProcessingRestrictionEvent").objects.filter(client=person).order_by("pgh_id")
    assert [(event.reason, event.lift_reason) for event in events] == [
        ("Richtigkeit bestritten", ""),
        ("Richtigkeit bestritten", "Daten berichtigt"),
    ]
    history = client_of(team_lead).get(reverse("cases:client_history", args=[person.pk])).content.decode()
    assert "Richtigkeit bestritten" in history and "Daten berichtigt" in history


def test_a_restricted_client_is_out_of_the_lists_except_for_the_team_lead(person, social_worker, team_lead, client_of):
    make_case(person, social_worker)
    processing_restrict(client=person, actor=team_lead, reason="Richtigkeit bestritten")

    worker_list = client_of(social_worker).get(reverse("cases:client_list")).content.decode()
    worker_search = client_of(social_worker).get(reverse("cases:client_list"), {"q": "Einschränkung"}).content.decode()
    worker_start = client_of(social_worker).get(reverse("dashboard")).content.decode()
    lead_list = client_of(team_lead).get(reverse("cases:client_list")).content.decode()
    assert person.case_number not in worker_list + worker_search + worker_start
    assert person.case_number in lead_list
    # The assigned worker can still open the page, which says why nothing can be changed.
    page = client_of(social_worker).get(person.get_absolute_url()).content.decode()
    assert "Verarbeitung eingeschränkt (Art. 18 DSGVO)" in page and "Richtigkeit bestritten" in page
    assert "Kontakt erfassen" not in page


def test_a_restricted_client_is_neither_erased_nor_anonymised_by_the_retention(person, team_lead):
    Client.objects.filter(pk=person.pk).update(created_at=timezone.make_aware(datetime(2020, 1, 1)))
    assert person in due_clients(person.organisation)
    processing_restrict(client=person, actor=team_lead, reason="Für Rechtsansprüche benötigt")
    assert person not in due_clients(person.organisation)
    with pytest.raises(ValidationError, match="eingeschränkt"):
        erasure_request(client=person, actor=team_lead, reason=REASON)


def test_the_pages_restrict_and_lift_with_reasons(person, team_lead, client_of):
    web = client_of(team_lead)
    page = web.get(person.get_absolute_url()).content.decode()
    assert reverse("cases:processing_restrict", args=[person.pk]) in page

    empty = web.post(reverse("cases:processing_restrict", args=[person.pk]), {"reason": ""})
    assert empty.status_code == 200 and "Dieses Feld ist zwingend erforderlich" in empty.content.decode()
    response = web.post(reverse("cases:processing_restrict", args=[person.pk]), {"reason": "Richtigkeit bestritten"})
    assert response.status_code == 302
    again = web.post(reverse("cases:processing_restrict", args=[person.pk]), {"reason": "Richtigkeit bestritten"})
    assert again.status_code == 200 and "bereits eingeschränkt" in again.content.decode()
    assert ProcessingRestriction.objects.count() == 1
    page = web.get(person.get_absolute_url()).content.decode()
    assert reverse("cases:processing_restriction_lift", args=[person.pk]) in page

    response = web.post(reverse("cases:processing_restriction_lift", args=[person.pk]), {"reason": "Berichtigt"})

    assert response.status_code == 302
    assert not ProcessingRestriction.objects.active().exists()


def test_the_housing_services_refuse_a_restricted_client_too(social_worker, team_lead):
    from housing.services import placements as housing_services
    from housing.services.senior_flat import waiting_add

    seeker = make_seeker(social_worker, last_name="Wohnungssuche")
    placement = make_placement(social_worker, client=seeker)
    processing_restrict(client=seeker, actor=team_lead, reason="Richtigkeit bestritten")

    with pytest.raises(ValidationError, match=RESTRICTED):
        housing_services.placement_propose(offer=make_offer(social_worker), client=seeker, actor=social_worker)
    with pytest.raises(ValidationError, match=RESTRICTED):
        housing_services.placement_advance(placement=placement, step="viewing", actor=social_worker)
    with pytest.raises(ValidationError, match=RESTRICTED):
        waiting_add(flat=make_flat(social_worker.organisation), client=seeker, actor=social_worker)
    placement.refresh_from_db()
    assert placement.step == "proposed"


# --- A read-only file: no edit actions, marked in the lists, refused by the services -------------

EDIT_ACTIONS = (
    "Persönliche Daten bearbeiten",
    "Neue Wiedervorlage",
    "Neuer Termin",
    "Fall eröffnen",
    "Kontakt erfassen",
)


def test_a_restricted_file_shows_no_edit_actions(person, social_worker, team_lead, client_of):
    make_task(person, social_worker, title="Unterlagen anfordern")
    web = client_of(social_worker)
    page = web.get(reverse("cases:client_detail", args=[person.pk])).content.decode()
    assert all(action in page for action in EDIT_ACTIONS)

    processing_restrict(client=person, actor=team_lead, reason="Richtigkeit bestritten")
    page = web.get(reverse("cases:client_detail", args=[person.pk])).content.decode()
    assert "Unterlagen anfordern" in page  # still readable
    for action in EDIT_ACTIONS:
        assert action not in page
    assert reverse("cases:task_done", args=[person.tasks.get().pk]) not in page


def test_an_anonymised_file_is_read_only_with_a_german_message(person, social_worker, client_of):
    task = make_task(person, social_worker)
    anonymise_clients_now(ids=[person.pk])

    for change in (
        lambda: make_contact(person, social_worker, note="Neuer Kontakt"),
        lambda: make_task(person, social_worker),
        lambda: task_done(task=task, actor=social_worker),
    ):
        with pytest.raises(ValidationError, match="Die Daten dieser Person wurden anonymisiert"):
            change()
    assert not Contact.objects.filter(client=person).exists()
    page = client_of(social_worker).get(reverse("cases:client_detail", args=[person.pk])).content.decode()
    for action in EDIT_ACTIONS:
        assert action not in page


def test_task_list_and_week_mark_a_restricted_client_and_offer_no_action(person, social_worker, team_lead, client_of):
    other = make_client(social_worker, first_name="Otto", last_name="Offen")
    restricted_task = make_task(person, social_worker, title="Frist prüfen", due_on=timezone.localdate())
    open_task = make_task(other, social_worker, title="Rückruf", due_on=timezone.localdate())
    restricted_appointment = make_appointment(person, social_worker)
    processing_restrict(client=person, actor=team_lead, reason="Richtigkeit bestritten")

    for user in (social_worker, team_lead):
        web = client_of(user)
        tasks = web.get(reverse("cases:task_list"), {"scope": "team"}).content.decode()
        assert "Frist prüfen" in tasks  # a deadline must not vanish from the list
        row = tasks[tasks.index("Frist prüfen") :]
        row = row[: row.index("</tr>")]
        assert "nur lesbar" in row
        assert reverse("cases:task_done", args=[restricted_task.pk]) not in tasks
        assert reverse("cases:task_done", args=[open_task.pk]) in tasks

    week = (
        client_of(social_worker)
        .get(reverse("cases:calendar"), {"week": restricted_appointment.date.isoformat()})
        .content.decode()
    )
    assert "nur lesbar" in week
    assert reverse("cases:appointment_edit", args=[restricted_appointment.pk]) not in week


@pytest.mark.django_db(transaction=True)
def test_a_restriction_made_while_a_change_waits_is_seen_by_the_change(person, social_worker, team_lead):
    """The check reads the restriction after locking the client row, as the restriction does."""
    restricted = threading.Event()
    release = threading.Event()

    def restrict():
        try:
            with transaction.atomic():
                processing_restrict(client=person, actor=team_lead, reason="Richtigkeit bestritten")
                restricted.set()
                release.wait(10)  # hold the client's row lock, not yet committed
        finally:
            connection.close()

    thread = threading.Thread(target=restrict)
    thread.start()
    assert restricted.wait(10)
    outcome = []

    def change():
        try:
            make_contact(person, social_worker, note="Zur gleichen Zeit")
            outcome.append("saved")
        except ValidationError as error:
            outcome.append(error.messages[0])
        finally:
            connection.close()

    changer = threading.Thread(target=change)
    changer.start()
    changer.join(1)
    assert changer.is_alive()  # waits for the restriction's transaction
    release.set()
    thread.join(10)
    changer.join(10)
    assert outcome and outcome[0].startswith(RESTRICTED)
    assert not Contact.objects.filter(client=person).exists()
