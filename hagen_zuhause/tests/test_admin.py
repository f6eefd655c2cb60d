from django.urls import reverse

from hagen_zuhause.models import User
from hagen_zuhause.roles import Role


def test_admin_staff_sees_only_own_organisation_users(client_of, admin_staff, social_worker, outsider):
    client = client_of(admin_staff)
    text = client.get(reverse("admin:hagen_zuhause_user_changelist")).content.decode()
    assert social_worker.username in text
    assert outsider.username not in text
    response = client.get(reverse("admin:hagen_zuhause_user_change", args=[outsider.pk]))
    assert response.status_code == 302  # Django's admin redirects to its index for unknown objects
    assert outsider.username not in client.get(response.url).content.decode()


def test_admin_staff_creates_a_user_in_own_organisation_with_one_role(client_of, admin_staff):
    response = client_of(admin_staff).post(
        reverse("admin:hagen_zuhause_user_add"),
        {
            "username": "k.yilmaz",
            "first_name": "Kemal",
            "last_name": "Yılmaz",
            "email": "k.yilmaz@hagen.example",
            "phone": "",
            "role": Role.TEAM_LEAD.value,
            "password1": "Volmestraße am Morgen",
            "password2": "Volmestraße am Morgen",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="k.yilmaz")
    assert user.organisation == admin_staff.organisation
    assert user.role == Role.TEAM_LEAD
    assert not user.is_staff
    assert not user.is_superuser


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
