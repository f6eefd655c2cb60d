from django.urls import reverse

from conftest import PASSWORD
from hagen_zuhause import history
from hagen_zuhause.models import AccessChange, User
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from hagen_zuhause.tests.second_factor import app_enrolled


def test_admin_staff_sees_only_own_organisation_users(client_of, admin_staff, social_worker, outsider):
    client = client_of(admin_staff)
    text = client.get(reverse("admin:hagen_zuhause_user_changelist")).content.decode()
    assert social_worker.username in text
    assert outsider.username not in text
    response = client.get(reverse("admin:hagen_zuhause_user_change", args=[outsider.pk]))
    assert response.status_code == 302  # Django's admin redirects to its index for unknown objects
    assert outsider.username not in client.get(response.url).content.decode()


def test_verwaltung_opens_accounts_on_its_page_not_in_the_admin(client_of, admin_staff):
    client = client_of(admin_staff)
    assert client.get(reverse("admin:hagen_zuhause_user_add")).status_code == 403
    text = client.get(reverse("admin:hagen_zuhause_user_changelist")).content.decode()
    assert reverse("admin:hagen_zuhause_user_add") not in text


def test_the_operator_creates_the_first_team_lead_and_sees_the_link_once(client_of, other_organisation):
    operator = User.objects.create_superuser("betrieb", "betrieb@example.org", None)
    app_enrolled(operator)  # the platform operator always has a second factor
    response = client_of(operator).post(
        reverse("admin:hagen_zuhause_user_add"),
        {
            "username": "o.erste",
            "first_name": "Olga",
            "last_name": "Erste",
            "email": "",
            "phone": "",
            "organisation": other_organisation.pk,
            "role": Role.TEAM_LEAD.value,
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Einmal-Link" in text
    assert "/access/password/" in text
    user = User.objects.get(username="o.erste")
    assert user.role == Role.TEAM_LEAD
    assert user.organisation == other_organisation
    assert not user.has_usable_password()
    assert user.access_changes.get().state == "operator"
    # The operator has no organisation; the grant is still in the organisation's history.
    labels = {event.pgh_model for event in history.events_of_organisation(other_organisation.pk)}
    assert "hagen_zuhause.AccessChangeEvent" in labels


def test_giving_the_administration_role_grants_admin_access(client_of, admin_staff, social_worker):
    client_of(admin_staff).post(
        reverse("admin:hagen_zuhause_user_change", args=[social_worker.pk]),
        {
            "username": social_worker.username,
            "first_name": social_worker.first_name,
            "last_name": social_worker.last_name,
            "email": "",
            "phone": "",
            "role": Role.ADMINISTRATION.value,
            "is_active": "on",
        },
    )
    social_worker.refresh_from_db()
    assert social_worker.role == Role.ADMINISTRATION
    assert social_worker.is_staff


def test_admin_staff_cannot_make_superusers(client_of, admin_staff, social_worker):
    client_of(admin_staff).post(
        reverse("admin:hagen_zuhause_user_change", args=[social_worker.pk]),
        {
            "username": social_worker.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "phone": "",
            "role": Role.SOCIAL_WORKER.value,
            "is_active": "on",
            "is_superuser": "on",
            "organisation": "",
        },
    )
    social_worker.refresh_from_db()
    assert not social_worker.is_superuser
    assert social_worker.organisation == admin_staff.organisation


def test_social_workers_and_team_leads_have_no_admin(client_of, social_worker, team_lead):
    for user in (social_worker, team_lead):
        response = client_of(user).get(reverse("admin:index"))
        assert response.status_code == 302
        assert "/admin/login/" in response.url


def test_admin_is_german(client_of, admin_staff):
    text = client_of(admin_staff).get(reverse("admin:index")).content.decode()
    assert "Benutzer" in text


def test_admin_staff_edits_own_organisation_only(client_of, admin_staff, other_organisation):
    client = client_of(admin_staff)
    text = client.get(reverse("admin:hagen_zuhause_organisation_changelist")).content.decode()
    assert "Stadt Hagen" in text
    assert other_organisation.name not in text


def test_admin_staff_cannot_turn_its_organisation_into_a_state(client_of, admin_staff):
    organisation = admin_staff.organisation
    response = client_of(admin_staff).post(
        reverse("admin:hagen_zuhause_organisation_change", args=[organisation.pk]),
        {
            "short_name": organisation.short_name,
            "kind": "state",
            "holiday_state": "NW",
            "retention_client_years": 3,
            "retention_access_log_years": 2,
            "retention_login_attempt_days": 90,
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.kind == "municipality"


# --- Escalation through the real admin: refused with a German message, nothing changed -----------------


def _change(client, user, **values):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "role": user.role.value if user.role else "",
        "is_active": "on" if user.is_active else "",
    }
    data.update(values)
    return client.post(reverse("admin:hagen_zuhause_user_change", args=[user.pk]), data)


def test_verwaltung_cannot_make_itself_team_lead_in_the_admin(client_of, admin_staff):
    response = _change(client_of(admin_staff), admin_staff, role=Role.TEAM_LEAD.value)
    assert response.status_code == 200
    assert "Sie können Ihre eigene Rolle nicht ändern." in response.content.decode()
    admin_staff.refresh_from_db()
    assert User.objects.get(pk=admin_staff.pk).role == Role.ADMINISTRATION
    assert not AccessChange.objects.exists()


def test_verwaltung_cannot_deactivate_itself_in_the_admin(client_of, admin_staff):
    response = _change(client_of(admin_staff), admin_staff, is_active="")
    assert "Sie können Ihr eigenes Konto nicht deaktivieren oder reaktivieren." in response.content.decode()
    assert User.objects.get(pk=admin_staff.pk).is_active


def test_a_client_data_role_in_the_admin_is_only_requested(client_of, admin_staff, social_worker):
    response = _change(client_of(admin_staff), social_worker, role=Role.TEAM_LEAD.value)
    assert response.status_code == 302
    assert User.objects.get(pk=social_worker.pk).role == Role.SOCIAL_WORKER
    request = AccessChange.objects.get()
    assert (request.state, request.role, request.requested_by) == ("pending", Role.TEAM_LEAD, admin_staff)
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any("sobald eine Teamleitung bestätigt" in message for message in messages)


def test_verwaltung_never_sets_or_sees_a_team_leads_password_in_the_admin(client_of, admin_staff, team_lead):
    client = client_of(admin_staff)
    page = client.get(reverse("admin:hagen_zuhause_user_change", args=[team_lead.pk])).content.decode()
    assert "md5$" not in page  # no hash summary (the tests hash with MD5)
    assert "password/" not in page
    url = reverse("admin:hagen_zuhause_user_change", args=[team_lead.pk]).replace("change/", "password/")
    assert client.get(url).status_code == 404
    response = client.post(url, {"password1": "Verwaltung kennt es", "password2": "Verwaltung kennt es"})
    assert response.status_code == 404
    # A password field smuggled into the change form is ignored.
    _change(client, team_lead, password="md5$x$y", password1="Verwaltung kennt es", password2="Verwaltung kennt es")
    assert User.objects.get(pk=team_lead.pk).check_password(PASSWORD)


def test_a_deactivation_in_the_admin_ends_the_sessions(client_of, admin_staff, social_worker):
    session = client_of(social_worker)
    _change(client_of(admin_staff), social_worker, is_active="")
    social_worker = User.objects.get(pk=social_worker.pk)
    assert not social_worker.is_active and social_worker.role is None
    assert session.get(reverse("dashboard")).status_code == 302


def test_another_verwaltung_gives_the_verwaltung_role_in_the_admin(client_of, admin_staff, organisation):
    colleague = user_create(organisation=organisation, username="neu", role=Role.SOCIAL_WORKER, password=PASSWORD)
    _change(client_of(admin_staff), colleague, role=Role.ADMINISTRATION.value)
    assert User.objects.get(pk=colleague.pk).role == Role.ADMINISTRATION


def test_the_operators_password_action_gives_a_link_or_a_request(client_of, admin_staff, social_worker):
    operator = User.objects.create_superuser("betrieb", "betrieb@example.org", None)
    app_enrolled(operator)  # the platform operator always has a second factor
    client = client_of(operator)
    changelist = reverse("admin:hagen_zuhause_user_changelist")
    action = {"action": "password_reset_link", "_selected_action": [admin_staff.pk]}
    response = client.post(changelist, action)
    assert response.status_code == 200 and "Einmal-Link für Vera Winkler" in response.content.decode()
    assert not User.objects.get(pk=admin_staff.pk).has_usable_password()

    response = client.post(changelist, {**action, "_selected_action": [social_worker.pk]}, follow=True)
    assert "sobald eine Teamleitung bestätigt" in response.content.decode()
    assert User.objects.get(pk=social_worker.pk).check_password(PASSWORD)
    # Verwaltung has no such action: it uses the account page.
    assert "password_reset_link" not in client_of(admin_staff).get(changelist).content.decode()
