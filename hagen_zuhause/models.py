"""Foundations every app stands on: organisations, users with roles, access changes, sessions, the access log."""

import base64
import hashlib

import pghistory
import pgtrigger
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.roles import CLIENT_DATA_ROLES, Role
from hagen_zuhause.scoping import ScopedQuerySet


class GermanState(models.TextChoices):
    """The 16 Länder, coded as the ``holidays`` package names their subdivisions (ISO 3166-2:DE)."""

    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


@pghistory.track(exclude=["logo"])
class Organisation(models.Model):
    """A Dienststelle or Träger: the tenant boundary of every personal record and user.

    It also holds what would otherwise be municipality-specific in code: the names, address and logo for
    letterheads and reports, the districts (``housing.District``), the state whose public holidays move
    deadlines, and the retention periods.
    """

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipal office")
        STATE = "state", _("state (Land)")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPALITY)
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
        help_text=_("Amtlicher Gemeindeschlüssel for the federal statistic, e.g. 05914000."),
    )
    require_second_factor = models.BooleanField(
        _("second factor required"),
        default=True,
        help_text=_(
            "When on, every account of the organisation confirms its login with an authenticator app or a "
            "passkey; accounts without one can only set one up."
        ),
    )
    # --- For letters and reports (the letterhead) ---
    city = models.CharField(_("city"), max_length=100, blank=True, help_text=_("For letters and reports."))
    address = models.TextField(
        _("postal address"), blank=True, help_text=_("As on an envelope: street and number, postcode and city.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    report_contact = models.CharField(
        _("contact person for reports"), max_length=200, blank=True, help_text=_("Name, phone or e-mail.")
    )
    logo = models.BinaryField(_("logo (PNG)"), blank=True, null=True, editable=False)
    # --- Rules that differ between municipalities ---
    holiday_state = models.CharField(
        _("state for public holidays"),
        max_length=2,
        choices=GermanState.choices,
        default=GermanState.NW,
        help_text=_("A deadline ending on a public holiday of this state moves to the next working day (§ 193 BGB)."),
    )
    retention_client_years = models.PositiveSmallIntegerField(
        _("client data kept (years)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("After the last case was closed and the last contact; then the client is anonymised."),
    )
    retention_access_log_years = models.PositiveSmallIntegerField(
        _("access log kept (years)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    retention_login_attempt_days = models.PositiveSmallIntegerField(
        _("failed logins kept (days)"), default=90, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_client_years__gte=1)
                & models.Q(retention_access_log_years__gte=1)
                & models.Q(retention_login_attempt_days__gte=1),
                name="organisation_retention_positive",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def logo_data_uri(self):
        """The logo as a ``data:`` URI for letterheads (PDF and pages; the CSP allows data: images)."""
        if not self.logo:
            return ""
        return "data:image/png;base64," + base64.b64encode(bytes(self.logo)).decode("ascii")

    @property
    def address_lines(self):
        return [line.strip() for line in self.address.splitlines() if line.strip()]


class UserQuerySet(ScopedQuerySet):
    """Users; colleagues are visible within the own organisation."""

    def active(self):
        return self.filter(is_active=True)

    def with_role(self, role):
        return self.filter(groups__name=Role(role).value)

    def with_role_name(self):
        """Each user's role name in the same query (one role per user): lists need no query per row, and
        the request's user (``UserBackend.get_user``) none for the role named on every page."""
        role_name = UserGroup.objects.filter(user=models.OuterRef("pk"), group__name__in=Role.values)
        return self.annotate(role_name=models.Subquery(role_name.order_by("group__name").values("group__name")[:1]))


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
    reminder_emails = models.BooleanField(
        _("daily reminder e-mail"),
        default=True,
        help_text=_(
            "On working days, an e-mail with the number and case numbers of your deadlines and tasks due (no names)."
        ),
    )
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
            # Platform superusers run the installation and see no personal data: they belong to no
            # organisation, and nobody of an organisation is a superuser.
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, is_superuser=False)
                | models.Q(organisation__isnull=True, is_superuser=True),
                name="user_in_organisation_or_platform_superuser",
                violation_error_message=_("Every user belongs to an organisation; platform superusers belong to none."),
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def role(self):
        """The user's role, or None (superusers and users without a role)."""
        if "role_name" in self.__dict__:  # read with UserQuerySet.with_role_name()
            return Role(self.role_name) if self.role_name in Role.values else None
        names = [group.name for group in self.groups.all()]
        for role in Role:
            if role.value in names:
                return role
        return None

    @property
    def role_label(self):
        return self.role.label if self.role else _("no role")

    @property
    def has_client_data_access(self):
        """Whether the account reads client files: its password is then never set by Verwaltung."""
        return self.role in CLIENT_DATA_ROLES


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
        VIEW_LIST = "view_list", _("viewed a list")
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

    #: Evidence: the application's database role may only read and add rows (``hagen_zuhause.database``).
    is_audit_record = True

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        # The audit page filters by date, user, kind and client within the organisation, newest first;
        # each filter walks its own index and stops after the page (millions of rows: see docs/decisions.md).
        indexes = [
            models.Index(fields=["organisation", "-at"], name="accesslog_org_at"),
            models.Index(fields=["organisation", "user", "-at"], name="accesslog_org_user_at"),
            models.Index(fields=["organisation", "action", "-at"], name="accesslog_org_action_at"),
            models.Index(fields=["organisation", "object_type", "object_id", "-at"], name="accesslog_org_record_at"),
        ]
        permissions = [("view_audit", _("Can read the change history and the access log"))]

    #: Record types that are not models: what the log shows for them.
    OTHER_TYPES = {
        "reports.federal_statistic": _("Federal statistic"),
        "reports.preliminary_report": _("Preliminary quarterly report"),
        "reports.state_overview": _("State overview"),
        "audit.access_log": _("Access log"),
        "audit.history": _("Change history"),
    }

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.object_type} {self.object_id}"

    @property
    def object_type_label(self):
        """The record type in words ("Klient*in" for ``cases.client``), or as stored when unknown."""
        if self.object_type in self.OTHER_TYPES:
            return self.OTHER_TYPES[self.object_type]
        if self.object_type == "reports.reportsnapshot" and not self.object_id:
            # Written so before preliminary exports had their own type: there was no snapshot yet.
            return self.OTHER_TYPES["reports.preliminary_report"]
        try:
            return apps.get_model(self.object_type)._meta.verbose_name
        except (LookupError, ValueError):
            return self.object_type


class SecondFactorFailures(models.Model):
    """Wrong codes a user entered in a row at the second step of the login.

    After ``SECOND_FACTOR_FAILURE_LIMIT`` of them (as many as wrong passwords lock the login) the step is
    locked for ``SECOND_FACTOR_LOCK_TIME``. A right code, or a wrong one after that time, starts the
    count anew.
    """

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    count = models.PositiveIntegerField(_("wrong codes in a row"), default=0)
    last_failure_at = models.DateTimeField(_("last wrong code"), null=True, blank=True)

    class Meta:
        verbose_name = _("wrong second-factor codes")
        verbose_name_plural = _("wrong second-factor codes")

    def __str__(self):
        return f"{self.user_id}: {self.count}"

    def locked_until(self, now):
        """When the lock ends, or None when the step is open."""
        if self.count < settings.SECOND_FACTOR_FAILURE_LIMIT or self.last_failure_at is None:
            return None
        until = self.last_failure_at + settings.SECOND_FACTOR_LOCK_TIME
        return until if until > now else None

    def record_failure(self, now):
        if self.last_failure_at is None or now - self.last_failure_at >= settings.SECOND_FACTOR_LOCK_TIME:
            self.count = 0
        self.count += 1
        self.last_failure_at = now
        self.save(update_fields=["count", "last_failure_at"])

    def reset(self):
        if self.count:
            self.count = 0
            self.last_failure_at = None
            self.save(update_fields=["count", "last_failure_at"])


# The second factors live in the tables of django-otp's plugins and django-otp-webauthn. Their history is
# kept through proxy models of this app, so that the triggers are installed by this app's migrations.
# It records who gained or lost which kind of factor and when, never a key, code or public key.
# Imported here, after User exists: django-otp-webauthn's models ask for the user model when imported.
from django_otp.plugins.otp_static.models import StaticDevice  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from django_otp_webauthn.models import WebAuthnCredential  # noqa: E402

_FACTOR_TRACKERS = (pghistory.InsertEvent(), pghistory.DeleteEvent())
_FACTOR_FIELDS = ["user", "name", "confirmed"]


@pghistory.track(*_FACTOR_TRACKERS, fields=_FACTOR_FIELDS, model_name="AuthenticatorAppEvent")
class AuthenticatorApp(TOTPDevice):
    """An authenticator app (TOTP, RFC 6238) of a user: django-otp's device, seen by this app's history."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")


@pghistory.track(*_FACTOR_TRACKERS, fields=_FACTOR_FIELDS, model_name="RecoveryCodesEvent")
class RecoveryCodes(StaticDevice):
    """A user's set of one-time recovery codes (the codes are StaticToken rows, stored hashed)."""

    class Meta:
        proxy = True
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")


@pghistory.track(*_FACTOR_TRACKERS, fields=_FACTOR_FIELDS, model_name="PasskeyEvent")
class Passkey(WebAuthnCredential):
    """A passkey (WebAuthn credential) of a user, as django-otp-webauthn stores it."""

    class Meta:
        proxy = True
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")


class JobRunQuerySet(models.QuerySet):
    def of_jobs(self, names):
        return self.filter(job__in=names)

    def latest_per_job(self):
        return self.order_by("job", "-started_at", "-id").distinct("job")

    def succeeded(self):
        return self.filter(status=JobRun.Status.SUCCEEDED)


class JobRun(models.Model):
    """One run of a scheduled job (cleanup, backup, retention …): when it ran, how it ended, its summary.

    Installation-wide and free of personal data. ``job_status`` and Verwaltung's start page read it to
    show a job that failed or has not run in time (``hagen_zuhause.jobs``).
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    job = models.CharField(_("job"), max_length=60)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    summary = models.CharField(_("summary"), max_length=500, blank=True)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_started")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["running", "succeeded", "failed"]), name="jobrun_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status="running", finished_at__isnull=True)
                | (~models.Q(status="running") & models.Q(finished_at__isnull=False)),
                name="jobrun_finished_when_done",
            ),
        ]

    def __str__(self):
        return f"{self.job} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M} {self.status}"


class AccessKind(models.TextChoices):
    """What an access change does to an account."""

    ROLE = "role", _("role")
    REVOCATION = "revocation", _("role taken away")
    PASSWORD_RESET = "password_reset", _("new password")
    SECOND_FACTOR_RESET = "second_factor_reset", _("second factor reset")
    DEACTIVATION = "deactivation", _("deactivation")
    REACTIVATION = "reactivation", _("reactivation")
    LOCK_LIFT = "lock_lift", _("login lock lifted")


class AccessState(models.TextChoices):
    """Where an access change stands: a request and its decision, or carried out at once."""

    PENDING = "pending", _("requested")
    CONFIRMED = "confirmed", _("confirmed")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", _("withdrawn")
    DIRECT = "direct", _("carried out")
    OPERATOR = "operator", _("granted by the platform operator")


#: Kinds that may need a second person: requested, then confirmed or refused by a Teamleitung.
REQUEST_KINDS = (AccessKind.ROLE, AccessKind.PASSWORD_RESET, AccessKind.SECOND_FACTOR_RESET)
REQUEST_STATES = (AccessState.PENDING, AccessState.CONFIRMED, AccessState.REFUSED, AccessState.WITHDRAWN)
EFFECTIVE_STATES = (AccessState.CONFIRMED, AccessState.DIRECT, AccessState.OPERATOR)


def token_hash(token):
    """The stored form of a link token: its SHA-256, so that a copy of the database opens no account."""
    return hashlib.sha256(token.encode()).hexdigest()


class AccessChangeQuerySet(ScopedQuerySet):
    """Access changes; Verwaltung and Teamleitung see those of their own organisation."""

    def pending(self):
        return self.filter(state=AccessState.PENDING)

    def effective(self):
        """Changes that took effect (confirmed, carried out, granted by the operator)."""
        return self.filter(state__in=EFFECTIVE_STATES)

    def unacknowledged_by(self, user):
        """What changed on ``user``'s account and has not yet been shown to them at a login."""
        return self.effective().filter(receiver=user, acknowledged_at__isnull=True)

    def with_open_link(self):
        """Changes whose one-time link may still be used: not used yet, not expired."""
        return (
            self.effective()
            .exclude(link_token_hash="")
            .filter(link_used_at__isnull=True, link_expires_at__gt=timezone.now())
        )

    def opened_by_link(self, token):
        """The change whose still usable one-time link carries ``token`` (none for an unknown token)."""
        return self.with_open_link().filter(link_token_hash=token_hash(token))

    def with_people(self):
        return self.select_related("receiver", "requested_by", "decided_by")

    def recent(self):
        return self.order_by("-requested_at", "-id")


@pghistory.track(exclude=["link_token_hash"])
class AccessChange(models.Model):
    """A change of someone's access, recording who asked for it and who agreed.

    A role with access to client files, and a password reset of an account holding one, are *requested*
    (by Verwaltung) and take effect only when a Teamleitung of the organisation confirms; the database
    refuses a decider who is the requester or the receiver, and a second pending request of the same
    kind for one account. Changes that give no client-data access (the role Verwaltung, a password reset
    of a Verwaltung account) or take access away (revocation, deactivation, a lifted login lock) are
    recorded as carried out at once; the first Teamleitung of an organisation is granted by the platform
    operator. Nobody is ever the receiver of a change they made. A change that needs a new password
    carries a one-time link for the receiver; only the SHA-256 hash of its token is stored.
    """

    Kind = AccessKind
    State = AccessState

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    receiver = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.PROTECT, related_name="access_changes"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    requested_by = models.ForeignKey(User, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    request_reason = models.CharField(_("reason"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason for the refusal"), max_length=300, blank=True)
    link_token_hash = models.CharField(_("link token (SHA-256)"), max_length=64, blank=True, editable=False)
    link_expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)
    link_used_at = models.DateTimeField(_("link used at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged by the account holder at"), null=True, blank=True)

    objects = AccessChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("access change")
        verbose_name_plural = _("access changes")
        ordering = ["-requested_at", "-id"]
        permissions = [("decide_accesschange", _("Can confirm or refuse requested access changes"))]
        indexes = [models.Index(fields=["organisation", "state"], name="accesschange_org_state")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(requested_by=models.F("receiver")),
                name="accesschange_requester_is_not_receiver",
                violation_error_message=_("Nobody changes their own access."),
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("receiver")),
                name="accesschange_decider_is_not_receiver",
                violation_error_message=_("Nobody decides about their own access."),
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=[AccessState.CONFIRMED, AccessState.REFUSED])
                | ~models.Q(decided_by=models.F("requested_by")),
                name="accesschange_four_eyes",
                violation_error_message=_("A request is confirmed or refused by someone other than the requester."),
            ),
            models.CheckConstraint(
                condition=models.Q(state=AccessState.PENDING, decided_by__isnull=True, decided_at__isnull=True)
                | (~models.Q(state=AccessState.PENDING) & models.Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="accesschange_decided_unless_pending",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=REQUEST_STATES) | models.Q(kind__in=REQUEST_KINDS),
                name="accesschange_requests_of_request_kinds",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=AccessKind.ROLE, role__in=sorted(CLIENT_DATA_ROLES))
                | models.Q(state__in=[*REQUEST_STATES, AccessState.OPERATOR]),
                name="accesschange_client_data_role_needs_confirmation",
                violation_error_message=_("A role with access to client data needs the confirmation of a team lead."),
            ),
            models.CheckConstraint(
                condition=~models.Q(state=AccessState.OPERATOR) | models.Q(kind=AccessKind.ROLE, role=Role.TEAM_LEAD),
                name="accesschange_operator_grants_team_lead_only",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=[AccessKind.ROLE, AccessKind.REVOCATION]) | ~models.Q(role=""),
                name="accesschange_role_kinds_name_the_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=AccessState.REFUSED) | ~models.Q(decision_reason=""),
                name="accesschange_refusal_has_reason",
                violation_error_message=_("Please give a reason for the refusal."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=AccessKind.LOCK_LIFT) | ~models.Q(request_reason=""),
                name="accesschange_lock_lift_has_reason",
                violation_error_message=_("Please give a reason for lifting the lock."),
            ),
            models.CheckConstraint(
                condition=models.Q(link_token_hash="", link_expires_at__isnull=True, link_used_at__isnull=True)
                | (~models.Q(link_token_hash="") & models.Q(link_expires_at__isnull=False)),
                name="accesschange_link_has_expiry",
            ),
            models.UniqueConstraint(
                fields=["receiver", "kind"],
                condition=models.Q(state=AccessState.PENDING),
                name="accesschange_one_pending_per_receiver_and_kind",
                violation_error_message=_("A request of this kind is already pending for this account."),
            ),
            models.UniqueConstraint(
                fields=["link_token_hash"],
                condition=~models.Q(link_token_hash=""),
                name="accesschange_link_token_unique",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.receiver}"

    def get_absolute_url(self):
        return reverse("access:request_detail", args=[self.pk])

    @property
    def is_pending(self):
        return self.state == self.State.PENDING

    @property
    def role_label(self):
        return Role(self.role).label if self.role else ""


class UserSession(AbstractBaseSession):
    """A database session that knows its user: taking access away ends that user's sessions at once.

    Django's own session table stores the user only inside the encoded data; finding one user's
    sessions would mean decoding all of them. ``clearsessions`` removes expired rows as before.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from hagen_zuhause.sessions import SessionStore

        return SessionStore


class SubmittedForm(models.Model):
    """A create form that has been saved, by its one-time token (see ``hagen_zuhause.submit_once``).

    The unique token makes a second submit of the same form wait for the first and then find it, also
    when the two requests run in different processes; ``result_url`` is where the first one led.
    """

    token = models.CharField(_("form token"), max_length=100, unique=True)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    result_url = models.CharField(_("saved record"), max_length=300, blank=True)
    saved = models.BooleanField(
        _("record saved"),
        default=True,
        help_text=_("Off when the form ended without a save, e.g. the worker opened an existing record instead."),
    )
    created_at = models.DateTimeField(_("saved at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("saved form")
        verbose_name_plural = _("saved forms")

    def __str__(self):
        return f"{self.user_id}: {self.result_url}"
