"""The second factor: enrolling an authenticator app or a passkey, recovery codes, the second step.

The factors are django-otp devices: ``TOTPDevice`` (an authenticator app, RFC 6238), one
``StaticDevice`` whose ``StaticToken`` rows are the recovery codes, and django-otp-webauthn's
``WebAuthnCredential`` (passkeys). A user may add factors; nobody removes their own. Removing them
is a reset done by others: :func:`hagen_zuhause.services.second_factor_reset`.
"""

import hashlib
import re
import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from datetime import datetime

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from django_otp_webauthn.models import WebAuthnCredential

from hagen_zuhause.models import SecondFactorFailures, User
from hagen_zuhause.services import sessions_end

RECOVERY_CODE_COUNT = 10
#: Read off paper: no 0/o and no 1/l/i. Twelve of these are about 59 bits.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 12
TOTP_CODE = re.compile(r"^\d{6}$")


def second_factor_required(user):
    """Whether the user must have a second factor: the organisation's setting, or being a platform operator."""
    if user.is_superuser and settings.SECOND_FACTOR_REQUIRED_FOR_SUPERUSERS:
        return True
    return user.organisation_id is not None and user.organisation.require_second_factor


def has_second_factor(user):
    """Whether the user has a confirmed factor (app, passkey or recovery codes)."""
    return user_has_device(user, confirmed=True)


def factors_of(user):
    """The user's factors for the account page, oldest first: kind, name, created, last used."""
    rows = []
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        rows.append(Factor(_("Authenticator app"), device.name, device.created_at, device.last_used_at))
    for device in WebAuthnCredential.objects.devices_for_user(user, confirmed=True):
        rows.append(Factor(_("Passkey"), device.name, device.created_at, device.last_used_at))
    rows.sort(key=lambda row: row.created_at or timezone.now())
    return rows


def recovery_codes_left(user):
    """How many unused recovery codes the user has (None: none were ever made)."""
    device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    return None if device is None else device.token_set.count()


@dataclass(frozen=True)
class Factor:
    kind: str
    name: str
    created_at: datetime | None
    last_used_at: datetime | None


# --- Authenticator app (TOTP) --------------------------------------------------------------


def totp_issuer(device):
    """The account's label in the authenticator app: the organisation (OTP_TOTP_ISSUER)."""
    organisation = device.user.organisation
    return organisation.short_name if organisation else "ZUHAUSE"


def totp_key_new():
    """A fresh secret for an authenticator app: 20 random bytes, hex as django-otp stores it."""
    return random_hex(20)


def totp_key_text(key):
    """The secret as the apps ask for it when typed in: Base32 in groups of four."""
    text = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[start : start + 4] for start in range(0, len(text), 4))


def totp_qr_code(*, user, key):
    """The otpauth:// address of the key as a QR code: an SVG data URI (the CSP allows data: images)."""
    url = TOTPDevice(user=user, key=key).config_url
    return segno.make(url, error="m").svg_data_uri(scale=5, border=4)


@transaction.atomic
def totp_device_enrol(*, user, key, code, name, session_key=None):
    """Add an authenticator app once the user typed a code it shows for ``key``.

    Returns ``(device, recovery_codes)``: the codes in clear text when this was the user's first
    factor (shown once, stored hashed), else an empty list. A second submit of the same form returns
    the device the first one made.
    """
    _lock(user)
    existing = TOTPDevice.objects.filter(user=user, key=key, confirmed=True).first()
    if existing is not None:
        return existing, []
    device = TOTPDevice(user=user, key=key, name=name or _("Authenticator app"), confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    token = normalise_code(code)
    if not TOTP_CODE.match(token) or not totp.verify(int(token), device.tolerance):
        raise ValidationError(
            _(
                "This code does not match. Enter the code your app shows now; if it is refused again, "
                "check that the time on your phone is set automatically."
            ),
            code="wrong_code",
        )
    # The code just used must not open a login: only later time steps are accepted.
    device.last_t = totp.t()
    device.save()
    return device, second_factor_enrolled(user=user, session_key=session_key)


# --- Recovery codes and the first factor -----------------------------------------------------


def normalise_code(code):
    """What the user typed, without spaces and hyphens, in lower case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def recovery_code_digest(device, code):
    """How a recovery code is stored: SHA-256 of the device and the code, 80 bits in Base32.

    django-otp compares a code with the stored value as it is; stored like this, a copy of the
    database does not give away the codes.
    """
    digest = hashlib.sha256(f"{device.pk}:{normalise_code(code)}".encode()).digest()
    return b32encode(digest).decode().lower()[: StaticToken._meta.get_field("token").max_length]


@transaction.atomic
def second_factor_enrolled(*, user, session_key=None):
    """After a factor was added: with the user's first factor, make the recovery codes and end the
    user's other sessions (those logged in before the login needed a second factor).

    Returns the recovery codes in clear text (grouped, for reading) when they were made now, else [].
    """
    _lock(user)
    if StaticDevice.objects.filter(user=user).exists():
        return []
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [
        "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _position in range(RECOVERY_CODE_LENGTH))
        for _number in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_code_digest(device, c)) for c in codes)
    sessions_end(user=user, keep=session_key)
    return ["-".join(code[start : start + 4] for start in range(0, len(code), 4)) for code in codes]


# --- The second step of the login ------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What became of a code: the device that accepted it, or why none did."""

    device: object = None
    #: django-otp's growing delay after a wrong code (1, 2, 4, 8 s): no code is checked before then.
    wait_until: datetime | None = None
    #: Too many wrong codes in a row: the step is locked until then.
    locked_until: datetime | None = None


@transaction.atomic
def second_factor_verify(*, user, code):
    """Check a code from the user's authenticator app, or one of their recovery codes (used up by it).

    Wrong codes are counted; after ``SECOND_FACTOR_FAILURE_LIMIT`` of them in a row the step is
    locked for ``SECOND_FACTOR_LOCK_TIME``. A passkey is checked by django-otp-webauthn's views.
    """
    now = timezone.now()
    failures, _created = SecondFactorFailures.objects.select_for_update().get_or_create(user=user)
    locked_until = failures.locked_until(now)
    if locked_until:
        return Verification(locked_until=locked_until)
    token = normalise_code(code)
    if TOTP_CODE.match(token):
        candidates = [(device, token) for device in _for_verify(TOTPDevice, user)]
    else:
        candidates = [(device, recovery_code_digest(device, token)) for device in _for_verify(StaticDevice, user)]
    waits = []
    for device, value in candidates:
        allowed, details = device.verify_is_allowed()
        if not allowed:
            waits.append(details["locked_until"])
        elif device.verify_token(value):
            failures.reset()
            return Verification(device=device)
    if candidates and len(waits) == len(candidates):
        return Verification(wait_until=min(waits))
    failures.record_failure(now)
    return Verification(locked_until=failures.locked_until(now))


def _for_verify(model, user):
    return list(model.objects.devices_for_user(user, confirmed=True).select_for_update())


def _lock(user):
    """One enrolment of a user at a time: concurrent first factors must not both make recovery codes."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
