"""Builders for tests of the second factor: codes computed as an authenticator app computes them."""

import re
import time
from base64 import b32decode
from binascii import unhexlify

from django_otp.oath import TOTP

from hagen_zuhause.second_factor.services import totp_device_enrol, totp_key_new


def app_code(key, *, steps_ahead=0):
    """The six digits an authenticator app shows for ``key`` (hex) now, or ``steps_ahead`` periods later.

    A login right after the set-up needs a later period: a code is accepted only once.
    """
    totp = TOTP(unhexlify(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def key_from_text(text):
    """The hex key of the Base32 text the set-up page shows (what a person types into the app)."""
    letters = re.sub(r"\s", "", text)
    return b32decode(letters + "=" * (-len(letters) % 8)).hex()


def app_enrolled(user, *, name="Diensthandy"):
    """Set up an authenticator app for ``user`` through the service; returns (device, recovery codes)."""
    key = totp_key_new()
    return totp_device_enrol(user=user, key=key, code=app_code(key), name=name)
