"""Foundations every app stands on: organisations, users with roles, the access log."""

import pghistory
import pgtrigger
from django.apps import apps
from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.roles import Role
from hagen_zuhause.scoping import ScopedQuerySet


@pghistory.track()
class Organisation(models.Model):
    """A Dienststelle or Träger: the tenant boundary of every personal record and user."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=80)
    case_number_prefix = models.CharField(
        _("case number prefix"),
        max_length=6,
        default="HA",
        validators=[RegexValidator(r"^[A-Z]{1,6}$", _("Use one to six capital letters."))],
        help_text=_("Case numbers read PREFIX-YEAR-NUMBER, e.g. HA-2026-00042."),
    )
    municipality_key = models.CharField(
        _("municipality key"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("The municipality key has eight digits."))],
        help_text=_("Amtlicher Gemeindeschlüssel for the federal statistic, e.g. 05914000 for Hagen."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserQuerySet(ScopedQuerySet):
    """Users; colleagues are visible within the own organisation."""

    def active(self):
        return self.filter(is_active=True)

    def with_role(self, role):
        return self.filter(groups__name=Role(role).value)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person who logs in; belongs to exactly one organisation and holds one role."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    groups = models.ManyToManyField(
        Group,
        verbose_name=_("groups"),
        through="UserGroup",
        blank=True,
        related_name="user_set",
        related_query_name="user",
    )

    objects = ScopedUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(is_superuser=True),
                name="user_has_organisation_unless_superuser",
                violation_error_message=_("Every user belongs to an organisation."),
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def role(self):
        """The user's role, or None (superusers and users without a role)."""
        names = [group.name for group in self.groups.all()]
        for role in Role:
            if role.value in names:
                return role
        return None

    @property
    def role_label(self):
        return self.role.label if self.role else _("no role")


@pghistory.track(
    pghistory.InsertEvent("role.add"),
    pghistory.DeleteEvent("role.remove"),
    obj_field=None,
)
class UserGroup(models.Model):
    """A user's membership in a role group; its own model so that role changes have history."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE)
    group = models.ForeignKey(Group, verbose_name=_("role"), on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="usergroup_unique")]

    def __str__(self):
        return f"{self.user} – {self.group}"


class AccessLogQuerySet(ScopedQuerySet):
    def recent(self):
        return self.order_by("-at", "-id")


@pgtrigger.register(
    pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
)
class AccessLog(models.Model):
    """Append-only record of every view of a client record, of restricted fields, and every export.

    The database refuses updates and deletes (trigger ``append_only``).
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        VIEW_RESTRICTED = "view_restricted", _("viewed restricted data")
        EXPORT = "export", _("exported")
        DOWNLOAD = "download", _("downloaded")

    at = models.DateTimeField(_("time"), default=timezone.now)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.CharField(_("actor"), max_length=150, help_text=_("User name, or 'system' for commands."))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["organisation", "-at"], name="accesslog_org_at")]
        permissions = [("view_audit", _("Can read the change history and the access log"))]

    #: Record types that are not models: what the log shows for them.
    OTHER_TYPES = {"reports.federal_statistic": _("Federal statistic")}

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.object_type} {self.object_id}"

    @property
    def object_type_label(self):
        """The record type in words ("Klient*in" for ``cases.client``), or as stored when unknown."""
        if self.object_type in self.OTHER_TYPES:
            return self.OTHER_TYPES[self.object_type]
        try:
            return apps.get_model(self.object_type)._meta.verbose_name
        except (LookupError, ValueError):
            return self.object_type
