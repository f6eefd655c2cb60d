"""The client page and the case-work pages as a user sees them."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import AccommodationStay, Case, Contact, HouseholdMember, Notice, Task
from cases.services.cases import case_close
from cases.services.casework import task_done
from cases.services.clients import client_update, target_group_join
from cases.services.documents import document_upload
from cases.services.referrals import referral_create
from cases.views.casework import TaskListView
from hagen_zuhause.codes import CaseType, ContactType, NoticeKind, Outcome, Relationship, TargetGroup, TaskKind
from hagen_zuhause.locking import record_version
from hagen_zuhause.models import AccessLog
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from tests.builders import (
    PDF_BYTES,
    make_appointment,
    make_case,
    make_client,
    make_contact,
    make_notice,
    make_partner,
    make_stay,
    make_task,
    upload,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def _today(days=0):
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def person(social_worker):
    return make_client(
        social_worker, first_name="Georgi", last_name="Ivanov", birth_date=date(1961, 3, 12), health_notes="Diabetes"
    )


def _page(web, client, **params):
    response = web.get(reverse("cases:client_detail", args=[client.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


# --- Client page ----------------------------------------------------------------------------


def test_the_client_page_shows_header_cases_tasks_and_timeline(client_of, social_worker, person):
    target_group_join(client=person, group=TargetGroup.EU2, start=date(2026, 1, 1))
    make_case(person, social_worker, case_type=CaseType.PROVISION, homeless_since=_today(-400))
    make_stay(person, social_worker, start=_today(-30), provider_name="Notunterkunft Eilpe")
    make_task(person, social_worker, title="Termin Jobcenter vorbereiten", due_on=_today(-1))
    make_contact(person, social_worker, contact_type=ContactType.OUTREACH, note="Am Hauptbahnhof angetroffen")

    text = _page(client_of(social_worker), person)

    assert "Georgi Ivanov" in text
    assert person.case_number in text
    assert "geb. 12.03.1961" in text
    assert "Bürger*innen aus Bulgarien und Rumänien" in text or "Bulgarien" in text
    assert "langzeitwohnungslos" in text
    assert "Notunterkunft Eilpe" in text
    assert "Termin Jobcenter vorbereiten" in text
    assert "überfällig" in text
    assert "Am Hauptbahnhof angetroffen" in text
    assert "Kontakt speichern" in text
    assert "Diabetes" not in text  # health notes only on request
    assert "Gesundheitsangaben anzeigen" in text


def test_every_view_of_the_client_page_is_logged(client_of, social_worker, person):
    web = client_of(social_worker)
    _page(web, person)
    _page(web, person)
    entries = AccessLog.objects.filter(user=social_worker, action=AccessLog.Action.VIEW, object_id=str(person.pk))
    assert entries.count() == 2
    assert entries.first().object_type == "cases.client"


def test_health_notes_are_shown_on_request_and_logged_as_restricted(client_of, social_worker, person):
    web = client_of(social_worker)
    url = reverse("cases:client_health_notes", args=[person.pk])

    fragment = web.get(url, **HTMX)
    page = web.get(url)

    assert fragment.status_code == page.status_code == 200
    assert "Diabetes" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert "Diabetes" in page.content.decode()
    assert "Georgi Ivanov" in page.content.decode()  # the whole client page, without JavaScript
    restricted = AccessLog.objects.filter(action=AccessLog.Action.VIEW_RESTRICTED, object_id=str(person.pk))
    assert restricted.count() == 2
    assert restricted.filter(detail="health notes").count() == 2


def test_verwaltung_never_reads_client_files(client_of, admin_staff, person):
    web = client_of(admin_staff)
    for name in ("cases:client_detail", "cases:client_health_notes", "cases:client_history"):
        assert web.get(reverse(name, args=[person.pk])).status_code == 403
    assert not AccessLog.objects.filter(user=admin_staff).exists()


def test_another_organisation_finds_no_client(client_of, outsider, person):
    web = client_of(outsider)
    for name in ("cases:client_detail", "cases:client_health_notes", "cases:client_history"):
        assert web.get(reverse(name, args=[person.pk])).status_code == 404


def test_a_restricted_client_of_someone_else_does_not_exist_for_a_social_worker(
    client_of, social_worker, team_lead, restricted_client
):
    case = make_case(restricted_client, team_lead)
    contact = make_contact(restricted_client, team_lead)
    task = make_task(restricted_client, team_lead)
    notice = make_notice(restricted_client, team_lead)
    stay = make_stay(restricted_client, team_lead)
    web = client_of(social_worker)
    urls = [
        reverse("cases:client_detail", args=[restricted_client.pk]),
        reverse("cases:client_health_notes", args=[restricted_client.pk]),
        reverse("cases:client_history", args=[restricted_client.pk]),
        reverse("cases:case_open", args=[restricted_client.pk]),
        reverse("cases:case_edit", args=[case.pk]),
        reverse("cases:case_close", args=[case.pk]),
        reverse("cases:stay_create", args=[restricted_client.pk]),
        reverse("cases:stay_edit", args=[stay.pk]),
        reverse("cases:contact_edit", args=[contact.pk]),
        reverse("cases:task_create", args=[restricted_client.pk]),
        reverse("cases:task_edit", args=[task.pk]),
        reverse("cases:notice_create", args=[restricted_client.pk]),
        reverse("cases:notice_edit", args=[notice.pk]),
    ]
    for url in urls:
        assert web.get(url).status_code == 404, url
    for name, pk in [("cases:contact_create", restricted_client.pk), ("cases:task_done", task.pk)]:
        assert web.post(reverse(name, args=[pk]), {"date": _today().isoformat()}).status_code == 404
    assert "Schutz" not in web.get(reverse("cases:task_list")).content.decode()
    assert _page(client_of(team_lead), restricted_client).count("Sperrvermerk") >= 1


def test_the_timeline_pages_through_many_contacts(client_of, social_worker, person):
    Contact.objects.bulk_create(
        Contact(client=person, date=_today(-number), contact_type="office", worker=social_worker, note=f"Nr. {number}")
        for number in range(200)
    )
    web = client_of(social_worker)

    first = _page(web, person)
    second = _page(web, person, contacts_page=2)
    last = _page(web, person, contacts_page=4)

    assert len(re.findall(r'id="contact-\d+"', first)) == 50
    assert "Nr. 0<" in first and "Nr. 49<" in first and "Nr. 50<" not in first
    assert "Nr. 50<" in second and "Nr. 99<" in second
    assert "Ältere Kontakte" in first and "Neuere Kontakte" not in first
    assert "Neuere Kontakte" in last and "Ältere Kontakte" not in last


def _page_queries(web, client):
    with CaptureQueriesContext(connection) as captured:
        response = web.get(reverse("cases:client_detail", args=[client.pk]))
    assert response.status_code == 200
    return len(captured)


def _add_to_every_list(person, worker, partner, numbers):
    """One row per number in each of the nine lists of the client page."""
    for number in numbers:
        if number == 0:
            make_case(person, worker, case_type=CaseType.PROVISION, opened_on=_today(-900))
        else:
            case = make_case(person, worker, opened_on=_today(-900 + number))
            case_close(case=case, outcome=Outcome.TENANCY_KEPT, actor=worker, closed_on=_today(-800 + number))
        make_stay(person, worker, start=_today(-700 + 10 * number), end=_today(-695 + 10 * number))
        # Hearings passed, within the week and later: the header's warnings read no extra rows.
        make_notice(
            person, worker, received_on=_today(-number - 10), hearing_on=_today(number - 3), served_on=_today(-5)
        )
        target_group_join(
            client=person, group=TargetGroup.WOMEN, start=_today(-700 + 10 * number), end=_today(-695 + 10 * number)
        )
        make_task(person, worker, title=f"Wiedervorlage {number}")
        make_appointment(person, worker, day=_today(number + 1))
        referral_create(
            client=person, partner=partner, referred_on=_today(-number), actor=worker, consent_override_reason="Notfall"
        )
        document_upload(
            client=person,
            uploaded_file=upload(f"Brief{number}.pdf", PDF_BYTES),
            kind="letter",
            description="",
            actor=worker,
        )
        make_contact(person, worker, day=_today(-number), contact_type=ContactType.PHONE)


def test_client_page_queries_do_not_grow_with_the_file(client_of, social_worker, person):
    web = client_of(social_worker)
    partner = make_partner(social_worker.organisation)
    _add_to_every_list(person, social_worker, partner, range(1))
    one = _page_queries(web, person)

    _add_to_every_list(person, social_worker, partner, range(1, 50))
    fifty = _page_queries(web, person)

    # One query per list (Django's prefetching); one of the others asks whether the file is seen in
    # cover (the access log says so). The user comes with the organisation, the role and the permissions in
    # one query.
    assert one == fifty == 20
    page = _page(web, person)
    assert 'id="deadlines-passed"' in page and 'id="deadlines-soon"' in page
    assert len(re.findall(r'id="contact-\d+"', page)) == 50


# --- History --------------------------------------------------------------------------------


def test_history_shows_changes_of_the_client_and_its_records_but_not_health_notes(
    client_of, social_worker, team_lead, person
):
    web = client_of(social_worker)
    web.post(
        reverse("cases:contact_create", args=[person.pk]),
        {"date": _today().isoformat(), "contact_type": "phone", "note": "Erster Anruf"},
    )
    contact = Contact.objects.get(client=person)
    web.post(
        reverse("cases:contact_edit", args=[contact.pk]),
        {
            "date": _today().isoformat(),
            "contact_type": "phone",
            "note": "Erster Anruf, Rückruf erbeten",
            "version": record_version(contact),
        },
    )
    client_update(client=person, actor=team_lead, health_notes="Insulinpflichtig")
    other = make_client(social_worker, first_name="Andere", last_name="Person")
    make_contact(other, social_worker, note="Gehört nicht hierher")

    response = web.get(reverse("cases:client_history", args=[person.pk]))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Sonja Albers" in text
    assert "Erster Anruf, Rückruf erbeten" in text
    assert "Telefon" in text  # codes shown with their label
    assert "Gehört nicht hierher" not in text
    assert "Insulinpflichtig" not in text and "Diabetes" not in text
    assert "(geschützt)" in text
    assert AccessLog.objects.filter(action=AccessLog.Action.VIEW, object_id=str(person.pk), detail="history").exists()


def _history_queries(web, client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = web.get(reverse("cases:client_history", args=[client.pk]), params)
    assert response.status_code == 200
    return len(captured), response


def test_history_page_queries_do_not_grow_with_the_history(client_of, social_worker, team_lead, person):
    web = client_of(social_worker)
    make_contact(person, social_worker, note="Erster Kontakt")
    make_task(person, team_lead)
    few, _response = _history_queries(web, person)

    for number in range(60):
        make_contact(person, team_lead, note=f"Kontakt {number}")
    client_update(client=person, actor=team_lead, phone="02331 555")
    many, first = _history_queries(web, person)
    second_page, second = _history_queries(web, person, page=2)

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 64 - 50  # client, first contact, task, 60 contacts, phone change
    # One query per kind of record the rows name (users, clients, tasks, contacts), however many rows.
    assert many == few
    assert second_page <= few  # the older page names fewer kinds
    assert many <= 16  # one of them asks whether the history is seen in cover (the access log says so)


# --- Cases ----------------------------------------------------------------------------------


def test_opening_a_case_and_refusing_a_second_open_one_of_the_kind(client_of, social_worker, person):
    web = client_of(social_worker)
    data = {
        "case_type": "provision",
        "opened_on": _today().isoformat(),
        "housing_situation": "ethos2",
        "bagw_situation": "emergency_shelter",
        "homeless_since": _today(-500).isoformat(),
    }
    url = reverse("cases:case_open", args=[person.pk])

    first = web.post(url, data)
    second = web.post(url, data)

    assert first.status_code == 302
    assert second.status_code == 200
    assert "bereits einen offenen Fall dieser Art" in second.content.decode()
    assert Case.objects.filter(client=person).count() == 1
    assert "langzeitwohnungslos" in _page(web, person)


def test_closing_a_case_offers_its_outcomes_and_reopening_is_post_only(client_of, social_worker, person):
    case = make_case(person, social_worker, case_type=CaseType.PREVENTION)
    web = client_of(social_worker)
    form = web.get(reverse("cases:case_close", args=[case.pk])).content.decode()
    assert "Mietverhältnis erhalten" in form or 'value="tenancy_kept"' in form
    assert 'value="placed_own_tenancy"' not in form

    wrong = web.post(reverse("cases:case_close", args=[case.pk]), {"outcome": "deceased", "closed_on": _today()})
    assert wrong.status_code == 200
    assert Case.objects.get(pk=case.pk).is_open

    close_url = reverse("cases:case_close", args=[case.pk])
    unconfirmed = web.post(close_url, {"outcome": "tenancy_kept", "closed_on": _today()})
    assert unconfirmed.status_code == 200
    assert "Bitte setzen Sie das Häkchen zur Bestätigung" in unconfirmed.content.decode()
    assert Case.objects.get(pk=case.pk).is_open

    done = web.post(
        reverse("cases:case_close", args=[case.pk]),
        {"outcome": "tenancy_kept", "closed_on": _today(), "confirmed": "on"},
    )
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).outcome == Outcome.TENANCY_KEPT

    assert web.get(reverse("cases:case_reopen", args=[case.pk])).status_code == 405
    assert web.post(reverse("cases:case_reopen", args=[case.pk])).status_code == 302
    assert Case.objects.get(pk=case.pk).is_open


def test_closing_a_prevention_case_says_how_many_persons_the_report_will_count(client_of, social_worker, person):
    HouseholdMember.objects.create(client=person, relationship=Relationship.CHILD)
    prevention = make_case(person, social_worker, case_type=CaseType.PREVENTION)
    provision = make_case(person, social_worker, case_type=CaseType.PROVISION)
    web = client_of(social_worker)

    form = web.get(reverse("cases:case_close", args=[prevention.pk])).content.decode()
    assert "eingetragen ist: derzeit 2 Personen." in form
    assert "Bitte tragen Sie fehlende Haushaltsmitglieder vor dem Abschluss ein." in form
    # Only a prevention case's household counts as "homelessness prevented".
    assert "derzeit" not in web.get(reverse("cases:case_close", args=[provision.pk])).content.decode()


def test_a_case_edited_meanwhile_is_not_overwritten(client_of, social_worker, team_lead, person):
    case = make_case(person, social_worker)
    web = client_of(social_worker)
    form = web.get(reverse("cases:case_edit", args=[case.pk])).content.decode()
    version = record_version(Case.objects.get(pk=case.pk))
    assert f'value="{version}"' in form
    client_of(team_lead).post(
        reverse("cases:case_edit", args=[case.pk]),
        {
            "opened_on": case.opened_on,
            "housing_situation": "threatened",
            "bagw_situation": "own_tenancy",
            "version": version,
        },
    )

    response = web.post(
        reverse("cases:case_edit", args=[case.pk]),
        {"opened_on": case.opened_on, "housing_situation": "ethos6", "bagw_situation": "unknown", "version": version},
    )

    assert response.status_code == 200
    assert "gespeichert, während Sie ihn bearbeitet" in response.content.decode()
    assert Case.objects.get(pk=case.pk).housing_situation == "threatened"


# --- Stays ----------------------------------------------------------------------------------


def test_an_overlapping_stay_is_refused_on_the_form(client_of, social_worker, person):
    make_stay(person, social_worker, start=_today(-60))
    response = client_of(social_worker).post(
        reverse("cases:stay_create", args=[person.pk]),
        {"kind": "transitional_flat", "provider_type": "welfare_org", "start": _today(-10).isoformat()},
    )
    assert response.status_code == 200
    assert "bereits anderweitig untergebracht" in response.content.decode()
    assert AccommodationStay.objects.filter(client=person).count() == 1


# --- Contacts -------------------------------------------------------------------------------


def test_quick_entry_without_javascript_redirects_back_to_the_timeline(client_of, social_worker, person):
    web = client_of(social_worker)
    response = web.post(
        reverse("cases:contact_create", args=[person.pk]),
        {"date": _today().isoformat(), "contact_type": "phone", "topics": ["benefits"], "duration_minutes": "15"},
    )
    assert response.status_code == 302
    assert response.url == reverse("cases:client_detail", args=[person.pk]) + "#contacts"
    contact = Contact.objects.get(client=person)
    assert contact.worker == social_worker
    assert contact.topics == ["benefits"]
    assert "Der Kontakt wurde gespeichert." in web.get(response.url).content.decode()


def test_quick_entry_with_htmx_returns_a_fresh_form_and_the_new_timeline(client_of, social_worker, person):
    response = client_of(social_worker).post(
        reverse("cases:contact_create", args=[person.pk]),
        {"date": _today().isoformat(), "contact_type": "outreach", "note": "Schlafplatz Volmepark"},
        **HTMX,
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text
    assert 'id="contact-quick-form"' in text
    assert 'hx-swap-oob="true"' in text
    assert "Schlafplatz Volmepark" in text
    assert "Der Kontakt wurde gespeichert." in text
    assert "Schlafplatz Volmepark</textarea>" not in text  # the form is empty again


def test_quick_entry_with_bad_input_shows_the_error_and_saves_nothing(client_of, social_worker, person):
    web = client_of(social_worker)
    url = reverse("cases:contact_create", args=[person.pk])
    plain = web.post(url, {"date": _today(3).isoformat(), "contact_type": "phone"})
    htmx = web.post(url, {"date": "", "contact_type": "phone"}, **HTMX)
    assert plain.status_code == htmx.status_code == 200
    assert "Ein Kontakt kann nicht in der Zukunft liegen." in plain.content.decode()
    assert "Georgi Ivanov" in plain.content.decode()
    assert "is-invalid" in htmx.content.decode()
    assert not Contact.objects.exists()


def test_a_double_submitted_quick_entry_records_one_contact(client_of, social_worker, person):
    web = client_of(social_worker)
    token = web.get(reverse("cases:client_detail", args=[person.pk])).context["submit_token"]
    data = {"date": _today().isoformat(), "contact_type": "office", "note": "Antrag besprochen", "submit_token": token}
    url = reverse("cases:contact_create", args=[person.pk])
    assert web.post(url, data).status_code == 302
    assert web.post(url, data).status_code == 302
    htmx = web.post(url, data, headers={"HX-Request": "true"})
    assert "Der Kontakt wurde gespeichert." in htmx.content.decode()
    assert Contact.objects.filter(client=person).count() == 1


def test_the_same_contact_entered_again_in_a_fresh_form_is_a_second_contact(client_of, social_worker, person):
    web = client_of(social_worker)
    data = {"date": _today().isoformat(), "contact_type": "office", "note": "Antrag besprochen"}
    url = reverse("cases:contact_create", args=[person.pk])
    for _ in range(2):
        token = web.get(reverse("cases:client_detail", args=[person.pk])).context["submit_token"]
        assert web.post(url, {**data, "submit_token": token}).status_code == 302
    assert Contact.objects.filter(client=person).count() == 2


@pytest.mark.parametrize(
    ("name", "data", "model"),
    [
        ("cases:task_create", {"title": "Jobcenter anrufen", "due_on": "2030-01-15"}, Task),
        (
            "cases:stay_create",
            {"kind": "transitional_flat", "provider_type": "welfare_org", "start": "2026-01-02"},
            AccommodationStay,
        ),
        ("cases:notice_create", {"kind": NoticeKind.NOTICE_TO_QUIT, "received_on": "2026-01-05"}, Notice),
    ],
)
def test_a_double_submitted_form_saves_one_record_and_says_so(client_of, social_worker, person, name, data, model):
    web = client_of(social_worker)
    url = reverse(name, args=[person.pk])
    token = web.get(url).context["submit_token"]
    if name == "cases:task_create":
        data = {**data, "assignee": social_worker.pk}

    first = web.post(url, {**data, "submit_token": token})
    second = web.post(url, {**data, "submit_token": token})

    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert model.objects.filter(client=person).count() == 1
    assert "Dieses Formular wurde bereits gespeichert." in web.get(second.url).content.decode()


def test_a_forged_form_token_saves_nothing_and_asks_to_save_again(client_of, social_worker, person):
    web = client_of(social_worker)
    url = reverse("cases:task_create", args=[person.pk])
    data = {"title": "Jobcenter anrufen", "due_on": "2030-01-15", "assignee": social_worker.pk}

    response = web.post(url, {**data, "submit_token": "forged"})

    assert response.status_code == 200
    assert "Das Formular war abgelaufen." in response.content.decode()
    assert not Task.objects.filter(client=person).exists()
    assert web.post(url, {**data, "submit_token": response.context["submit_token"]}).status_code == 302


def test_contact_create_is_post_only(client_of, social_worker, person):
    assert client_of(social_worker).get(reverse("cases:contact_create", args=[person.pk])).status_code == 405


def test_someone_elses_contact_is_visible_but_only_the_team_lead_edits_it(client_of, social_worker, team_lead, person):
    contact = make_contact(person, team_lead, note="Gespräch mit Vermieter")
    url = reverse("cases:contact_edit", args=[contact.pk])

    page = _page(client_of(social_worker), person)
    assert "Gespräch mit Vermieter" in page
    assert f'href="{url}"' not in page
    assert f'href="{url}"' in _page(client_of(team_lead), person)
    assert client_of(social_worker).get(url).status_code == 403
    assert client_of(social_worker).post(url, {"date": _today(), "contact_type": "phone"}).status_code == 403
    assert client_of(team_lead).get(url).status_code == 200

    own = make_contact(person, social_worker, note="eigener Kontakt")
    assert client_of(social_worker).get(reverse("cases:contact_edit", args=[own.pk])).status_code == 200
    assert client_of(team_lead).get(reverse("cases:contact_edit", args=[own.pk])).status_code == 200


def test_editing_a_contact_saves_the_change(client_of, social_worker, person):
    contact = make_contact(person, social_worker, note="kurz")
    response = client_of(social_worker).post(
        reverse("cases:contact_edit", args=[contact.pk]),
        {
            "date": contact.date.isoformat(),
            "contact_type": "home_visit",
            "note": "Hausbesuch, Wohnung in Ordnung",
            "topics": ["tenancy"],
            "version": record_version(contact),
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.contact_type == "home_visit"
    assert contact.note == "Hausbesuch, Wohnung in Ordnung"


# --- Tasks ----------------------------------------------------------------------------------


def test_task_list_shows_my_open_tasks_overdue_first(client_of, social_worker, team_lead, person):
    make_task(person, social_worker, title="Später", due_on=_today(10))
    make_task(person, social_worker, title="Überfällig", due_on=_today(-3))
    make_task(person, team_lead, title="Nicht meine", due_on=_today(1))
    done = make_task(person, social_worker, title="Schon erledigt", due_on=_today(-5))
    client_of(social_worker).post(reverse("cases:task_done", args=[done.pk]))

    text = client_of(social_worker).get(reverse("cases:task_list")).content.decode()

    assert text.index("Überfällig") < text.index("Später")
    assert "Nicht meine" not in text
    assert "Schon erledigt" not in text
    assert "Ganzes Team" not in text


def test_a_page_named_in_a_task_note_is_a_link_and_the_note_stays_text(client_of, social_worker, person):
    """Follow-up tasks say where to record the answer; the worker clicks it wherever the task is shown."""
    path = reverse("cases:task_list")
    task = make_task(
        person,
        social_worker,
        title="Nachfassen",
        due_on=_today(0),
        note=f"Antwort erfassen unter {path} <b>fett</b> /nicht/da/",
    )
    link = f'<a href="{path}">{path}</a>'
    pages = {
        "tasks": reverse("cases:task_list"),
        "client": reverse("cases:client_detail", args=[person.pk]),
        "start": reverse("dashboard"),
        "edit": reverse("cases:task_edit", args=[task.pk]),
    }
    for name, url in pages.items():
        text = client_of(social_worker).get(url).content.decode()
        assert f"Antwort erfassen unter {link}" in text, name
        assert "&lt;b&gt;fett&lt;/b&gt;" in text, name
        assert "<b>fett</b>" not in text, name
        assert 'href="/nicht/da/"' not in text, name


def test_the_team_lead_switches_between_own_and_team_tasks(client_of, social_worker, team_lead, person):
    make_task(person, social_worker, title="Aufgabe der Sozialarbeit")
    make_task(person, team_lead, title="Aufgabe der Teamleitung")
    web = client_of(team_lead)

    mine = web.get(reverse("cases:task_list")).content.decode()
    team = web.get(reverse("cases:task_list"), {"scope": "team"}).content.decode()
    pretend = client_of(social_worker).get(reverse("cases:task_list"), {"scope": "team"}).content.decode()

    assert "Aufgabe der Teamleitung" in mine and "Aufgabe der Sozialarbeit" not in mine
    assert "Aufgabe der Teamleitung" in team and "Aufgabe der Sozialarbeit" in team
    assert "Aufgabe der Teamleitung" not in pretend


def test_creating_editing_and_finishing_a_task(client_of, social_worker, team_lead, person):
    web = client_of(social_worker)
    response = web.post(
        reverse("cases:task_create", args=[person.pk]),
        {"title": "Unterlagen für Wohnberechtigungsschein", "due_on": _today(7).isoformat(), "assignee": team_lead.pk},
    )
    assert response.status_code == 302
    task = Task.objects.get(client=person)
    assert task.assignee == team_lead
    assert task.kind == TaskKind.MANUAL

    edit = web.post(
        reverse("cases:task_edit", args=[task.pk]),
        {
            "title": "Unterlagen WBS",
            "due_on": _today(8).isoformat(),
            "assignee": social_worker.pk,
            "version": record_version(task),
        },
    )
    assert edit.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.assignee) == ("Unterlagen WBS", social_worker)

    assert web.get(reverse("cases:task_done", args=[task.pk])).status_code == 405
    finished = web.post(reverse("cases:task_done", args=[task.pk]), {"next": reverse("cases:task_list")})
    assert finished.url == reverse("cases:task_list")
    assert Task.objects.get(pk=task.pk).done_by == social_worker


def test_task_done_never_redirects_to_another_site(client_of, social_worker, person):
    task = make_task(person, social_worker)
    response = client_of(social_worker).post(
        reverse("cases:task_done", args=[task.pk]), {"next": "https://example.org/"}
    )
    assert response.url == reverse("cases:client_detail", args=[person.pk]) + "#tasks"


def test_a_deadline_task_keeps_its_date_when_edited(client_of, social_worker, person):
    notice = make_notice(person, social_worker, hearing_on=_today(20))
    task = Task.objects.get(notice=notice)
    client_of(social_worker).post(
        reverse("cases:task_edit", args=[task.pk]),
        {
            "title": "Anders",
            "due_on": _today(1),
            "assignee": social_worker.pk,
            "note": "Anwalt informiert",
            "version": record_version(task),
        },
    )
    task.refresh_from_db()
    assert task.due_on == _today(20)
    assert task.note == "Anwalt informiert"


def test_a_long_task_list_pages_on_without_counting_every_task(client_of, social_worker, person, monkeypatch):
    monkeypatch.setattr(TaskListView, "count_limit", 2)
    monkeypatch.setattr(TaskListView, "paginate_by", 2)
    for number in range(5):
        make_task(person, social_worker, title=f"Aufgabe {number}", due_on=_today(number))
    web = client_of(social_worker)

    first = web.get(reverse("cases:task_list"))
    text = first.content.decode()
    assert [task.title for task in first.context["page_obj"]] == ["Aufgabe 0", "Aufgabe 1"]
    assert ">Seite 1<" in text  # and not "Seite 1 von …": the total was not counted
    assert "?page=2" in text

    last = web.get(reverse("cases:task_list"), {"page": 3})
    assert [task.title for task in last.context["page_obj"]] == ["Aufgabe 4"]
    assert "Seite 3 von 3" in last.content.decode()


def _task_list_queries(web):
    with CaptureQueriesContext(connection) as captured:
        response = web.get(reverse("cases:task_list"), {"scope": "team"})
    assert response.status_code == 200
    return len(captured)


def test_task_list_queries_do_not_grow_with_tasks(client_of, social_worker, team_lead, person):
    web = client_of(team_lead)
    make_task(person, social_worker)
    few = _task_list_queries(web)
    for number in range(49):
        make_task(make_client(social_worker), team_lead, title=f"Aufgabe {number}")
    many = _task_list_queries(web)
    assert many == few
    assert many <= 15


def test_my_task_list_queries_do_not_grow_with_tasks_or_pages(client_of, social_worker, person):
    web = client_of(social_worker)
    make_task(person, social_worker)
    web.get(reverse("cases:task_list"))  # warm the session and permission caches like any later page view
    with CaptureQueriesContext(connection) as one:
        web.get(reverse("cases:task_list"))
    for number in range(60):
        make_task(make_client(social_worker), social_worker, title=f"Aufgabe {number}")
    with CaptureQueriesContext(connection) as many:
        response = web.get(reverse("cases:task_list"), {"page": 2})
    assert len(response.context["page_obj"]) == 11
    assert len(one) == len(many) <= 15


# --- Notices --------------------------------------------------------------------------------


def test_recording_an_eviction_suit_creates_its_deadlines(client_of, social_worker, person):
    served = _today(-3)
    response = client_of(social_worker).post(
        reverse("cases:notice_create", args=[person.pk]),
        {
            "kind": NoticeKind.EVICTION_SUIT,
            "received_on": _today().isoformat(),
            "served_on": served.isoformat(),
            "court_file_number": "12 C 345/26",
            "arrears": "1.441,50",
            "hearing_on": _today(40).isoformat(),
        },
    )
    assert response.status_code == 302
    notice = Notice.objects.get(client=person)
    assert {task.kind for task in notice.tasks.all()} == {TaskKind.SCHONFRIST, TaskKind.HEARING}
    text = _page(client_of(social_worker), person)
    assert "12 C 345/26" in text
    assert "1.441,50 €" in text
    assert "Ende der Schonfrist" in text


def test_the_client_page_and_the_notice_show_the_grace_period_moved_off_a_weekend_or_holiday(
    client_of, social_worker, person
):
    saturday = make_notice(person, social_worker, served_on=date(2026, 4, 6), received_on=date(2026, 4, 7))
    easter = make_notice(person, social_worker, served_on=date(2026, 2, 6), received_on=date(2026, 2, 9))
    web = client_of(social_worker)

    page = _page(web, person)
    assert "08.06.2026" in page
    assert "(verschoben vom 06.06.2026: Samstag; § 193 BGB)" in page
    assert "07.04.2026" in page
    assert "(verschoben vom 06.04.2026: Ostermontag; § 193 BGB)" in page
    notice_page = web.get(reverse("cases:notice_edit", args=[saturday.pk])).content.decode()
    assert "Die Schonfrist endet am 08.06.2026." in notice_page
    assert "verschoben vom 06.06.2026: Samstag" in notice_page
    assert easter.tasks.get(kind=TaskKind.SCHONFRIST).due_on == date(2026, 4, 7)


def _header(page):
    return page[page.index('<header class="mb-4') : page.index("</header>", page.index('<header class="mb-4'))]


def test_the_client_header_warns_a_week_before_a_legal_deadline_and_loudly_once_it_passed(
    client_of, social_worker, person
):
    web = client_of(social_worker)
    make_notice(person, social_worker, hearing_on=_today(8), received_on=_today(-30))
    make_task(person, social_worker, title="Rückruf Jobcenter", due_on=_today(-3))
    assert "Fristen" not in _header(_page(web, person))  # a week and a day ahead; a late follow-up is no deadline

    make_notice(person, social_worker, hearing_on=_today(7), received_on=_today(-20))
    make_notice(person, social_worker, eviction_on=_today(), received_on=_today(-10))
    header = _header(_page(web, person))
    assert 'role="alert"' not in header
    assert "Gesetzliche Fristen in den nächsten 7 Tagen" in header
    assert f'Gerichtstermin</strong>:\n      <time datetime="{_today(7).isoformat()}">' in header
    assert "(in 7 Tagen)" in header
    assert "Räumungstermin</strong>" in header and "(heute)" in header
    assert _today(8).strftime("%d.%m.%Y") not in header

    passed = make_notice(person, social_worker, hearing_on=_today(-2), received_on=_today(-40))
    header = _header(_page(web, person))
    assert 'role="alert"' in header
    assert "Frist abgelaufen: eine gesetzliche Frist ist nicht erledigt" in header
    assert f"war fällig am {_today(-2).strftime('%d.%m.%Y')}" in header
    assert "(seit 2 Tagen abgelaufen)" in header

    task_done(task=passed.tasks.get(kind=TaskKind.HEARING), actor=social_worker)
    assert 'role="alert"' not in _header(_page(web, person))


def test_a_used_grace_period_is_warned_about_on_the_client_page_and_the_notice(client_of, social_worker, person):
    make_notice(
        person,
        social_worker,
        kind=NoticeKind.NOTICE_TO_QUIT,
        received_on=_today(-500),
        schonfrist_used_on=_today(-400),
    )
    suit = make_notice(person, social_worker, served_on=_today(-5))
    web = client_of(social_worker)

    page = _page(web, person)
    notice_page = web.get(reverse("cases:notice_edit", args=[suit.pk])).content.decode()

    for text in (page, notice_page):
        assert "Die Schonfrist kann nicht erneut genutzt werden" in text
        assert "§ 569 Abs. 3 Nr. 2 BGB" in text


def test_no_warning_when_the_grace_period_was_used_more_than_two_years_before(client_of, social_worker, person):
    make_notice(person, social_worker, received_on=_today(-900), schonfrist_used_on=_today(-760))
    make_notice(person, social_worker, served_on=_today(-5))
    assert "Die Schonfrist kann nicht erneut genutzt werden" not in _page(client_of(social_worker), person)


def test_changing_the_eviction_date_on_the_form_moves_the_task(client_of, social_worker, person):
    notice = make_notice(person, social_worker, eviction_on=_today(30))
    stored = Notice.objects.get(pk=notice.pk)
    response = client_of(social_worker).post(
        reverse("cases:notice_edit", args=[notice.pk]),
        {
            "kind": notice.kind,
            "received_on": notice.received_on.isoformat(),
            "eviction_on": _today(45).isoformat(),
            "version": record_version(stored),
        },
    )
    assert response.status_code == 302
    assert Task.objects.get(notice=notice, kind=TaskKind.EVICTION).due_on == _today(45)


# --- Other workers' view of the office ------------------------------------------------------


def test_a_closed_case_can_be_reopened_only_when_no_other_of_its_kind_is_open(client_of, social_worker, person):
    old = make_case(person, social_worker, case_type=CaseType.PREVENTION, opened_on=_today(-100))
    case_close(case=old, outcome=Outcome.CONTACT_LOST, actor=social_worker)
    make_case(person, social_worker, case_type=CaseType.PREVENTION)
    web = client_of(social_worker)
    response = web.post(reverse("cases:case_reopen", args=[old.pk]), follow=True)
    assert "bereits einen offenen Fall dieser Art" in response.content.decode()
    assert not Case.objects.get(pk=old.pk).is_open


def test_tasks_can_be_assigned_to_a_colleague_who_then_sees_them(client_of, social_worker, organisation, person):
    colleague = user_create(organisation=organisation, username="k.kaya", role=Role.SOCIAL_WORKER, password=None)
    make_task(person, social_worker, title="Für Frau Kaya", assignee=colleague)
    assert "Für Frau Kaya" in client_of(colleague).get(reverse("cases:task_list")).content.decode()


def test_the_form_pages_ask_for_what_their_record_needs(client_of, social_worker, person):
    web = client_of(social_worker)
    case_form = web.get(reverse("cases:case_open", args=[person.pk])).content.decode()
    stay_form = web.get(reverse("cases:stay_create", args=[person.pk])).content.decode()
    notice_form = web.get(reverse("cases:notice_create", args=[person.pk])).content.decode()
    task_form = web.get(reverse("cases:task_create", args=[person.pk])).content.decode()

    assert 'name="housing_situation"' in case_form and "ETHOS" in case_form
    assert 'name="bagw_situation"' in case_form and 'name="homeless_since"' in case_form
    assert 'name="provider_type"' in stay_form and 'type="date"' in stay_form
    assert "Mietschuldenübernahme (§ 22 Abs. 8 SGB II)" in notice_form
    assert 'name="schonfrist_used_on"' in notice_form
    assert f'<option value="{social_worker.pk}" selected>' in task_form
    for text in (case_form, stay_form, notice_form, task_form):
        assert "Georgi Ivanov (" in text  # the breadcrumb names whose file this is


def test_client_page_links_to_suitable_flats(client_of, social_worker):
    from django.urls import reverse

    client = make_client(social_worker)
    page = client_of(social_worker).get(reverse("cases:client_detail", args=[client.pk])).content.decode()
    assert reverse("housing:client_offers", args=[client.pk]) in page
    assert reverse("housing:housing_search_edit", args=[client.pk]) in page
