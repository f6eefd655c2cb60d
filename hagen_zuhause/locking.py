"""Optimistic locking: an edit form carries the version of the record it showed; saving over a newer
state is refused instead of silently overwriting someone else's changes.

The version is a fingerprint of the stored values, so no model needs a counter or timestamp column.
"""

import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def record_version(instance, fields=None):
    """The version of a record as stored: a fingerprint of its concrete fields (or of ``fields``)."""
    if fields is None:
        names = [field.attname for field in instance._meta.concrete_fields]
    else:
        names = [instance._meta.get_field(name).attname for name in fields]
    values = []
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, Decimal):
            value = value.normalize()  # 1200 and 1200.00 are the same amount
        values.append((name, str(value)))
    return hashlib.sha256(repr(values).encode()).hexdigest()[:20]


def fingerprint(values):
    """The version of a composed record (a record with its related rows): a fingerprint of ``values``."""
    return hashlib.sha256("\x1f".join(str(value) for value in values).encode()).hexdigest()[:32]


def check_version(current, version):
    """Refuse a save when the stored state's version ``current`` is not the ``version`` the form showed.

    ``version`` None or empty (a caller without a form, e.g. a command) skips the check.
    """
    if version and current != version:
        raise stale_error()


def stale_error():
    """The refusal of a save over a newer state, for the form to show."""
    return ValidationError(
        _(
            "Someone else saved this record while you were editing it. Your changes were not saved; "
            "please reload the page, check the current values and enter your changes again."
        ),
        code="stale",
    )


def lock_for_edit(instance, version, *, fields=None):
    """Lock the stored row of ``instance``; refuse when it changed since the form showed ``version``.

    Returns the stored row (locked until the transaction ends). An empty ``version`` skips the check.
    """
    stored = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    if version and record_version(stored, fields) != version:
        raise stale_error()
    return stored
