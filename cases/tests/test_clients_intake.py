"""Intake at /clients/new/: the form, duplicate hints before saving, saving anyway, opening the existing record."""

from datetime import date

import pytest
from django.urls import reverse

from cases.models import Case, Client, DuplicateDecision
from cooperation.models import Partner
from hagen_zuhause.codes import CaseType, ConsentScope, Gender, HousingSituation, Relationship, TargetGroup
from hagen_zuhause.models import AccessLog
from tests.builders import make_client

URL = reverse("cases:client_create")


def _management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _start(browser):
    """Open the intake form; returns the one-time token it carries."""
    response = browser.get(URL)
    assert response.status_code == 200
    return response.context["submit_token"]


def intake_data(token, **fields):
    data = {
        "submit_token": token,
        "first_name": "Georgi",
        "last_name": "Ivanov",
        "birth_date": "1980-03-12",
        "gender": Gender.MALE,
        "nationality": "BG",
        "interpreter_needed": "yes",
        "income_source": "unknown",
        "case_type": CaseType.PROVISION,
        "housing_situation": HousingSituation.EMERGENCY_ACCOMMODATION,
        "bagw_situation": "emergency_shelter",
        **_management("household", 3),
        **_management("aliases", 2),
    }
    # What a browser sends for the empty household rows: the selects' preset values.
    for number in range(3):
        data.update({f"household-{number}-gender": "unknown", f"household-{number}-nationality": "unknown"})
    data.update(fields)
    return data


def test_the_form_shows_all_fieldsets_in_german(social_worker, client_of):
    response = client_of(social_worker).get(URL)
    page = response.content.decode()
    for legend in ["Person", "Haushalt", "Situation", "Zielgruppen", "Einwilligung (optional)", "Sperrvermerk"]:
        assert f"<legend>{legend}" in page, legend
    assert "Andere Schreibweisen" in page
    assert 'type="date"' in page
    assert "Prüfen und speichern" in page
    assert "Trotzdem neu anlegen" not in page


def test_without_similar_records_the_intake_saves_at_once(social_worker, client_of, organisation):
    partner = Partner.objects.create(organisation=organisation, name="SpDi Hagen", kind="health_office_spdi")
    browser = client_of(social_worker)
    token = _start(browser)
    data = intake_data(
        token,
        target_groups=[TargetGroup.EU2, TargetGroup.MENTAL_HEALTH],
        languages=["bg", "ro"],
        care_level="2",
        consent_scope=ConsentScope.REFERRAL,
        consent_partner=str(partner.pk),
        consent_given_on="2026-11-01",
        consent_expires_on="2027-11-01",
        **{
            "household-0-first_name": "Maria",
            "household-0-last_name": "Ivanova",
            "household-0-relationship": Relationship.CHILD,
            "household-0-birth_year": "2015",
            "household-0-gender": Gender.FEMALE,
            "household-0-nationality": "BG",
            "aliases-0-first_name": "Георги",
            "aliases-0-last_name": "Иванов",
            "aliases-0-note": "Pass",
        },
    )
    response = browser.post(URL, data)

    client = Client.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:client_detail", args=[client.pk])
    assert client.full_name == "Georgi Ivanov" and client.birth_date == date(1980, 3, 12)
    assert client.languages == ["bg", "ro"] and client.care_level == 2
    assert list(client.assigned_workers.all()) == [social_worker]
    case = Case.objects.get(client=client)
    assert case.case_type == CaseType.PROVISION and case.opened_by == social_worker
    assert case.housing_situation == HousingSituation.EMERGENCY_ACCOMMODATION
    assert {m.group for m in client.target_group_memberships.all()} == {TargetGroup.EU2, TargetGroup.MENTAL_HEALTH}
    assert client.household_members.get().get_relationship_display() == "Kind"
    assert "georgi ivanov" in client.search_text
    consent = client.consents.get()
    assert consent.partner == partner and consent.expires_on == date(2027, 11, 1)
    assert not DuplicateDecision.objects.exists()


def test_similar_records_are_shown_before_saving(social_worker, client_of):
    existing = make_client(social_worker, first_name="Георги", last_name="Иванов", birth_date=date(1980, 3, 12))
    browser = client_of(social_worker)
    response = browser.post(URL, intake_data(_start(browser)))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ist diese Person schon bekannt?" in page
    assert "Георги Иванов" in page and existing.case_number in page
    assert "Name ähnlich, gleiches Geburtsdatum" in page
    assert "Trotzdem neu anlegen" in page
    assert reverse("cases:client_open_existing", args=[existing.pk]) in page
    assert Client.objects.count() == 1
    # Showing the hint is a view of that record.
    assert AccessLog.objects.filter(object_id=str(existing.pk), detail="duplicate hint").exists()


def test_saving_anyway_records_the_decision_with_the_records_shown(social_worker, client_of):
    existing = make_client(social_worker, first_name="Георги", last_name="Иванов")
    browser = client_of(social_worker)
    data = intake_data(_start(browser))
    hinted = browser.post(URL, data)
    confirm = hinted.context["confirm_value"]

    response = browser.post(URL, {**data, "confirm_new": confirm, "candidate": [str(existing.pk)]})

    new = Client.objects.exclude(pk=existing.pk).get()
    assert response.status_code == 302 and response.url == reverse("cases:client_detail", args=[new.pk])
    decision = DuplicateDecision.objects.get()
    assert decision.decision == DuplicateDecision.Choice.SAVED_ANYWAY
    assert decision.client == new and decision.candidates == [existing.pk]
    assert decision.decided_by == social_worker


def test_changing_the_name_after_the_hint_checks_again(social_worker, client_of):
    make_client(social_worker, first_name="Георги", last_name="Иванов")
    make_client(social_worker, first_name="Georgi", last_name="Petrov", birth_date=date(1980, 3, 12))
    browser = client_of(social_worker)
    data = intake_data(_start(browser))
    confirm = browser.post(URL, data).context["confirm_value"]

    response = browser.post(URL, {**data, "last_name": "Petrov", "confirm_new": confirm})

    assert response.status_code == 200
    assert "Georgi Petrov" in response.content.decode()
    assert Client.objects.count() == 2


def test_opening_the_existing_record_records_the_decision(social_worker, client_of):
    existing = make_client(social_worker, first_name="Георги", last_name="Иванов")
    other = make_client(social_worker, first_name="Georgi", last_name="Ivanova")
    browser = client_of(social_worker)
    token = _start(browser)

    response = browser.post(
        reverse("cases:client_open_existing", args=[existing.pk]),
        {"submit_token": token, "candidate": [str(existing.pk), str(other.pk)]},
    )

    assert response.status_code == 302
    assert response.url == reverse("cases:client_detail", args=[existing.pk])
    decision = DuplicateDecision.objects.get()
    assert decision.decision == DuplicateDecision.Choice.OPENED_EXISTING
    assert decision.client == existing and decision.candidates == sorted([existing.pk, other.pk])
    # The intake was abandoned: a late submit of the same form does not create a record.
    assert browser.post(URL, intake_data(token)).status_code == 200
    assert Client.objects.count() == 2


def test_saving_anyway_after_opening_the_existing_record_says_that_nothing_was_saved(social_worker, client_of):
    """Hints, "open the existing record", back, "Trotzdem neu anlegen": the worker learns what happened."""
    existing = make_client(social_worker, first_name="Георги", last_name="Иванов")
    browser = client_of(social_worker)
    data = intake_data(_start(browser))
    confirm = browser.post(URL, data).context["confirm_value"]
    browser.post(reverse("cases:client_open_existing", args=[existing.pk]), {**data, "candidate": [existing.pk]})

    back = browser.post(URL, {**data, "confirm_new": confirm, "candidate": [str(existing.pk)]})

    assert back.status_code == 200
    page = back.content.decode()
    assert "bereits gespeichert" not in page
    assert f"die vorhandene Akte von Георги Иванов (Fallnummer {existing.case_number}) geöffnet" in page
    assert "nichts gespeichert" in page
    assert 'value="Ivanov"' in page  # the entries are kept
    assert Client.objects.count() == 1
    # Saving again is a new decision: the hints come again, and "save anyway" then creates the record.
    fresh = {**data, "submit_token": back.context["submit_token"]}
    again = browser.post(URL, fresh)
    assert "Trotzdem neu anlegen" in again.content.decode()
    saved = browser.post(URL, {**fresh, "confirm_new": again.context["confirm_value"]})
    assert saved.status_code == 302
    assert Client.objects.count() == 2


def test_opening_existing_ignores_candidate_ids_the_user_may_not_see(social_worker, team_lead, client_of):
    existing = make_client(social_worker, first_name="Anna", last_name="Sichtbar")
    hidden = make_client(team_lead, first_name="Anna", last_name="Versteckt", restricted=True)
    client_of(social_worker).post(
        reverse("cases:client_open_existing", args=[existing.pk]), {"candidate": [str(hidden.pk), "x"]}
    )
    assert DuplicateDecision.objects.get().candidates == [existing.pk]


def test_restricted_records_never_appear_as_hints_for_others(social_worker, team_lead, client_of):
    make_client(team_lead, first_name="Георги", last_name="Иванов", restricted=True)
    browser = client_of(social_worker)
    response = browser.post(URL, intake_data(_start(browser)))
    # No hint step: the hidden record does not exist for the social worker.
    assert response.status_code == 302
    assert Client.objects.count() == 2


def test_double_submit_creates_one_record(social_worker, client_of):
    browser = client_of(social_worker)
    data = intake_data(_start(browser), first_name="Radka", last_name="Doppelklick")
    first = browser.post(URL, data)
    second = browser.post(URL, data)

    client = Client.objects.get()
    assert first.url == second.url == reverse("cases:client_detail", args=[client.pk])
    assert Case.objects.count() == 1
    shown = browser.get(second.url).content.decode()
    assert f"Radka Doppelklick wurde mit diesem Formular bereits aufgenommen (Fallnummer {client.case_number})" in shown
    assert "Es wurde keine zweite Akte angelegt" in shown


def test_a_form_without_a_valid_token_is_not_saved(social_worker, client_of):
    browser = client_of(social_worker)
    _start(browser)
    response = browser.post(URL, intake_data("forged-or-expired", first_name="Toni", last_name="Ohnetoken"))
    assert response.status_code == 200
    assert "Das Formular war abgelaufen" in response.content.decode()
    assert not Client.objects.exists()
    # The page carries a fresh token with which saving works.
    fresh = response.context["submit_token"]
    assert browser.post(URL, intake_data(fresh, first_name="Toni", last_name="Ohnetoken")).status_code == 302
    assert Client.objects.count() == 1


def test_bad_input_gets_german_messages_and_saves_nothing(social_worker, client_of):
    browser = client_of(social_worker)
    data = intake_data(
        _start(browser), last_name="", birth_year_estimated="1980", consent_scope="", consent_given_on="2026-01-01"
    )
    data.pop("case_type")
    response = browser.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Die Aufnahme wurde noch nicht gespeichert" in page
    assert "Dieses Feld ist zwingend erforderlich." in page
    assert "nicht beides" in page
    assert "Bitte wählen Sie, wofür die Einwilligung gilt." in page
    assert not Client.objects.exists()


def test_a_partner_of_another_office_cannot_be_chosen(social_worker, client_of, other_organisation):
    foreign = Partner.objects.create(organisation=other_organisation, name="Fremd", kind="other")
    browser = client_of(social_worker)
    data = intake_data(_start(browser), consent_scope="referral", consent_partner=str(foreign.pk))
    data["consent_given_on"] = "2026-01-01"
    response = browser.post(URL, data)
    assert response.status_code == 200
    assert not Client.objects.exists()


def test_live_hint_while_typing(social_worker, client_of):
    make_client(social_worker, first_name="Георги", last_name="Иванов")
    response = client_of(social_worker).post(
        URL, {"hint_only": "1", "first_name": "Georgi", "last_name": "Iwanow"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Möglicherweise schon bekannt" in page and "Георги Иванов" in page
    assert "<html" not in page


@pytest.mark.parametrize("role", ["admin_staff"])
def test_administration_may_not_take_anyone_in(role, role_users, client_of):
    assert client_of(role_users[role]).post(URL, {"first_name": "X"}).status_code == 403
    assert not Client.objects.exists()
