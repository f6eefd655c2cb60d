"""How the signed-in user of a request is read: with the organisation, the role and the permissions, in
one query.

Every request reads its user, the user's organisation (the second factor's setting, the names on the
page), the role (named in every page's header) and, at the first permission check, the permissions.
Django's ``ModelBackend`` and ``User.role`` read them in five queries: the user, the organisation when
first used, the role's group, the user's own permissions, and the permissions of the user's groups. This
backend reads the same in one; what it answers is Django's. (A permission or role changed in the
database counts from the next request on, as with Django's backend.) The permission names come from the
database function ``hz_permission_names`` (migration hagen_zuhause 0015), whose plan the connection keeps:
written as a subquery, the six joins were planned anew on every request (3 ms planning, 1 ms running).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import F, Value
from django.db.models.functions import Concat

from hagen_zuhause.functions import PermissionNames


class UserBackend(ModelBackend):
    """``ModelBackend`` reading the user with the organisation, the role and the permissions in one query."""

    def get_user(self, user_id):
        user_model = get_user_model()
        users = user_model._default_manager.select_related("organisation").with_role_name()
        try:
            user = users.annotate(permission_names=PermissionNames(F("pk"))).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        if not user.is_superuser:
            user._perm_cache = set(user.permission_names)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """The permissions of the user and of the user's groups, as ``ModelBackend`` gives them."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                names = Permission.objects.values_list(_PERMISSION_NAME, flat=True)
            else:
                users = get_user_model()._default_manager.filter(pk=user_obj.pk)
                names = users.values_list(PermissionNames(F("pk")), flat=True).get()
            user_obj._perm_cache = set(names)
        return user_obj._perm_cache


#: "app_label.codename", as Django names a permission (and ``hz_permission_names`` does).
_PERMISSION_NAME = Concat("content_type__app_label", Value("."), "codename")
