"""Appointments (Termine) and the calendar subscription.

Appointments follow the edit pattern of tasks and contacts: edits carry the ``version`` the form
showed and are refused when someone changed the record in between; a double submit of a new
appointment saves it once. Done and cancelled are final states of a planned appointment.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Appointment, CalendarFeed
from cases.services.casework import lock_client
from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.codes import AppointmentStatus
from hagen_zuhause.locking import lock_for_edit
from hagen_zuhause.models import token_hash


def _check(appointment):
    if appointment.worker.organisation_id != appointment.organisation_id or not appointment.worker.is_active:
        raise ValidationError({"worker": _("Appointments can only be given to active colleagues of your office.")})
    if appointment.client_id and appointment.client.organisation_id != appointment.organisation_id:
        raise ValidationError(_("The client belongs to another office."))
    if appointment.offer_id and appointment.offer.organisation_id != appointment.organisation_id:
        raise ValidationError(_("The housing offer belongs to another office."))
    appointment.full_clean()


@transaction.atomic
def appointment_create(*, appointment, actor):
    """Plan an appointment."""
    refuse_if_processing_restricted(appointment.client_id)
    appointment.organisation_id = appointment.client.organisation_id if appointment.client_id else actor.organisation_id
    if appointment.client_id:
        lock_client(appointment.client)
    appointment.status = AppointmentStatus.PLANNED
    _check(appointment)
    appointment.save()
    return appointment


@transaction.atomic
def appointment_update(*, appointment, actor, version=""):
    """Change a planned appointment; one that is done or cancelled stays as it was."""
    refuse_if_processing_restricted(appointment.client_id)
    stored = lock_for_edit(appointment, version)
    if stored.status != AppointmentStatus.PLANNED:
        raise ValidationError(_("This appointment is done or cancelled and can no longer be changed."))
    appointment.status = stored.status
    appointment.organisation_id = stored.organisation_id
    _check(appointment)
    appointment.save()
    return appointment


def _finish(appointment, actor, status):
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status == status:
        return appointment  # a double submit: the first time counts
    if appointment.status != AppointmentStatus.PLANNED:
        raise ValidationError(_("This appointment is done or cancelled and can no longer be changed."))
    if status == AppointmentStatus.DONE and appointment.date > timezone.localdate():
        raise ValidationError(_("An appointment on a day to come cannot have taken place yet."))
    appointment.status = status
    appointment.status_changed_at, appointment.status_changed_by = timezone.now(), actor
    appointment.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    return appointment


@transaction.atomic
def appointment_done(*, appointment, actor):
    """Record that a planned appointment took place."""
    refuse_if_processing_restricted(appointment.client_id)
    return _finish(appointment, actor, AppointmentStatus.DONE)


@transaction.atomic
def appointment_cancel(*, appointment, actor):
    """Cancel a planned appointment; it stays visible, struck through, and leaves the feed."""
    refuse_if_processing_restricted(appointment.client_id)
    return _finish(appointment, actor, AppointmentStatus.CANCELLED)


# --- Calendar subscription ----------------------------------------------------------------


@transaction.atomic
def calendar_feed_renew(*, user):
    """Give ``user`` a new secret feed address and return its token; the previous address stops working.

    Only the token's hash is stored: the address is shown once, right after this call.
    """
    token = CalendarFeed.new_token()
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": token_hash(token), "created_at": timezone.now(), "last_fetched_at": None}
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, user):
    """Switch the subscription off: the address stops working, no new one is made."""
    CalendarFeed.objects.filter(user=user).delete()


def calendar_feed_user(token):
    """The active user the feed token belongs to, or None; the fetch time is recorded."""
    feed = (
        CalendarFeed.objects.select_related("user", "user__organisation")
        .filter(token_hash=token_hash(token), user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    return feed.user


# --- Appointments of a placement's steps ---------------------------------------------------


def placement_appointments_settle(*, placement, actor, kinds, took_place_on=None):
    """The planned appointments of ``kinds`` on a placement, once the placement moved past their step.

    ``took_place_on``: the step was recorded on that day; the appointment took place and moves to
    that day if it was planned for another. Without it (the step was skipped, or the placement
    ended) they are cancelled.
    """
    planned = Appointment.objects.select_for_update().filter(
        placement=placement, kind__in=list(kinds), status=AppointmentStatus.PLANNED
    )
    for appointment in planned:
        appointment.status = AppointmentStatus.DONE if took_place_on else AppointmentStatus.CANCELLED
        appointment.date = took_place_on or appointment.date
        appointment.status_changed_at, appointment.status_changed_by = timezone.now(), actor
        appointment.save(update_fields=["status", "date", "status_changed_at", "status_changed_by"])
