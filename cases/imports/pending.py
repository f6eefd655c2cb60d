"""The web import: one entry point per kind, and uploaded files waiting in private storage until the
team lead confirms them.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from cases.imports.clients import import_clients, validate_clients
from cases.imports.contacts import import_contacts, validate_contacts
from cases.imports.results import Kind

# --- One entry point per kind -------------------------------------------------------------


def validate(kind, *, organisation, data, today=None):
    """Preview: the report an import of this file would give now."""
    if kind == Kind.CLIENTS:
        return validate_clients(organisation=organisation, data=data, today=today)[0]
    return validate_contacts(organisation=organisation, data=data, today=today)[0]


def run_import(kind, *, organisation, data, actor=None, assign_to=(), worker=None, skip_invalid=False):
    if kind == Kind.CLIENTS:
        return import_clients(
            organisation=organisation, data=data, actor=actor, assign_to=assign_to, skip_invalid=skip_invalid
        )
    return import_contacts(organisation=organisation, data=data, actor=actor, worker=worker, skip_invalid=skip_invalid)


# --- Uploaded files waiting for confirmation ----------------------------------------------

PENDING_DIR = "imports"
PENDING_MAX_AGE = timedelta(days=1)


def _pending_name(token):
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise FileNotFoundError(token)
    return f"{PENDING_DIR}/{token}.csv"


def pending_store(data):
    """Keep an uploaded file in private storage until it is confirmed; returns its random token."""
    pending_prune()
    token = secrets.token_hex(16)
    default_storage.save(_pending_name(token), ContentFile(data))
    return token


def pending_read(token):
    """The bytes of a pending upload; FileNotFoundError when it was consumed or never existed."""
    name = _pending_name(token)
    if not default_storage.exists(name):
        raise FileNotFoundError(token)
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def pending_discard(token):
    try:
        name = _pending_name(token)
    except FileNotFoundError:
        return
    default_storage.delete(name)


def pending_prune():
    """Remove uploads nobody confirmed within a day (they hold personal data)."""
    try:
        _dirs, files = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - PENDING_MAX_AGE
    for name in files:
        path = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except FileNotFoundError:
            continue


@transaction.atomic
def pending_import(kind, *, token, organisation, actor, expected_digest, assign_to=(), skip_invalid=False):
    """Import a pending upload exactly once (service of the confirm page).

    Concurrent confirmations of the same token are serialised by an advisory lock; the file is
    removed as soon as it was imported, so a second confirmation finds nothing to do and returns
    None. A file that changed since its preview (``expected_digest``) is not imported.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"import:{token}"])
    try:
        data = pending_read(token)
    except FileNotFoundError:
        return None
    if hashlib.sha256(data).hexdigest() != expected_digest:
        return None
    report = run_import(
        kind, organisation=organisation, data=data, actor=actor, assign_to=assign_to, skip_invalid=skip_invalid
    )
    if report.applied:
        pending_discard(token)
    return report


def digest(data):
    return hashlib.sha256(data).hexdigest()
