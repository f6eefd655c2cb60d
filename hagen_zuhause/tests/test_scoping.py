from django.contrib.auth.models import AnonymousUser

from hagen_zuhause.models import AccessLog, User


def test_users_see_only_colleagues_of_their_organisation(social_worker, team_lead, outsider):
    visible = set(User.objects.visible_to(social_worker))
    assert visible == {social_worker, team_lead}
    assert outsider not in visible
    assert set(User.objects.visible_to(outsider)) == {outsider}


def test_anonymous_and_organisationless_users_see_nothing(social_worker, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 16)
    assert not User.objects.visible_to(AnonymousUser()).exists()
    assert not User.objects.visible_to(superuser).exists()


def test_role_without_view_permission_sees_nothing(social_worker, team_lead, rf):
    from hagen_zuhause.audit import log_access

    request = rf.get("/")
    request.user = team_lead
    log_access(request, AccessLog.Action.EXPORT, detail="Test")
    assert AccessLog.objects.visible_to(team_lead).count() == 1
    assert AccessLog.objects.visible_to(social_worker).count() == 0


def test_access_log_of_another_organisation_is_invisible(team_lead, outsider, rf):
    from hagen_zuhause.audit import log_access

    request = rf.get("/")
    request.user = outsider
    log_access(request, AccessLog.Action.EXPORT, detail="Bericht")
    assert not AccessLog.objects.visible_to(team_lead).exists()
    assert AccessLog.objects.all_of_organisation(outsider.organisation).count() == 1
