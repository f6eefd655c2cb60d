"""Writes of the senior shared flat: residents moving in and out, the waiting list.

The rules that concurrency could break are exclusion constraints in the database (a place never
has two residents on overlapping dates, a person never lives in two places at once); the services
turn their violations into the German message of the constraint. Placements and follow-ups are in
housing.services.placements.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Client
from cases.services.cases import case_close
from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.codes import CaseType, Outcome, TargetGroup
from housing.models import SeniorFlatPlace, SeniorFlatResidency, WaitingListEntry


def _constraint_message(model, error):
    """The German message of the model's constraint named in the database error."""
    for constraint in model._meta.constraints:
        if constraint.name in str(error) and constraint.violation_error_message:
            return ValidationError(constraint.get_violation_error_message())
    return ValidationError(_("The change conflicts with another change; please reload the page."))


def _lock_client(client):
    """Serialise writes about one person, so that a double submit is seen by the second request."""
    Client.objects.select_for_update().filter(pk=client.pk).first()


def is_eligible(client, on=None):
    """In the target group of older people on the day, or with an open provision case."""
    on = on or timezone.localdate()
    if client.target_group_memberships.filter(group=TargetGroup.SENIORS).current(on).exists():
        return True
    return Case.objects.filter(client=client, case_type=CaseType.PROVISION, closed_on__isnull=True).exists()


@transaction.atomic
def resident_move_in(*, place, client, move_in, actor, close_case=True):
    """A person moves into a place; they leave every waiting list, their provision case may close.

    The move-in may be planned ahead; the case is then closed on the day itself, so a future date
    and ``close_case`` do not go together.
    """
    place = SeniorFlatPlace.objects.select_for_update().select_related("flat").get(pk=place.pk)
    refuse_if_processing_restricted(client)
    if place.flat.organisation_id != client.organisation_id:
        raise ValidationError(_("The person belongs to another organisation."))
    if move_in < place.created_on or (place.closed_on and move_in > place.closed_on):
        raise ValidationError(_("The place does not exist on the move-in date."))
    _lock_client(client)
    case = Case.objects.filter(client=client, case_type=CaseType.PROVISION, closed_on__isnull=True).first()
    if close_case and case is not None and move_in > timezone.localdate():
        raise ValidationError(
            _(
                "A case can only be closed on the move-in day. Untick the box to plan the move-in now, "
                "and close the case on the day."
            )
        )
    residency = SeniorFlatResidency(place=place, client=client, move_in=move_in)
    try:
        with transaction.atomic():
            residency.save()
    except IntegrityError as error:
        raise _constraint_message(SeniorFlatResidency, error) from None
    WaitingListEntry.objects.filter(client=client, removed_on__isnull=True).update(
        removed_on=Greatest("added_on", models.Value(move_in, output_field=models.DateField())),
        removal_reason=WaitingListEntry.RemovalReason.MOVED_IN,
    )
    if close_case and case is not None:
        case_close(case=case, outcome=Outcome.SENIOR_FLAT, actor=actor, closed_on=move_in)
    return residency


@transaction.atomic
def resident_move_out(*, residency, move_out, actor):
    """Record the last day of a resident in the place."""
    residency = SeniorFlatResidency.objects.select_for_update().get(pk=residency.pk)
    refuse_if_processing_restricted(residency.client_id)
    if residency.move_out is not None:
        raise ValidationError(
            _("The move-out on %(date)s has already been recorded.") % {"date": residency.move_out.strftime("%d.%m.%Y")}
        )
    if move_out < residency.move_in:
        raise ValidationError(_("The move-out date lies before the move-in."))
    residency.move_out = move_out
    try:
        with transaction.atomic():
            residency.save(update_fields=["move_out"])
    except IntegrityError as error:
        raise _constraint_message(SeniorFlatResidency, error) from None
    return residency


@transaction.atomic
def waiting_add(*, flat, client, actor, note=""):
    """Put an eligible person on the waiting list of a flat (once at a time)."""
    refuse_if_processing_restricted(client)
    if flat.organisation_id != client.organisation_id:
        raise ValidationError(_("The person belongs to another organisation."))
    _lock_client(client)
    today = timezone.localdate()
    if not is_eligible(client, today):
        raise ValidationError(
            _("Only older clients (target group) or clients with an open provision case can be put on the list.")
        )
    if SeniorFlatResidency.objects.filter(client=client, place__flat=flat).current(today).exists():
        raise ValidationError(_("The person already lives in this flat."))
    if WaitingListEntry.objects.filter(flat=flat, client=client).waiting().exists():
        raise ValidationError(_("The person is already on the waiting list."))
    entry = WaitingListEntry(flat=flat, client=client, added_on=today, note=note, added_by=actor)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ValidationError(_("The person is already on the waiting list.")) from None
    return entry


@transaction.atomic
def waiting_remove(*, entry, reason, actor, on=None):
    """Take a person off the waiting list, with the reason."""
    if reason not in WaitingListEntry.RemovalReason.values:
        raise ValidationError(_("Please choose a reason."))
    entry = WaitingListEntry.objects.select_for_update().get(pk=entry.pk)
    refuse_if_processing_restricted(entry.client_id)
    if entry.removed_on is not None:
        raise ValidationError(_("The person is no longer on the waiting list."))
    entry.removed_on = max(on or timezone.localdate(), entry.added_on)
    entry.removal_reason = reason
    entry.save(update_fields=["removed_on", "removal_reason"])
    return entry
