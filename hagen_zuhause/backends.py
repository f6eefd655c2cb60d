"""How the signed-in user of a request is read: with the organisation and the role, and the permissions in
one query.

Every request reads its user, the user's organisation (the second factor's setting, the names on the
page), the role (named in every page's header) and, at the first permission check, the permissions.
Django's ``ModelBackend`` and ``User.role`` read them in five queries: the user, the organisation when
first used, the role's group, the user's own permissions, and the permissions of the user's groups. This
backend reads the same in two; what it answers is Django's.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class UserBackend(ModelBackend):
    """``ModelBackend`` reading the user with the organisation and the role, and all permissions in one query."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("organisation").with_role_name().get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """The permissions of the user and of the user's groups, as ``ModelBackend`` gives them."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                permissions = Permission.objects.all()
            else:
                groups_lookup = f"group__{get_user_model()._meta.get_field('groups').related_query_name()}"
                own = Permission.objects.filter(user=user_obj).values("pk")
                of_groups = Permission.objects.filter(**{groups_lookup: user_obj}).values("pk")
                permissions = Permission.objects.filter(Q(pk__in=own) | Q(pk__in=of_groups))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list("content_type__app_label", "codename").order_by()
            }
        return user_obj._perm_cache
