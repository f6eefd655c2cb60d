"""The daily case work: accommodation stays, contacts and tasks (Wiedervorlagen).

Every writer here takes the instance a form filled in, validates it completely (including the
database constraints), and saves it. Edits carry the ``version`` the form was rendered with: when
someone else changed the record in between, the save is refused instead of silently overwriting.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Client, Task
from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.locking import lock_for_edit


def lock_client(client):
    """Serialise writes about one client, so that checks across its records see each other's writes."""
    Client.objects.select_for_update().filter(pk=client.pk).first()


# --- Accommodation stays ------------------------------------------------------------------


@transaction.atomic
def stay_save(*, stay, actor, version=""):
    """Record or change where a person is housed; periods of one person never overlap."""
    refuse_if_processing_restricted(stay.client_id)
    if stay.pk:
        lock_for_edit(stay, version)
    else:
        lock_client(stay.client)
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
    """Record a contact of the acting worker; the client's latest open case is linked when none is given."""
    refuse_if_processing_restricted(contact.client_id)
    lock_client(contact.client)
    contact.worker = actor
    if contact.case_id is None:
        contact.case = contact.client.cases.filter(closed_on__isnull=True).order_by("-opened_on", "-id").first()
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact, actor, version=""):
    """Change a contact: the worker who recorded it, or someone allowed to change any contact."""
    refuse_if_processing_restricted(contact.client_id)
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
    """Create or change a follow-up."""
    refuse_if_processing_restricted(task.client_id)
    if task.pk:
        lock_for_edit(task, version)
    else:
        task.organisation_id = task.client.organisation_id if task.client_id else actor.organisation_id
        if task.client_id:
            lock_client(task.client)
    if task.assignee.organisation_id != task.organisation_id or not task.assignee.is_active:
        raise ValidationError(_("Tasks can only be assigned to active colleagues of your office."))
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def task_done(*, task, actor):
    """Mark a follow-up as done (again is harmless: the first time counts)."""
    refuse_if_processing_restricted(task.client_id)
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_at is None:
        task.done_at, task.done_by = timezone.now(), actor
        task.save(update_fields=["done_at", "done_by"])
    return task
