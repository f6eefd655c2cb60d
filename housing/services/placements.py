"""Writes of the placement pipeline: propose, advance, plan, decline; follow-ups; stall thresholds.

The rules that concurrency could break are database constraints (see housing.models.Placement);
the services take row locks in a fixed order (offer, then placement) so that two workers signing
the same flat at the same moment are serialised: one succeeds, the other gets a German explanation.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Appointment, Case, Task
from cases.services.appointments import appointment_create, appointment_update, placement_appointments_settle
from cases.services.cases import case_close
from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.codes import AppointmentStatus, CaseType, Outcome, TaskKind
from hagen_zuhause.dates import add_months
from housing.models import (
    DEFAULT_STALL_DAYS,
    PIPELINE,
    PLANNED_STEP_KINDS,
    SIGNED,
    DeclineReason,
    FollowUp,
    FollowUpResult,
    HousingOffer,
    OfferStatus,
    Placement,
    PlacementStep,
    PlacementStepRecord,
    StallThreshold,
)

FOLLOW_UP_MONTHS = (3, 6, 12)

# Lazy: the module is imported before any language is active; the message is translated when shown.
_CONSTRAINT_MESSAGES = {
    "placement_one_signed_per_offer": gettext_lazy("The flat has just been let to another household."),
    "placement_one_firm_per_household": gettext_lazy(
        "This household already holds another placement past the viewing."
    ),
    "placement_unique_active_pair": gettext_lazy("This household is already proposed for this flat."),
}


def _explain(error):
    for name, message in _CONSTRAINT_MESSAGES.items():
        if name in str(error):
            return ValidationError(message)
    return ValidationError(_("The change conflicts with another change; please reload the page."))


def household_size(client):
    """The client plus the household members living with them."""
    return 1 + client.household_members.count()


@transaction.atomic
def placement_propose(*, offer, client, actor, on=None, note=""):
    """Propose a household for an open offer; the client's open provision case is linked.

    Proposing the same household twice for one flat is refused by the database (a double click
    creates one placement).
    """
    offer = HousingOffer.objects.select_for_update().get(pk=offer.pk)
    refuse_if_processing_restricted(client)
    if offer.status not in (OfferStatus.AVAILABLE, OfferStatus.RESERVED):
        raise ValidationError(_("This flat is no longer on offer."))
    if offer.organisation_id != client.organisation_id:
        raise ValidationError(_("The household belongs to another organisation."))
    on = _checked_date(on)
    placement = Placement(
        organisation_id=offer.organisation_id,
        offer=offer,
        client=client,
        case=_open_provision_case(client),
        step=PlacementStep.PROPOSED,
        step_changed_on=on,
        proposed_on=on,
        household_size=household_size(client),
        proposed_by=actor,
    )
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError as error:
        raise _explain(error) from None
    PlacementStepRecord.objects.create(placement=placement, step=PlacementStep.PROPOSED, on=on, actor=actor, note=note)
    return placement


@transaction.atomic
def placement_advance(*, placement, step, actor, on=None, note="", skip_reason="", close_case=True, expected_step=None):
    """Move a placement forward to ``step`` (one or more steps).

    The steps passed over without taking place are recorded as skipped with ``skip_reason``, which
    is then required; their planned appointments are cancelled, the planned appointment of ``step``
    took place on ``on``. ``lease_signed`` lets the offer and declines the competing placements on
    it; ``moved_in`` creates the follow-ups at 3, 6 and 12 months and closes the open provision
    case as placed in an own tenancy (unless ``close_case`` is False). ``expected_step`` is the step
    the worker saw: when the placement moved on in between, nothing is changed.
    """
    try:
        step = PlacementStep(step)
    except ValueError:
        raise ValidationError(_("Choose the next step of the placement.")) from None
    if step not in PIPELINE:
        raise ValidationError(_("Choose the next step of the placement."))
    # Lock order everywhere: the offer, then its placements (see the module docstring).
    offer = HousingOffer.objects.select_for_update().get(pk=placement.offer_id)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    refuse_if_processing_restricted(placement.client_id)
    _check_still_open(placement)
    _check_unchanged(placement, expected_step)
    if PIPELINE.index(step) <= PIPELINE.index(placement.step):
        raise ValidationError(_("A placement only moves forward."))
    skipped = PIPELINE[PIPELINE.index(placement.step) + 1 : PIPELINE.index(step)]
    skip_reason = skip_reason.strip()
    if skipped and not skip_reason:
        raise ValidationError(
            {
                "skip_reason": _("Say why the steps %(steps)s did not take place.")
                % {"steps": ", ".join(f"„{skipped_step.label}“" for skipped_step in skipped)}
            }
        )
    on = _checked_date(on)
    if on < placement.step_changed_on:
        raise ValidationError(_("The date lies before the previous step."))
    newly_signed = step in SIGNED and placement.step not in SIGNED
    if newly_signed and offer.status == OfferStatus.LET:
        raise ValidationError(_("The flat has just been let to another household."))
    if newly_signed and offer.status == OfferStatus.WITHDRAWN:
        raise ValidationError(_("The offer has been withdrawn."))
    placement.step, placement.step_changed_on = step, on
    setattr(placement, f"{step.value}_on", on)
    try:
        with transaction.atomic():
            placement.save()
    except IntegrityError as error:
        raise _explain(error) from None
    PlacementStepRecord.objects.bulk_create(
        [
            PlacementStepRecord(placement=placement, step=passed, on=on, actor=actor, note=skip_reason, skipped=True)
            for passed in skipped
        ]
        + [PlacementStepRecord(placement=placement, step=step, on=on, actor=actor, note=note)]
    )
    # A planned appointment of a skipped step did not happen; the one of the step reached took place today.
    skipped_kinds = [PLANNED_STEP_KINDS[passed] for passed in skipped if passed in PLANNED_STEP_KINDS]
    if skipped_kinds:
        placement_appointments_settle(placement=placement, actor=actor, kinds=skipped_kinds)
    if step in PLANNED_STEP_KINDS:
        placement_appointments_settle(
            placement=placement, actor=actor, kinds=[PLANNED_STEP_KINDS[step]], took_place_on=on
        )
    if newly_signed:
        offer.status, offer.let_on = OfferStatus.LET, on
        offer.save(update_fields=["status", "let_on", "updated_at"])
        competing = offer.placements.active().exclude(pk=placement.pk).select_for_update()
        for other in competing:
            decline_locked(other, DeclineReason.OFFER_TAKEN, actor, on, "")
    if step == PlacementStep.MOVED_IN:
        _schedule_follow_ups(placement, actor)
        case = placement.case if placement.case and placement.case.closed_on is None else None
        case = case or _open_provision_case(placement.client)
        if case is not None and placement.case_id != case.pk:
            placement.case = case
            placement.save(update_fields=["case"])
        if close_case and case is not None:
            case_close(case=case, outcome=Outcome.PLACED_OWN_TENANCY, actor=actor, closed_on=on)
    return placement


@transaction.atomic
def placement_decline(*, placement, reason, actor, on=None, note="", expected_step=None):
    """Decline a placement with a tagged reason (household or landlord declined).

    Declining after the lease was signed (the household does not move in after all) puts the flat
    back on offer.
    """
    if reason not in (DeclineReason.CLIENT_DECLINED, DeclineReason.LANDLORD_DECLINED):
        raise ValidationError(_("Say whether the household or the landlord declined."))
    offer = HousingOffer.objects.select_for_update().get(pk=placement.offer_id)
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    refuse_if_processing_restricted(placement.client_id)
    _check_still_open(placement)
    _check_unchanged(placement, expected_step)
    on = _checked_date(on)
    if on < placement.step_changed_on:
        raise ValidationError(_("The date lies before the previous step."))
    was_signed = placement.step in SIGNED
    decline_locked(placement, reason, actor, on, note)
    if was_signed and offer.status == OfferStatus.LET:
        offer.status, offer.let_on = OfferStatus.AVAILABLE, None
        offer.save(update_fields=["status", "let_on", "updated_at"])
    return placement


@transaction.atomic
def placement_plan_step(*, placement, step, on, start_time, actor, end_time=None, expected_step=None):
    """Plan a step still ahead that happens on a day (viewing, lease signing, move-in) for today or later.

    It becomes an appointment of the acting worker. The placement does not move until the step is
    recorded with the day it took place (``placement_advance``), which marks the appointment as
    done. Planning the same step again moves its appointment.
    """
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    refuse_if_processing_restricted(placement.client_id)
    _check_still_open(placement)
    _check_unchanged(placement, expected_step)
    try:
        step = PlacementStep(step)
    except ValueError:
        step = None
    if step not in PLANNED_STEP_KINDS:
        raise ValidationError({"step": _("Choose a viewing, the lease signing or the move-in.")})
    if PIPELINE.index(step) <= PIPELINE.index(placement.step):
        raise ValidationError({"step": _("This step has already been recorded.")})
    if on < timezone.localdate():
        raise ValidationError({"on": _("A planned date lies today or later; record a past step with its date.")})
    kind = PLANNED_STEP_KINDS[step]
    planned = (
        Appointment.objects.select_for_update(of=("self",))
        .filter(placement=placement, kind=kind, status=AppointmentStatus.PLANNED)
        .select_related("client", "offer", "worker")
        .first()
    )
    if planned is not None:
        planned.date, planned.start_time, planned.end_time = on, start_time, end_time
        return appointment_update(appointment=planned, actor=actor)
    appointment = Appointment(
        client=placement.client,
        offer=placement.offer,
        placement=placement,
        kind=kind,
        date=on,
        start_time=start_time,
        end_time=end_time,
        worker=actor,
    )
    return appointment_create(appointment=appointment, actor=actor)


def decline_locked(placement, reason, actor, on, note):
    """Decline a placement the caller has locked (after its offer): its planned appointments are cancelled."""
    placement_appointments_settle(placement=placement, actor=actor, kinds=PLANNED_STEP_KINDS.values())
    placement.step, placement.step_changed_on = PlacementStep.DECLINED, on
    placement.declined_on, placement.decline_reason, placement.decline_note = on, reason, note
    placement.save()
    PlacementStepRecord.objects.create(
        placement=placement, step=PlacementStep.DECLINED, on=on, actor=actor, note=note or DeclineReason(reason).label
    )
    return placement


def _open_provision_case(client):
    return Case.objects.filter(client=client, case_type=CaseType.PROVISION, closed_on__isnull=True).first()


def _checked_date(on):
    today = timezone.localdate()
    if on is None:
        return today
    if on > today:
        raise ValidationError(_("The date lies in the future."))
    return on


def closed_reason(placement):
    """Why a placement can no longer change (most often: the flat was let a moment ago), or None."""
    if placement.step == PlacementStep.MOVED_IN:
        return _("The household has already moved in; the placement is complete.")
    if placement.step != PlacementStep.DECLINED:
        return None
    if placement.decline_reason == DeclineReason.OFFER_TAKEN:
        return _("The flat has just been let to another household.")
    if placement.decline_reason == DeclineReason.OFFER_WITHDRAWN:
        return _("The offer has been withdrawn.")
    return _("This placement was declined.")


def _check_still_open(placement):
    reason = closed_reason(placement)
    if reason is not None:
        raise ValidationError(reason)


def _check_unchanged(placement, expected_step):
    if expected_step and placement.step != expected_step:
        raise ValidationError(
            _("Someone else has changed this placement in the meantime. Please check the current step."),
            code="stale",
        )


def _schedule_follow_ups(placement, actor):
    """A follow-up and its task at 3, 6 and 12 months after the move-in, for the responsible worker."""
    workers = placement.client.assigned_workers.filter(is_active=True).order_by("pk")
    assignee = actor if workers.filter(pk=actor.pk).exists() else (workers.first() or actor)
    for months in FOLLOW_UP_MONTHS:
        due = add_months(placement.moved_in_on, months)
        follow_up = FollowUp.objects.create(placement=placement, months=months, due_on=due)
        follow_up.task = Task.objects.create(
            organisation_id=placement.organisation_id,
            client=placement.client,
            case=placement.case,
            kind=TaskKind.FOLLOW_UP,
            title=_("Follow-up %(months)s months after move-in: tenancy still held?") % {"months": months},
            note=_("Record the answer at %(url)s") % {"url": reverse("housing:follow_up_answer", args=[follow_up.pk])},
            due_on=due,
            assignee=assignee,
        )
        follow_up.save(update_fields=["task"])


@transaction.atomic
def follow_up_answer(*, follow_up, result, actor, on=None, note="", previous_result=None):
    """Record the answer of a follow-up (tenancy held, lost, unknown) and mark its task done.

    An answer can be corrected later; ``previous_result`` is the answer the worker saw, so that two
    workers answering at the same time do not silently overwrite each other.
    """
    if result not in FollowUpResult.values:
        raise ValidationError(_("Say whether the tenancy is still held."))
    follow_up = FollowUp.objects.select_for_update().select_related("placement").get(pk=follow_up.pk)
    refuse_if_processing_restricted(follow_up.placement.client_id)
    if previous_result is not None and follow_up.result != previous_result:
        raise ValidationError(_("Someone else has recorded an answer in the meantime. Please check it."), code="stale")
    on = _checked_date(on)
    if on < follow_up.placement.moved_in_on:
        raise ValidationError(_("The date lies before the move-in."))
    follow_up.result, follow_up.answered_on, follow_up.answered_by, follow_up.note = result, on, actor, note
    follow_up.full_clean()
    follow_up.save()
    if follow_up.task_id:
        Task.objects.filter(pk=follow_up.task_id, done_at__isnull=True).update(done_at=timezone.now(), done_by=actor)
    return follow_up


@transaction.atomic
def stall_thresholds_save(*, organisation, days_by_step, actor):
    """Set after how many days without progress a placement at each step counts as stalled.

    ``days_by_step`` maps each step of DEFAULT_STALL_DAYS to a number of days or None (never stalled).
    """
    for step in DEFAULT_STALL_DAYS:
        days = days_by_step.get(step)
        if days is not None and days < 1:
            raise ValidationError(_("Enter at least one day, or leave the field empty."))
        StallThreshold.objects.update_or_create(organisation=organisation, step=step, defaults={"days": days})
