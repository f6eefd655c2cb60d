"""The access pages: Verwaltung requests, the team lead decides, refusals are German and change nothing."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD
from hagen_zuhause import services
from hagen_zuhause.models import AccessChange, User
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from hagen_zuhause.tests.factories import make_account, make_lock, make_role_request

NEW_PASSWORD = "Herbst am Harkortsee 2027"


def _messages(response):
    return [str(message) for message in response.wsgi_request._messages]


def _fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def foreign_admin(other_organisation):
    return user_create(
        organisation=other_organisation, username="d.verwaltung", role=Role.ADMINISTRATION, password=PASSWORD
    )


def test_verwaltung_opens_an_account_and_requests_a_role_without_seeing_a_link(client_of, admin_staff):
    response = client_of(admin_staff).post(
        reverse("access:user_create"),
        {
            "username": "n.neu",
            "first_name": "Nina",
            "last_name": "Neu",
            "email": "",
            "phone": "",
            "role": "Teamleitung",
        },
    )
    account = User.objects.get(username="n.neu")
    assert response.status_code == 302 and response.url == reverse("access:user_detail", args=[account.pk])
    assert "Beantragt. Es gilt, sobald eine Teamleitung der Dienststelle bestätigt." in _messages(response)
    assert account.role is None and account.organisation == admin_staff.organisation
    assert account.access_changes.get().state == "pending"


def test_a_double_submitted_account_form_creates_one_account(client_of, admin_staff):
    client = client_of(admin_staff)
    data = {"username": "n.neu", "first_name": "Nina", "last_name": "Neu", "role": "Sozialarbeit"}
    client.post(reverse("access:user_create"), data)
    response = client.post(reverse("access:user_create"), data)
    assert response.status_code == 200
    assert "Dieser Benutzername ist bereits vergeben." in response.content.decode()
    assert User.objects.filter(username="n.neu").count() == 1
    assert AccessChange.objects.count() == 1


def test_a_verwaltung_account_shows_its_link_to_the_creator_once(client_of, admin_staff):
    response = client_of(admin_staff).post(
        reverse("access:user_create"),
        {"username": "b.neu", "first_name": "Berta", "last_name": "Neu", "role": "Verwaltung"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Einmal-Link für Berta Neu" in text
    assert "/access/password/" in text
    assert _fresh(User.objects.get(username="b.neu")).role == Role.ADMINISTRATION


def test_the_team_lead_sees_pending_requests_on_the_start_page_and_confirms(client_of, admin_staff, team_lead):
    change = make_role_request(admin_staff, role=Role.SOCIAL_WORKER)
    client = client_of(team_lead)
    start = client.get(reverse("dashboard")).content.decode()
    assert "Anträge zur Bestätigung" in start
    assert change.get_absolute_url() in start

    response = client.post(reverse("access:request_confirm", args=[change.pk]))
    assert response.status_code == 200
    assert f"Einmal-Link für {change.receiver}" in response.content.decode()
    assert _fresh(change.receiver).role == Role.SOCIAL_WORKER
    # Sent again (a double click, a reload): refused, no second link.
    again = client.post(reverse("access:request_confirm", args=[change.pk]))
    assert again.status_code == 302
    assert "Über diesen Antrag wurde bereits entschieden." in _messages(again)


def test_the_requester_sees_the_state_of_the_request(client_of, admin_staff, team_lead):
    change = make_role_request(admin_staff)
    client = client_of(admin_staff)
    assert "Offene Anträge auf Zugang" in client.get(reverse("dashboard")).content.decode()
    page = client.get(change.get_absolute_url()).content.decode()
    assert "Wartet auf Bestätigung oder Ablehnung durch eine Teamleitung der Dienststelle." in page
    services.access_request_refuse(change=change, actor=team_lead, reason="Stelle nicht besetzt")
    page = client.get(change.get_absolute_url()).content.decode()
    assert "abgelehnt" in page and "Stelle nicht besetzt" in page and "Thomas Lehmann" in page


def test_verwaltung_cannot_confirm_its_own_request_on_the_page(client_of, admin_staff):
    change = make_role_request(admin_staff)
    assert client_of(admin_staff).post(reverse("access:request_confirm", args=[change.pk])).status_code == 403
    assert AccessChange.objects.get(pk=change.pk).is_pending
    assert _fresh(change.receiver).role is None


def test_a_team_lead_confirming_its_own_grant_on_the_page_is_refused(client_of, admin_staff, team_lead):
    change = make_role_request(admin_staff, role=Role.SOCIAL_WORKER, receiver=team_lead)
    client = client_of(team_lead)
    assert "Bestätigen" not in client.get(change.get_absolute_url()).content.decode().split("<main")[1]
    response = client.post(reverse("access:request_confirm", args=[change.pk]))
    assert "Sie können nicht über Ihren eigenen Zugang entscheiden." in _messages(response)
    assert _fresh(team_lead).role == Role.TEAM_LEAD


def test_a_refusal_without_a_reason_is_shown_on_the_form(client_of, admin_staff, team_lead):
    change = make_role_request(admin_staff)
    response = client_of(team_lead).post(reverse("access:request_refuse", args=[change.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert AccessChange.objects.get(pk=change.pk).is_pending


def test_verwaltung_changing_its_own_role_on_the_page_is_refused(client_of, admin_staff):
    response = client_of(admin_staff).post(reverse("access:user_role", args=[admin_staff.pk]), {"role": "Teamleitung"})
    assert "Sie können Ihre eigene Rolle nicht ändern." in _messages(response)
    assert _fresh(admin_staff).role == Role.ADMINISTRATION
    assert not AccessChange.objects.exists()


def test_verwaltung_deactivating_itself_on_the_page_is_refused(client_of, admin_staff):
    response = client_of(admin_staff).post(reverse("access:user_active", args=[admin_staff.pk]), {"active": "0"})
    assert "Sie können Ihr eigenes Konto nicht deaktivieren oder reaktivieren." in _messages(response)
    assert _fresh(admin_staff).is_active


def test_verwaltung_resetting_a_team_leads_password_only_requests_it(client_of, admin_staff, team_lead, second_lead):
    response = client_of(admin_staff).post(reverse("access:user_password_reset", args=[team_lead.pk]))
    assert response.status_code == 302  # no page with a link for Verwaltung
    assert _fresh(team_lead).check_password(PASSWORD)
    change = AccessChange.objects.get()
    assert (change.kind, change.state) == ("password_reset", "pending")

    confirmed = client_of(second_lead).post(reverse("access:request_confirm", args=[change.pk]))
    assert "Einmal-Link für Thomas Lehmann" in confirmed.content.decode()
    assert not _fresh(team_lead).has_usable_password()


@pytest.fixture
def second_lead(organisation):
    return user_create(organisation=organisation, username="l.lange", role=Role.TEAM_LEAD, password=PASSWORD)


def test_revocation_on_the_page_logs_the_person_out_at_once(client_of, admin_staff, social_worker):
    session = client_of(social_worker)
    client_of(admin_staff).post(reverse("access:user_role", args=[social_worker.pk]), {"role": ""})
    assert _fresh(social_worker).role is None
    response = session.get(reverse("cases:client_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_link_leaves_the_address_bar_sets_the_password_once_and_the_login_tells_who(
    client, client_of, admin_staff, team_lead, social_worker
):
    services.password_reset(user=social_worker, actor=admin_staff, reason="Passwort vergessen")
    outcome = services.access_request_confirm(change=AccessChange.objects.get(), actor=team_lead)
    opened = client.get(reverse("access:password_set_link", args=[outcome.token]))
    assert opened.status_code == 302 and opened.url == reverse("access:password_set")
    response = client.post(opened.url, {"new_password1": "kurz", "new_password2": "kurz"})
    assert "mindestens 12 Zeichen" in response.content.decode()
    response = client.post(opened.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("access:password_set_link", args=[outcome.token])).status_code == 404

    login = client.post(reverse("login"), {"username": social_worker.username, "password": NEW_PASSWORD}, follow=True)
    text = login.content.decode()
    assert "Änderungen an Ihrem Konto" in text
    assert "Neues Passwort – beantragt von Vera Winkler, bestätigt von Thomas Lehmann am" in text
    client.post(reverse("access:notices_acknowledge"), {"next": reverse("dashboard")})
    assert "Änderungen an Ihrem Konto" not in client.get(reverse("dashboard")).content.decode()
    assert AccessChange.objects.get().acknowledged_at is not None


def test_the_notice_never_redirects_elsewhere(client_of, social_worker):
    response = client_of(social_worker).post(reverse("access:notices_acknowledge"), {"next": "https://example.org/"})
    assert response.url == reverse("dashboard")


# --- Locked logins (item 8) ----------------------------------------------------------------------------


def test_verwaltung_sees_locks_with_their_end_and_lifts_one_with_a_reason(
    client, client_of, admin_staff, social_worker
):
    for _attempt in range(5):
        client.post(reverse("login"), {"username": social_worker.username, "password": "falsch"})
    page = client_of(admin_staff).get(reverse("access:lock_list")).content.decode()
    assert "Sonja Albers (s.albers)" in page
    assert "Gesperrt bis" in page
    attempt_id = int(re.search(r"/access/locks/(\d+)/lift/", page).group(1))

    refused = client_of(admin_staff).post(reverse("access:lock_lift", args=[attempt_id]), {"reason": ""})
    assert "Bitte geben Sie einen Grund für das Aufheben der Sperre an." in _messages(refused)
    assert client.post(reverse("login"), {"username": social_worker.username, "password": PASSWORD}).status_code == 429

    client_of(admin_staff).post(reverse("access:lock_lift", args=[attempt_id]), {"reason": "Telefonisch bestätigt"})
    assert client.post(reverse("login"), {"username": social_worker.username, "password": PASSWORD}).status_code == 302
    change = AccessChange.objects.get()
    assert (change.kind, change.request_reason, change.decided_by) == (
        "lock_lift",
        "Telefonisch bestätigt",
        admin_staff,
    )


def test_nobody_lifts_the_lock_of_their_own_account(client_of, admin_staff):
    attempt = make_lock(admin_staff.username)
    response = client_of(admin_staff).post(reverse("access:lock_lift", args=[attempt.pk]), {"reason": "Ich war es"})
    assert "Sie können die Sperre Ihres eigenen Kontos nicht aufheben." in _messages(response)
    assert not AccessChange.objects.exists()


def test_the_start_page_names_the_end_of_a_lock(client_of, admin_staff, social_worker):
    make_lock(social_worker.username)
    text = client_of(admin_staff).get(reverse("dashboard")).content.decode()
    assert "s.albers – gesperrt bis" in text


# --- Scope: another organisation's records do not exist ----------------------------------------------


def test_verwaltung_of_another_organisation_finds_nothing(client_of, admin_staff, social_worker, foreign_admin):
    change = make_role_request(admin_staff)
    attempt = make_lock(social_worker.username)
    client = client_of(foreign_admin)
    assert client.get(reverse("access:request_detail", args=[change.pk])).status_code == 404
    assert client.get(reverse("access:user_detail", args=[social_worker.pk])).status_code == 404
    assert client.post(reverse("access:user_role", args=[social_worker.pk]), {"role": ""}).status_code == 404
    assert client.post(reverse("access:request_withdraw", args=[change.pk])).status_code == 404
    assert client.post(reverse("access:lock_lift", args=[attempt.pk]), {"reason": "x"}).status_code == 404
    assert "s.albers" not in client.get(reverse("access:lock_list")).content.decode()


# --- Query counts: constant in the rows shown ----------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_access_pages_read_a_constant_number_of_queries(client_of, admin_staff, team_lead, second_lead):
    def grow(count):
        for _number in range(count):
            change = make_role_request(admin_staff)
            services.access_request_refuse(change=change, actor=team_lead, reason="nein")
            make_role_request(admin_staff)
            make_lock(make_account(admin_staff)[0].username)

    grow(1)
    urls = [
        reverse("access:request_list"),
        reverse("access:user_list"),
        reverse("access:lock_list"),
        reverse("dashboard"),
    ]
    lead_urls = [reverse("access:request_list"), reverse("dashboard")]
    before = [_queries(client_of(admin_staff), url) for url in urls] + [
        _queries(client_of(second_lead), url) for url in lead_urls
    ]
    grow(12)
    after = [_queries(client_of(admin_staff), url) for url in urls] + [
        _queries(client_of(second_lead), url) for url in lead_urls
    ]
    assert after == before
    assert max(after) <= 25


def test_a_forged_active_value_changes_nothing(client_of, admin_staff, social_worker):
    response = client_of(admin_staff).post(reverse("access:user_active", args=[social_worker.pk]), {"active": "ja"})
    assert "Bitte verwenden Sie die Schaltflächen der Seite." in _messages(response)
    assert _fresh(social_worker).is_active and _fresh(social_worker).role == Role.SOCIAL_WORKER
    assert not AccessChange.objects.exists()


def test_an_accounts_page_reads_a_constant_number_of_queries(client_of, admin_staff, second_lead, organisation):
    account = user_create(organisation=organisation, username="wechsel", role=Role.SOCIAL_WORKER, password=PASSWORD)
    client = client_of(admin_staff)
    url = reverse("access:user_detail", args=[account.pk])

    def flip():
        services.role_change(user=account, role=Role.ADMINISTRATION, actor=admin_staff)
        services.role_change(user=account, role=None, actor=admin_staff)
        services.password_reset(user=account, actor=admin_staff)

    flip()
    change = make_role_request(admin_staff, receiver=account)
    before = (_queries(client, url), _queries(client_of(second_lead), change.get_absolute_url()))
    for _round in range(8):
        services.access_request_refuse(change=change, actor=second_lead, reason="nein")
        flip()
        change = make_role_request(admin_staff, receiver=account)
    after = (_queries(client, url), _queries(client_of(second_lead), change.get_absolute_url()))
    assert after == before
