"""Writes of the foundation: organisations, accounts and who grants access."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

import pghistory
from axes.utils import reset as axes_reset
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import device_classes
from PIL import Image, UnidentifiedImageError

from hagen_zuhause import four_eyes
from hagen_zuhause.locking import lock_for_edit
from hagen_zuhause.models import (
    AccessChange,
    Organisation,
    SecondFactorFailures,
    User,
    UserGroup,
    UserSession,
    token_hash,
)
from hagen_zuhause.roles import CLIENT_DATA_ROLES, ROLES_OF_KIND, STAFF_ROLES, Role

DEMO_ORGANISATION = {
    "name": "Stadt Hagen – Zentrale Fachstelle Wohnen",
    "short_name": "Fachstelle Wohnen Hagen",
    "case_number_prefix": "HA",
    "municipality_key": "05914000",
    "city": "Hagen",
    "address": "Stadt Hagen – Zentrale Fachstelle Wohnen\nMusterstraße 1\n58095 Hagen",
    "phone": "02331 000-0000",
    "email": "fachstelle-wohnen@hagen.example",
    "report_contact": "Thomas Lehmann (Teamleitung), 02331 000-0000",
    "holiday_state": "NW",
    # `make run` stays two commands: the demo accounts log in with their password alone.
    "require_second_factor": False,
}

#: A second, invented municipality (``seed_demo --second-municipality``): shows that tenants stay apart.
DEMO_SECOND_MUNICIPALITY = {
    "name": "Stadt Musterstadt – Fachstelle Wohnungsnotfälle",
    "short_name": "Fachstelle Musterstadt",
    "case_number_prefix": "MU",
    "municipality_key": "05999000",
    "city": "Musterstadt",
    "address": "Stadt Musterstadt – Fachstelle Wohnungsnotfälle\nAm Markt 2\n59999 Musterstadt",
    "phone": "09999 111-0",
    "email": "wohnungsnotfall@musterstadt.example",
    "report_contact": "Thomas Lehmann (Teamleitung), 09999 111-0",
    "holiday_state": "NW",
    "require_second_factor": False,
}
#: Its accounts are the demo user names with this suffix (``sozialarbeit.musterstadt``, …).
DEMO_SECOND_SUFFIX = ".musterstadt"

#: The state's demo organisation: it reads the municipalities' submitted quarterly figures at /land/.
DEMO_STATE = {
    "name": "Land Nordrhein-Westfalen – Landesinitiative Endlich ein ZUHAUSE!",
    "short_name": "Landesinitiative Endlich ein ZUHAUSE!",
    "kind": Organisation.Kind.STATE,
    "case_number_prefix": "NRW",
    "city": "Düsseldorf",
    "holiday_state": "NW",
    "require_second_factor": False,
}

#: (username, first name, last name) of the state's demo account.
DEMO_STATE_USER = ("land", "Lena", "Schulte")

DEMO_USERS = [
    # (username, role, first name, last name)
    ("sozialarbeit", Role.SOCIAL_WORKER, "Sonja", "Albers"),
    ("teamleitung", Role.TEAM_LEAD, "Thomas", "Lehmann"),
    ("verwaltung", Role.ADMINISTRATION, "Vera", "Winkler"),
]


def role_fits_organisation(role, organisation):
    """Whether users of ``organisation`` may hold ``role``: Land in the state's organisation, the rest elsewhere."""
    return role in ROLES_OF_KIND[organisation.kind]


@transaction.atomic
def user_create(*, organisation, username, role, password, first_name="", last_name="", email=""):
    """Create an account of an organisation with exactly one role, without asking anybody.

    For management commands (``seed_demo``), which act as the ``system`` actor: whoever runs them holds
    the installation anyway. People create accounts with :func:`account_create`, where a role with
    client-data access needs a Teamleitung's confirmation.
    """
    role = Role(role)
    if not role_fits_organisation(role, organisation):
        raise ValidationError(_("Users of a state organisation hold the role Land, and only they hold it."))
    user = User.objects.create_user(
        username=username,
        password=password,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role in STAFF_ROLES,
    )
    user.groups.set([Group.objects.get(name=role.value)])
    return user


@transaction.atomic
def demo_organisation_ensure(*, password=None, definition=DEMO_ORGANISATION, suffix=""):
    """Create the demo organisation and one user per role where missing.

    Returns the organisation and a list of (username, role, password) for accounts that
    were created now; the password is the given one or a generated one per account. ``definition``
    and ``suffix`` (appended to the user names) create a further demo municipality the same way.
    """
    organisation, _created = Organisation.objects.get_or_create(name=definition["name"], defaults=definition)
    # Commands start their history context before the organisation exists; name it now.
    pghistory.context(organisation=organisation.pk)
    created = []
    domain = definition["email"].rpartition("@")[2]
    for name, role, first_name, last_name in DEMO_USERS:
        username = f"{name}{suffix}"
        if User.objects.filter(username=username).exists():
            continue
        account_password = password or secrets.token_urlsafe(12)
        user_create(
            organisation=organisation,
            username=username,
            role=role,
            password=account_password,
            first_name=first_name,
            last_name=last_name,
            email=f"{name}@{domain}",
        )
        created.append((username, role, account_password))
    created.extend(_demo_state_ensure(password))
    return organisation, created


def _demo_state_ensure(password):
    """The state's demo organisation and its account ``land``, where missing; the created account listed."""
    state, _created = Organisation.objects.get_or_create(name=DEMO_STATE["name"], defaults=DEMO_STATE)
    username, first_name, last_name = DEMO_STATE_USER
    if User.objects.filter(username=username).exists():
        return []
    account_password = password or secrets.token_urlsafe(12)
    user_create(
        organisation=state,
        username=username,
        role=Role.STATE,
        password=account_password,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@land.example",
    )
    return [(username, Role.STATE, account_password)]


# --- Who grants access (DESIGN §3) --------------------------------------------------------------
#
# A role with access to client files takes effect only when two people agreed: Verwaltung (or the
# platform operator) requests it, a Teamleitung of the organisation confirms it, neither of them the
# receiver. Nobody changes their own role, active state or password through these services; what
# takes access away takes effect at once and ends the receiver's sessions. Every step is an
# AccessChange row (history-tracked), so the history shows who asked, who agreed and when.

#: How long a one-time link to choose a password stays valid.
LINK_VALIDITY = timedelta(hours=24)


@dataclass(frozen=True)
class AccessOutcome:
    """What an access service did: the recorded change (None when nothing needed recording) and, when
    the receiver has to choose a password, the token of the one-time link. The token exists only here,
    to be shown once; the database keeps its hash."""

    change: AccessChange | None
    token: str = ""


def _role_in_database(user):
    """The role the account holds now (read from the database, not a cached attribute), or None."""
    names = set(UserGroup.objects.filter(user=user).values_list("group__name", flat=True))
    return next((role for role in Role if role.value in names), None)


def _locked_account(user):
    """The account's row, locked: access changes of one account happen one after the other."""
    return User.objects.select_for_update().get(pk=user.pk)


def _locked_request(change):
    """A still pending request and its receiver's account, both locked.

    The account first, as every access change locks it first: a confirmation and a deactivation of the
    same account wait for each other instead of deadlocking.
    """
    receiver = User.objects.select_for_update().get(pk=change.receiver_id)
    change = AccessChange.objects.select_for_update().get(pk=change.pk)
    four_eyes.check_pending(change)
    return change, receiver


def _check_manages(actor, user):
    """Verwaltung manages the accounts of its own organisation; the platform operator every account."""
    if actor.is_superuser:
        # The operator belongs to no organisation: file the change under the account's, so that the
        # organisation's history shows it (pghistory adds this to the request's context, if one is open).
        pghistory.context(organisation=user.organisation_id)
        return
    if not (
        actor.is_active
        and actor.organisation_id is not None
        and actor.organisation_id == user.organisation_id
        and actor.has_perm("hagen_zuhause.change_user")
    ):
        raise ValidationError(_("Only the administration of the account's office may change it."))


def _check_decides(actor, change):
    """A Teamleitung of the organisation decides, and never about a request they made or received."""
    if not (
        actor.is_active
        and actor.organisation_id == change.organisation_id
        and actor.has_perm("hagen_zuhause.decide_accesschange")
    ):
        raise ValidationError(_("Only a team lead of the office can confirm or refuse this request."))
    if actor.pk == change.receiver_id:
        raise ValidationError(_("You cannot decide about your own access."))
    four_eyes.check_not_requester(actor, change)


def check_role_change(*, user, role, actor):
    """Refuse (ValidationError, German) a role change that ``actor`` may not make; also used by the admin."""
    _check_manages(actor, user)
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot change your own role."))
    if user.is_superuser:
        raise ValidationError(_("Platform superusers hold no role."))
    if not user.is_active:
        raise ValidationError(_("The account is deactivated; reactivate it first."))
    if role is not None and role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if role is not None and user.organisation_id and not role_fits_organisation(Role(role), user.organisation):
        raise ValidationError(_("Users of a state organisation hold the role Land, and only they hold it."))
    if (
        role in CLIENT_DATA_ROLES
        and user.pk
        and AccessChange.objects.pending().filter(receiver=user, kind=AccessChange.Kind.ROLE).exists()
    ):
        raise ValidationError(_("A request of this kind is already pending for this account."))


def check_active_change(*, user, active, actor):
    """Refuse (ValidationError, German) a deactivation or reactivation ``actor`` may not make."""
    _check_manages(actor, user)
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate or reactivate your own account."))
    if user.is_superuser and not actor.is_superuser:
        raise ValidationError(_("Only the platform operator changes platform superusers."))


def check_password_reset(*, user, actor):
    """Refuse (ValidationError, German) a password reset ``actor`` may not start."""
    _check_manages(actor, user)
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot reset your own password here; change it under “Password”."))
    if not user.is_active:
        raise ValidationError(_("The account is deactivated; reactivate it first."))


def sessions_end(*, user, keep=None):
    """Log ``user`` out everywhere (every browser) except in the session ``keep`` (a session key): their
    sessions are deleted, their next request goes to the login."""
    return UserSession.objects.filter(user=user).exclude(session_key=keep).delete()[0]


def _set_role(user, role):
    """Give the account exactly ``role`` (or none); is_staff follows the role. Ends its sessions when a
    role is taken away, so that the loss takes effect at once."""
    previous = _role_in_database(user)
    if role is None:
        user.groups.clear()
    else:
        user.groups.set([Group.objects.get(name=Role(role).value)])
    is_staff = user.is_superuser or (role is not None and Role(role) in STAFF_ROLES)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("role", None)  # the cached_property of the old role
    if previous is not None and previous != role:
        sessions_end(user=user)


def _issue_link(change):
    """Attach a fresh one-time link to ``change`` (saved by the caller); returns its token."""
    token = secrets.token_urlsafe(32)
    change.link_token_hash = token_hash(token)
    change.link_expires_at = timezone.now() + LINK_VALIDITY
    return token


def _password_to_be_chosen(user):
    """The account's password becomes unusable: only its holder chooses the next one, through a link."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    sessions_end(user=user)


def _grant(user, role, change):
    """Give ``role`` and return the link token when the holder has to choose a password.

    An account that reaches client data from an account that did not may carry a password that
    Verwaltung set or knows: it becomes unusable, and the holder chooses a new one through the link.
    """
    previous = _role_in_database(user)
    _set_role(user, role)
    if Role(role) in CLIENT_DATA_ROLES and previous not in CLIENT_DATA_ROLES:
        _password_to_be_chosen(user)
    if not user.has_usable_password():
        return _issue_link(change)
    return ""


def _record(user, actor, kind, **fields):
    """A change carried out at once by ``actor``."""
    now = timezone.now()
    return AccessChange(
        organisation_id=user.organisation_id,
        kind=kind,
        receiver=user,
        requested_by=actor,
        requested_at=now,
        state=AccessChange.State.DIRECT,
        decided_by=actor,
        decided_at=now,
        **fields,
    )


def _request(user, actor, kind, **fields):
    """A request that waits for a Teamleitung; a second pending one of the same kind is refused."""
    change = AccessChange(organisation_id=user.organisation_id, kind=kind, receiver=user, requested_by=actor, **fields)
    return four_eyes.open_request(
        change,
        pending=AccessChange.objects.pending().filter(receiver=user, kind=kind),
        already=_("A request of this kind is already pending for this account."),
    )


def _has_active_team_lead(organisation_id):
    return User.objects.filter(organisation_id=organisation_id).active().with_role(Role.TEAM_LEAD).exists()


@transaction.atomic
def role_change(*, user, role, actor, reason=""):
    """Change an account's role as DESIGN §3 allows ``actor``; ``role`` None takes the role away.

    Verwaltung is given (and any role taken away) at once. Sozialarbeit and Teamleitung are requested,
    to be confirmed by a Teamleitung; only while an organisation has no active Teamleitung may the
    platform operator grant that role directly. Returns an :class:`AccessOutcome`.
    """
    role = Role(role) if role else None
    user = _locked_account(user)
    check_role_change(user=user, role=role, actor=actor)
    current = _role_in_database(user)
    if role == current:
        raise ValidationError(_("The account already holds this role.") if role else _("The account holds no role."))
    if role is None:
        _set_role(user, None)
        change = _record(user, actor, AccessChange.Kind.REVOCATION, role=current.value, request_reason=reason)
        change.save()
        return AccessOutcome(change)
    if role not in CLIENT_DATA_ROLES:
        change = _record(user, actor, AccessChange.Kind.ROLE, role=role.value, request_reason=reason)
        token = _grant(user, role, change)
        change.save()
        return AccessOutcome(change, token)
    if actor.is_superuser and role == Role.TEAM_LEAD:
        # The first Teamleitung of an organisation has nobody to confirm it: the operator grants it,
        # and only then. The organisation's row is locked so that two such grants cannot race.
        Organisation.objects.select_for_update().get(pk=user.organisation_id)
        if not _has_active_team_lead(user.organisation_id):
            change = _record(user, actor, AccessChange.Kind.ROLE, role=role.value, request_reason=reason)
            change.state = AccessChange.State.OPERATOR
            token = _grant(user, role, change)
            change.save()
            return AccessOutcome(change, token)
    change = _request(user, actor, AccessChange.Kind.ROLE, role=role.value, request_reason=reason)
    return AccessOutcome(change)


def _new_password(user, change):
    _password_to_be_chosen(user)
    return _issue_link(change)


def _no_second_factor(user, change):
    second_factor_reset(user=user, actor=change.decided_by)
    return ""


#: What a confirmed request of each kind does to the receiver's account; returns the link token or "".
_CONFIRMED = {
    AccessChange.Kind.ROLE: lambda user, change: _grant(user, change.role, change),
    AccessChange.Kind.PASSWORD_RESET: _new_password,
    AccessChange.Kind.SECOND_FACTOR_RESET: _no_second_factor,
}


@transaction.atomic
def access_request_confirm(*, change, actor):
    """A Teamleitung confirms a pending request: the role or the reset takes effect now.

    Returns an :class:`AccessOutcome` whose token, when there is one, is the one-time link for the
    receiver to choose a password; the confirming team lead hands it over.
    """
    change, receiver = _locked_request(change)
    _check_decides(actor, change)
    if not receiver.is_active:
        raise ValidationError(_("The account is deactivated; reactivate it first."))
    change.decided_by = actor  # the reset of a second factor is done in the decider's name
    token = _CONFIRMED[change.kind](receiver, change)
    four_eyes.close(change, state=AccessChange.State.CONFIRMED, actor=actor)
    return AccessOutcome(change, token)


@transaction.atomic
def access_request_refuse(*, change, actor, reason):
    """A Teamleitung refuses a pending request, with a reason the requester reads."""
    change, _receiver = _locked_request(change)
    _check_decides(actor, change)
    return four_eyes.close(
        change, state=AccessChange.State.REFUSED, actor=actor, reason=four_eyes.refusal_reason(reason)
    )


@transaction.atomic
def access_request_withdraw(*, change, actor):
    """Verwaltung takes back a pending request (a mistake, or the person no longer needs it)."""
    change, receiver = _locked_request(change)
    _check_manages(actor, receiver)
    if actor.pk == change.receiver_id:
        raise ValidationError(_("You cannot decide about your own access."))
    return four_eyes.close(change, state=AccessChange.State.WITHDRAWN, actor=actor)


@transaction.atomic
def account_create(
    *, actor, username, first_name="", last_name="", email="", phone="", role=None, reason="", organisation=None
):
    """Verwaltung (or the platform operator) opens an account; it has no password until its holder
    chooses one through a one-time link.

    A role is given or requested as :func:`role_change` does. Verwaltung creates accounts in its own
    organisation; the operator names the organisation. Returns the account and an :class:`AccessOutcome`.
    """
    if not actor.is_superuser:
        organisation = actor.organisation
    if organisation is None:
        raise ValidationError({"organisation": _("Please choose the office of the account.")})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        organisation=organisation,
    )
    user.set_unusable_password()
    _check_manages(actor, user)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same form sent twice at once: the first request created the account.
        raise ValidationError({"username": _("An account with this user name already exists.")}) from None
    if not role:
        return user, AccessOutcome(None)
    return user, role_change(user=user, role=role, actor=actor, reason=reason)


@transaction.atomic
def account_reminders_set(*, user, enabled):
    """Switch the user's own daily reminder e-mail on or off (the change history records it)."""
    User.objects.filter(pk=user.pk).update(reminder_emails=enabled)
    user.reminder_emails = enabled
    return user


@transaction.atomic
def account_active_set(*, user, active, actor):
    """Deactivate or reactivate an account; deactivation takes effect at once.

    A deactivated account holds no role and no pending request, and its sessions end; reactivating it
    gives it no role back: a role with client-data access needs a new confirmation.
    """
    user = _locked_account(user)
    check_active_change(user=user, active=active, actor=actor)
    if user.is_active == active:
        raise ValidationError(
            _("The account is already active.") if active else _("The account is already deactivated.")
        )
    if active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        change = _record(user, actor, AccessChange.Kind.REACTIVATION)
        change.save()
        return change
    previous = _role_in_database(user)
    for pending in AccessChange.objects.select_for_update().pending().filter(receiver=user):
        four_eyes.close(pending, state=AccessChange.State.WITHDRAWN, actor=actor)
    _set_role(user, None)
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions_end(user=user)
    change = _record(user, actor, AccessChange.Kind.DEACTIVATION, role=previous.value if previous else "")
    change.save()
    return change


@transaction.atomic
def password_reset(*, user, actor, reason=""):
    """Start a new password for someone who lost theirs; the holder always chooses it through a link.

    For an account with client-data access this is a request a Teamleitung confirms (Verwaltung never
    sets or learns such a password); for any other account it takes effect at once and ``actor``
    receives the link. Returns an :class:`AccessOutcome`.
    """
    user = _locked_account(user)
    check_password_reset(user=user, actor=actor)
    if _role_in_database(user) in CLIENT_DATA_ROLES:
        return AccessOutcome(_request(user, actor, AccessChange.Kind.PASSWORD_RESET, request_reason=reason))
    change = _record(user, actor, AccessChange.Kind.PASSWORD_RESET, request_reason=reason)
    token = _new_password(user, change)
    change.save()
    return AccessOutcome(change, token)


@transaction.atomic
def second_factor_reset_request(*, user, actor, reason=""):
    """Remove the second factors of someone who lost their phone or key; they set up a new one.

    Like a password reset (the second factor guards the same door): for an account with client-data
    access a request a Teamleitung confirms, for any other account carried out at once. Nobody resets
    their own. Returns an :class:`AccessOutcome`.
    """
    user = _locked_account(user)
    _check_manages(actor, user)
    if actor.pk == user.pk:
        raise ValidationError(_("Nobody can reset their own second factor."))
    if not user.is_active:
        raise ValidationError(_("The account is deactivated; reactivate it first."))
    if _role_in_database(user) in CLIENT_DATA_ROLES:
        kind = AccessChange.Kind.SECOND_FACTOR_RESET
        return AccessOutcome(_request(user, actor, kind, request_reason=reason))
    change = _record(user, actor, AccessChange.Kind.SECOND_FACTOR_RESET, request_reason=reason)
    second_factor_reset(user=user, actor=actor)
    change.save()
    return AccessOutcome(change)


@transaction.atomic
def password_set_by_link(*, change, password):
    """The holder chooses their password through the one-time link of ``change``; the link is used up."""
    user = User.objects.select_for_update().get(pk=change.receiver_id)
    change = AccessChange.objects.with_open_link().select_for_update().filter(pk=change.pk).first()
    if change is None:
        raise ValidationError(
            _("This link has already been used or has expired. Please ask your office for a new one.")
        )
    if not user.is_active:
        raise ValidationError(_("This account is deactivated."))
    user.set_password(password)
    user.save(update_fields=["password"])
    sessions_end(user=user)
    change.link_used_at = timezone.now()
    change.save(update_fields=["link_used_at"])
    return user


@transaction.atomic
def lock_lift(*, attempt, actor, reason):
    """Verwaltung lifts a login lock (django-axes) before it runs out, giving a reason; never its own."""
    user = User.objects.filter(username=attempt.username).first()
    if user is None:
        raise ValidationError(_("There is no account with this user name."))
    _check_manages(actor, user)
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot lift a lock of your own account."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for lifting the lock.")})
    axes_reset(ip=attempt.ip_address, username=attempt.username)
    change = _record(user, actor, AccessChange.Kind.LOCK_LIFT, request_reason=reason)
    change.save()
    return change


@transaction.atomic
def notices_acknowledge(*, user):
    """The holder has read what changed on their account (shown at their next login)."""
    return AccessChange.objects.unacknowledged_by(user).update(acknowledged_at=timezone.now())


@transaction.atomic
def second_factor_reset(*, user, actor):
    """Remove every second factor of ``user`` (apps, passkeys, recovery codes) and end their sessions.

    For an account whose phone or key was lost: at the next login the user sets up a new factor
    (where the organisation requires one) or logs in with the password alone. Nobody resets their own
    factors; who may reset someone else's is decided by the caller. The history records each removed
    factor with ``actor`` in its context.
    """
    if actor.pk == user.pk:
        raise ValidationError(_("Nobody can reset their own second factor."), code="own_second_factor")
    with pghistory.context(user=actor.pk, actor=actor.get_username(), organisation=user.organisation_id):
        for model in device_classes():
            model.objects.filter(user=user).delete()
    SecondFactorFailures.objects.filter(user=user).delete()
    sessions_end(user=user)


# --- The organisation's settings ---------------------------------------------------------

#: Settings Verwaltung keeps for its own organisation (the name, case number prefix and kind are the
#: platform operator's: they identify the organisation in case numbers and reports). Failed logins
#: belong to no organisation: how long they are kept is the installation's setting
#: (``DJANGO_LOGIN_ATTEMPTS_KEPT_DAYS``), not one of these.
ORGANISATION_SETTINGS = (
    "short_name",
    "city",
    "municipality_key",
    "address",
    "phone",
    "email",
    "report_contact",
    "holiday_state",
    "require_second_factor",
    "retention_client_years",
    "retention_access_log_years",
)
LOGO_MAX_BYTES = 500 * 1024
LOGO_MAX_PIXELS = 1200


def logo_from_upload(uploaded_file):
    """The PNG bytes of an uploaded logo: read by content, re-encoded (no metadata, no trailing data).

    Refuses anything but a PNG image within the size limits, with a German message.
    """
    if uploaded_file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is larger than %(size)d KB.") % {"size": LOGO_MAX_BYTES // 1024}, code="too_large"
        )
    data = uploaded_file.read()
    try:
        with Image.open(BytesIO(data)) as probe:
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            if image.format != "PNG":
                raise ValidationError(_("The logo must be a PNG image."), code="wrong_type")
            if max(image.size) > 4 * LOGO_MAX_PIXELS:
                raise ValidationError(_("The logo's picture is too large."), code="too_large")
            image.load()
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("The logo must be a PNG image."), code="wrong_type") from error
    picture.thumbnail((LOGO_MAX_PIXELS, LOGO_MAX_PIXELS))
    output = BytesIO()
    picture.save(output, format="PNG", optimize=True)
    return output.getvalue()


@transaction.atomic
def organisation_settings_save(*, organisation, actor, version, fields, logo=None, remove_logo=False):
    """Save the settings Verwaltung keeps for its own organisation (letterhead, rules, retention).

    ``version`` is the organisation's version when the form was shown: a save over someone else's
    newer save is refused. ``logo`` is the re-encoded PNG of :func:`logo_from_upload`.
    """
    if actor.organisation_id != organisation.pk:
        raise ValidationError(_("You can only change the settings of your own organisation."), code="other")
    stored = lock_for_edit(organisation, version, fields=ORGANISATION_SETTINGS)
    unknown = set(fields) - set(ORGANISATION_SETTINGS)
    if unknown:
        raise ValueError(f"Not settings of the organisation: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(stored, name, value)
    if logo is not None:
        stored.logo = logo
    elif remove_logo:
        stored.logo = None
    stored.full_clean()
    with pghistory.context(user=actor.pk, actor=actor.get_username(), organisation=stored.pk):
        stored.save()
    return stored
