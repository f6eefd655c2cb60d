import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from pghistory.models import Events

from hagen_zuhause.audit import log_access, log_system_access
from hagen_zuhause.models import AccessLog, User
from tests.builders import make_client


@pytest.fixture
def logged(rf, team_lead):
    request = rf.get("/")
    request.user = team_lead
    request.request_id = "a" * 32
    return log_access(request, AccessLog.Action.VIEW, team_lead)


def test_log_access_records_who_what_and_request(logged, team_lead):
    assert logged.user == team_lead
    assert logged.organisation == team_lead.organisation
    assert logged.actor == "t.lehmann"
    assert logged.object_type == "hagen_zuhause.user"
    assert logged.object_id == str(team_lead.pk)
    assert logged.request_id == "a" * 32


def test_access_log_is_append_only(logged):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=logged.pk).update(detail="verändert")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=logged.pk).delete()
    assert AccessLog.objects.get(pk=logged.pk).detail == ""


def test_changes_in_a_request_record_user_organisation_and_request(client_of, admin_staff, social_worker):
    client = client_of(admin_staff)
    url = reverse("admin:hagen_zuhause_user_change", args=[social_worker.pk])
    response = client.post(
        url,
        {
            "username": social_worker.username,
            "first_name": "Sonja",
            "last_name": "Albers-Krüger",
            "email": "",
            "phone": "02331 207-0",
            "role": "Sozialarbeit",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Events.objects.filter(pgh_obj_model="hagen_zuhause.User", pgh_label="update").latest("pgh_created_at")
    assert event.pgh_diff["last_name"] == ["Albers", "Albers-Krüger"]
    assert event.pgh_context["user"] == admin_staff.pk
    assert event.pgh_context["organisation"] == admin_staff.organisation_id
    assert len(event.pgh_context["request_id"]) == 32


def test_password_hashes_are_not_in_the_history(social_worker):
    social_worker.set_password("ein ganz neues Passwort")
    social_worker.save()
    for event in Events.objects.filter(pgh_obj_model="hagen_zuhause.User"):
        assert "password" not in event.pgh_data


def test_commands_are_recorded_with_the_system_actor(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "ein sicheres Demopasswort")
    call_command("seed_demo")
    event = Events.objects.filter(pgh_obj_model="hagen_zuhause.User", pgh_label="insert").first()
    assert event.pgh_context["actor"] == "system"
    assert event.pgh_context["command"] == "seed_demo"


def test_role_changes_have_history(team_lead):
    from django.contrib.auth.models import Group

    team_lead.groups.set([Group.objects.get(name="Sozialarbeit")])
    labels = set(Events.objects.filter(pgh_obj_model="hagen_zuhause.UserGroup").values_list("pgh_label", flat=True))
    assert {"role.add", "role.remove"} <= labels


def _change_phone(client, admin_staff, user, phone):
    client.post(
        reverse("admin:hagen_zuhause_user_change", args=[user.pk]),
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": phone,
            "role": user.role.value,
            "is_active": "on",
        },
    )


def test_history_page_shows_only_own_organisation(client_of, admin_staff, team_lead, social_worker, outsider):
    _change_phone(client_of(admin_staff), admin_staff, social_worker, "02331 111")
    _change_phone(client_of(outsider), outsider, outsider, "0231 999")  # not staff: refused, nothing changes
    response = client_of(team_lead).get(reverse("audit:history"))
    text = response.content.decode()
    assert "02331 111" in text
    assert "0231 999" not in text
    assert "Vera Winkler" in text


def test_history_filters(client_of, admin_staff, team_lead, social_worker):
    _change_phone(client_of(admin_staff), admin_staff, social_worker, "02331 111")
    client = client_of(team_lead)
    url = reverse("audit:history")
    assert "02331 111" in client.get(url, {"user": admin_staff.pk}).content.decode()
    assert "02331 111" not in client.get(url, {"user": team_lead.pk}).content.decode()
    assert "02331 111" in client.get(url, {"record_type": "hagen_zuhause.User"}).content.decode()
    assert "02331 111" not in client.get(url, {"since": "2999-01-01"}).content.decode()


def test_access_log_page_and_filters(client_of, team_lead, social_worker, outsider, rf):
    for user, detail in [(team_lead, "Quartalsbericht 2026/4"), (outsider, "Bericht Dortmund")]:
        request = rf.get("/")
        request.user = user
        log_access(request, AccessLog.Action.EXPORT, detail=detail)
    log_system_access(team_lead.organisation, AccessLog.Action.EXPORT, detail="Bundesstatistik 2027")
    client = client_of(team_lead)
    text = client.get(reverse("audit:access")).content.decode()
    assert "Quartalsbericht 2026/4" in text
    assert "Bundesstatistik 2027" in text
    assert "Bericht Dortmund" not in text
    filtered = client.get(reverse("audit:access"), {"action": "view"}).content.decode()
    assert "Quartalsbericht 2026/4" not in filtered
    assert client.get(reverse("audit:access"), {"user": outsider.pk}).status_code == 200


def test_access_log_names_the_record_type_in_words_and_clients_by_case_number(client_of, team_lead, social_worker, rf):
    person = make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    request = rf.get("/")
    request.user = team_lead
    log_access(request, AccessLog.Action.VIEW, person)
    log_access(request, AccessLog.Action.VIEW, object_type="cases.client", object_id="987654")  # since deleted
    log_access(request, AccessLog.Action.DOWNLOAD, object_type="reports.federal_statistic", object_id="2027")
    text = client_of(team_lead).get(reverse("audit:access")).content.decode()
    assert f"Klient*in {person.case_number}" in text
    assert "Klient*in nicht sichtbar" in text
    assert f"Klient*in {person.pk}<" not in text and "987654" not in text
    assert "Bundesstatistik 2027" in text
    assert "cases.client" not in text
    assert AccessLog(object_type="old.gone").object_type_label == "old.gone"  # a type no longer known: as stored


def test_user_filter_offers_only_own_colleagues(client_of, team_lead, outsider):
    text = client_of(team_lead).get(reverse("audit:access")).content.decode()
    assert "o.dortmund" not in text
    assert User.objects.visible_to(team_lead).filter(pk=outsider.pk).count() == 0
