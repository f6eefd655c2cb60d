"""The daily case work: accommodation stays, contacts and tasks (Wiedervorlagen).

Every writer here takes the instance a form filled in, validates it completely (including the
database constraints), and saves it. Edits carry the ``version`` the form was rendered with: when
someone else changed the record in between, the save is refused instead of silently overwriting.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import AccommodationStay, Client, Contact, Task

#: A second identical record within this time is a double submit, not a new record.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


def record_version(instance):
    """A short fingerprint of a record's stored values; edit forms send it back with the changes."""
    values = []
    for field in instance._meta.concrete_fields:
        value = field.value_from_object(instance)
        if isinstance(value, Decimal):
            value = value.normalize()  # 1200 and 1200.00 are the same amount
        values.append((field.attname, str(value)))
    return hashlib.sha256(repr(values).encode()).hexdigest()[:20]


def lock_for_edit(instance, version):
    """Lock the stored row of ``instance``; refuse when it changed since the form showed ``version``."""
    stored = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    if version and record_version(stored) != version:
        raise ValidationError(
            _(
                "Someone else has changed this record in the meantime. Please reload the page and "
                "enter your changes again."
            ),
            code="stale",
        )
    return stored


def lock_client(client):
    """Serialise writes about one client, so that a double submit is seen by the second request."""
    Client.objects.select_for_update().filter(pk=client.pk).first()


# --- Accommodation stays ------------------------------------------------------------------


@transaction.atomic
def stay_save(*, stay, actor, version=""):
    """Record or change where a person is housed; periods of one person never overlap."""
    if stay.pk:
        lock_for_edit(stay, version)
    else:
        lock_client(stay.client)
        identical = AccommodationStay.objects.filter(
            client=stay.client, kind=stay.kind, start=stay.start, end=stay.end, provider_name=stay.provider_name
        ).first()
        if identical is not None:
            return identical
    stay.full_clean()
    try:
        with transaction.atomic():
            stay.save()
    except IntegrityError:
        raise ValidationError(_("The person is already housed elsewhere during this period.")) from None
    return stay


# --- Contacts -----------------------------------------------------------------------------


def may_change_contact(user, contact):
    """Workers change their own contacts; the team lead changes everyone's."""
    return contact.worker_id == user.pk or user.has_perm("cases.change_any_contact")


@transaction.atomic
def contact_create(*, contact, actor):
    """Record a contact of the acting worker; the client's latest open case is linked when none is given.

    A double submit (an identical contact of the same worker recorded moments ago) returns the
    contact already saved instead of a second one.
    """
    lock_client(contact.client)
    contact.worker = actor
    if contact.case_id is None:
        contact.case = contact.client.cases.filter(closed_on__isnull=True).order_by("-opened_on", "-id").first()
    duplicate = Contact.objects.filter(
        client=contact.client,
        worker=actor,
        date=contact.date,
        contact_type=contact.contact_type,
        duration_minutes=contact.duration_minutes,
        topics=contact.topics,
        interpreter_used=contact.interpreter_used,
        note=contact.note,
        created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    ).first()
    if duplicate is not None:
        return duplicate
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact, actor, version=""):
    """Change a contact: the worker who recorded it, or someone allowed to change any contact."""
    stored = lock_for_edit(contact, version)
    if not may_change_contact(actor, stored):
        raise PermissionDenied
    contact.worker_id = stored.worker_id
    if contact.case_id and contact.case.client_id != contact.client_id:
        raise ValidationError(_("The case belongs to another person."))
    contact.full_clean()
    contact.save()
    return contact


# --- Tasks --------------------------------------------------------------------------------


@transaction.atomic
def task_save(*, task, actor, version=""):
    """Create or change a follow-up; a double submit of the same new task saves it once."""
    if task.pk:
        lock_for_edit(task, version)
    else:
        task.organisation_id = task.client.organisation_id if task.client_id else actor.organisation_id
        if task.client_id:
            lock_client(task.client)
        identical = Task.objects.filter(
            organisation_id=task.organisation_id,
            client=task.client,
            title=task.title,
            due_on=task.due_on,
            assignee=task.assignee,
            done_at__isnull=True,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        ).first()
        if identical is not None:
            return identical
    if task.assignee.organisation_id != task.organisation_id or not task.assignee.is_active:
        raise ValidationError(_("Tasks can only be assigned to active colleagues of your office."))
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def task_done(*, task, actor):
    """Mark a follow-up as done (again is harmless: the first time counts)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_at is None:
        task.done_at, task.done_by = timezone.now(), actor
        task.save(update_fields=["done_at", "done_by"])
    return task
