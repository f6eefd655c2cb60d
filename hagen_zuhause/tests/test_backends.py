"""The backend that reads a request's user: the same answers as Django's ModelBackend, in fewer queries."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from hagen_zuhause.backends import UserBackend
from hagen_zuhause.models import User
from hagen_zuhause.roles import Role


def _fresh(user):
    """The user as a new request reads it (no permission cache)."""
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_every_role_has_the_permissions_django_gives_it(role_users):
    for user in role_users.values():
        ours = UserBackend().get_all_permissions(_fresh(user))
        assert ours, user.username
        assert ours == ModelBackend().get_all_permissions(_fresh(user)), user.username


@pytest.mark.django_db
def test_a_permission_given_to_the_user_counts_beside_the_role(admin_staff):
    admin_staff.user_permissions.add(Permission.objects.get(content_type__app_label="cases", codename="view_task"))
    ours = UserBackend().get_all_permissions(_fresh(admin_staff))
    assert "cases.view_task" in ours
    assert "hagen_zuhause.view_user" in ours  # the role's
    assert ours == ModelBackend().get_all_permissions(_fresh(admin_staff))


@pytest.mark.django_db
def test_a_user_without_a_role_has_only_what_was_given_to_the_user(organisation):
    user = User.objects.create_user("ohne.rolle", organisation=organisation)
    assert UserBackend().get_all_permissions(_fresh(user)) == set()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="cases", codename="view_task"))
    assert UserBackend().get_all_permissions(_fresh(user)) == {"cases.view_task"}


@pytest.mark.django_db
def test_an_inactive_user_has_no_permission(social_worker):
    social_worker.is_active = False
    social_worker.save(update_fields=["is_active"])
    assert UserBackend().get_all_permissions(_fresh(social_worker)) == set()
    assert not UserBackend().has_perm(_fresh(social_worker), "cases.view_client")


@pytest.mark.django_db
def test_a_role_changed_in_the_database_counts_on_the_next_request(social_worker, team_lead):
    assert not UserBackend().has_perm(_fresh(social_worker), "cases.view_restricted_client")
    social_worker.groups.set(team_lead.groups.all())
    assert UserBackend().has_perm(_fresh(social_worker), "cases.view_restricted_client")
    assert UserBackend().get_user(social_worker.pk).role == Role.TEAM_LEAD


@pytest.mark.django_db
def test_a_user_without_a_role_is_read_without_one(organisation):
    user = User.objects.create_user("ohne.rolle", organisation=organisation)
    assert UserBackend().get_user(user.pk).role is None


@pytest.mark.django_db
def test_the_user_comes_with_the_organisation_the_role_and_the_permissions_in_one_query(
    social_worker, django_assert_num_queries
):
    with django_assert_num_queries(1):
        user = UserBackend().get_user(social_worker.pk)
        assert user.organisation.short_name == "Fachstelle Wohnen Hagen"
        assert user.role == Role.SOCIAL_WORKER
        assert user.role_label == Role.SOCIAL_WORKER.label
        assert user.has_perm("cases.view_client")
        assert user.has_perm("hagen_zuhause.view_user")
        assert not user.has_perm("cases.view_restricted_client")
    assert user.get_all_permissions() == ModelBackend().get_all_permissions(_fresh(social_worker))


@pytest.mark.django_db
def test_a_permission_given_to_the_user_is_read_with_the_user(admin_staff):
    admin_staff.user_permissions.add(Permission.objects.get(content_type__app_label="cases", codename="view_task"))
    user = UserBackend().get_user(admin_staff.pk)
    assert user.has_perm("cases.view_task")
    assert user.get_all_permissions() == ModelBackend().get_all_permissions(_fresh(admin_staff))


@pytest.mark.django_db
def test_a_superuser_read_with_the_request_has_every_permission():
    user = User.objects.create_superuser("root")
    read = UserBackend().get_user(user.pk)
    assert read.get_all_permissions() == ModelBackend().get_all_permissions(_fresh(user))
    assert len(read.get_all_permissions()) == Permission.objects.count()


@pytest.mark.django_db
def test_an_unknown_or_inactive_user_is_not_read(social_worker):
    assert UserBackend().get_user(10**9) is None
    social_worker.is_active = False
    social_worker.save(update_fields=["is_active"])
    assert UserBackend().get_user(social_worker.pk) is None
