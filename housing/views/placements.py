"""Placements (Vermittlung): propose, detail, advance, decline; follow-ups after the move-in; the
team's pipeline board and its stall thresholds.

State changes are small POST-only views that call one service each; a refused change (the flat was
let a moment ago, the household already holds another placement) is shown as a German form error
and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.codes import CaseType
from cases.models import Case
from hagen_zuhause.audit import log_access
from hagen_zuhause.models import AccessLog
from housing import kdu, services
from housing.board import build_board, stall_limits
from housing.forms_placements import (
    FollowUpAnswerForm,
    PlacementAdvanceForm,
    PlacementDeclineForm,
    PlacementProposeForm,
    StallThresholdForm,
)
from housing.models import (
    PIPELINE,
    DeclineReason,
    FollowUp,
    HousingOffer,
    Placement,
    PlacementStep,
)


def _visible_placements(user):
    return Placement.objects.visible_to(user).select_related("client", "offer__landlord", "case")


def _load(user, pk):
    """The placement with the household's other placements and the flat's other ones, in one query.

    Each row carries the client's open provision case (id and opening date), which the move-in
    may close. Raises 404 when the placement is not visible to the user.
    """
    target = Placement.objects.filter(pk=pk)
    open_case = Case.objects.filter(client=OuterRef("client"), case_type=CaseType.PROVISION, closed_on__isnull=True)
    rows = list(
        _visible_placements(user)
        .filter(Q(pk=pk) | Q(client__in=target.values("client")) | Q(offer__in=target.values("offer")))
        .annotate(
            open_case_id=Subquery(open_case.values("pk")[:1]),
            open_case_opened_on=Subquery(open_case.values("opened_on")[:1]),
        )
        .order_by("-step_changed_on", "-pk")
    )
    placement = next((row for row in rows if row.pk == pk), None)
    if placement is None:
        raise Http404
    placement.others = [row for row in rows if row.pk != pk and row.client_id == placement.client_id]
    placement.competing = [
        row
        for row in rows
        if row.client_id != placement.client_id and row.step not in (PlacementStep.MOVED_IN, PlacementStep.DECLINED)
    ]
    return placement


def _add_errors(form, error):
    form.add_error(None, error.messages)


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# --- Propose --------------------------------------------------------------------------------


@require_POST
@permission_required("housing.add_placement", raise_exception=True)
def placement_propose(request, pk):
    """Propose a household (field ``client``) for an offer; back to where the form was on failure."""
    offer = get_object_or_404(HousingOffer.objects.visible_to(request.user), pk=pk)
    back = _safe_next(request, reverse("housing:board"))
    form = PlacementProposeForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    try:
        placement = services.placement_propose(
            offer=offer, client=form.cleaned_data["client"], actor=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        existing = (
            Placement.objects.visible_to(request.user).active().filter(offer=offer, client=form.cleaned_data["client"])
        ).first()
        if existing is not None:
            # Proposed already (a double click, or a colleague): show that placement.
            messages.info(request, " ".join(error.messages))
            return redirect("housing:placement_detail", pk=existing.pk)
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("The household has been proposed for the flat."))
    return redirect("housing:placement_detail", pk=placement.pk)


# --- Detail, advance, decline -------------------------------------------------------------------


def _render_detail(request, placement, *, advance_form=None, decline_form=None):
    """The placement page; a fixed number of queries however long its history (see _load)."""
    client, offer = placement.client, placement.offer
    is_active = placement.step not in (PlacementStep.MOVED_IN, PlacementStep.DECLINED)
    table = kdu.table_for(placement.organisation_id, placement.lease_signed_on or timezone.localdate())
    records = list(placement.step_records.select_related("actor"))
    if is_active:
        can_close_case = placement.open_case_id is not None
        advance_form = advance_form or PlacementAdvanceForm(placement=placement, can_close_case=can_close_case)
        decline_form = decline_form or PlacementDeclineForm(placement=placement)
    follow_ups = []
    if placement.step == PlacementStep.MOVED_IN:  # follow-ups exist from the move-in on
        follow_ups = placement.follow_ups.select_related("answered_by")
    context = {
        "placement": placement,
        "client": client,
        "offer": offer,
        "kdu_table": table,
        "kdu_result": kdu.kdu_check(
            table=table, gross_cold_rent=offer.gross_cold_rent, household_size=placement.household_size
        ),
        "steps": _step_rows(placement, records),
        "records": records,
        "follow_ups": follow_ups,
        "other_placements": placement.others,
        "competing": placement.competing,
        "is_active": is_active,
        "advance_form": advance_form if is_active else None,
        "decline_form": decline_form if is_active else None,
    }
    return render(request, "housing/placement_detail.html", context)


def _step_rows(placement, records):
    """The pipeline with, per step, the date reached and who recorded it (the latest record)."""
    latest = {record.step: record for record in records}
    current = PIPELINE.index(placement.step) if placement.step in PIPELINE else -1
    rows = []
    for index, step in enumerate(PIPELINE):
        record = latest.get(step)
        reached = getattr(placement, f"{step.value}_on")
        rows.append(
            {
                "step": step,
                "label": step.label,
                "on": reached or (record.on if record else None),
                "actor": record.actor if record else None,
                "note": record.note if record else "",
                "is_current": index == current,
                "is_done": reached is not None or index <= current,
            }
        )
    return rows


@permission_required("housing.view_placement", raise_exception=True)
def placement_detail(request, pk):
    placement = _load(request.user, pk)
    log_access(request, AccessLog.Action.VIEW, placement.client)
    return _render_detail(request, placement)


@require_POST
@permission_required("housing.change_placement", raise_exception=True)
def placement_advance(request, pk):
    placement = _load(request.user, pk)
    if services.closed_reason(placement):
        return _refused(request, placement)
    open_case = placement.open_case_id is not None
    form = PlacementAdvanceForm(request.POST, placement=placement, can_close_case=open_case)
    if form.is_valid():
        data = form.cleaned_data
        try:
            advanced = services.placement_advance(
                placement=placement,
                step=data["step"],
                actor=request.user,
                on=data["on"],
                note=data["note"],
                close_case=data.get("close_case", False),
                expected_step=data["expected_step"] or None,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _step_message(advanced, closed=open_case and data.get("close_case", False)))
            return redirect("housing:placement_detail", pk=advanced.pk)
    # Show the current state (another worker may have moved it on or closed it) with the refused form.
    placement = _load(request.user, pk)
    if services.closed_reason(placement):
        return _refused(request, placement, form.non_field_errors())
    log_access(request, AccessLog.Action.VIEW, placement.client)
    return _render_detail(request, placement, advance_form=form)


def _refused(request, placement, errors=()):
    """A change to a placement that has been closed meanwhile: say why on its page; nothing changed."""
    for message in errors or [services.closed_reason(placement)]:
        messages.error(request, message)
    return redirect("housing:placement_detail", pk=placement.pk)


def _step_message(placement, *, closed):
    if placement.step == PlacementStep.MOVED_IN:
        if closed:
            return _("The move-in is recorded, the follow-ups are scheduled and the case is closed.")
        return _("The move-in is recorded and the follow-ups are scheduled; the case stays open.")
    if placement.step == PlacementStep.LEASE_SIGNED:
        return _("The lease is recorded; the flat is let and other proposals for it are closed.")
    return _("The step “%(step)s” is recorded.") % {"step": placement.get_step_display()}


@require_POST
@permission_required("housing.change_placement", raise_exception=True)
def placement_decline(request, pk):
    placement = _load(request.user, pk)
    if services.closed_reason(placement):
        return _refused(request, placement)
    form = PlacementDeclineForm(request.POST, placement=placement)
    if form.is_valid():
        data = form.cleaned_data
        was_signed = placement.step == PlacementStep.LEASE_SIGNED
        try:
            services.placement_decline(
                placement=placement,
                reason=data["reason"],
                actor=request.user,
                on=data["on"],
                note=data["note"],
                expected_step=data["expected_step"] or None,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            message = _("The placement is closed: %(reason)s.") % {"reason": DeclineReason(data["reason"]).label}
            if was_signed:
                message += " " + _("The flat is on offer again.")
            messages.success(request, message)
            return redirect("housing:placement_detail", pk=placement.pk)
    placement = _load(request.user, pk)
    if services.closed_reason(placement):
        return _refused(request, placement, form.non_field_errors())
    log_access(request, AccessLog.Action.VIEW, placement.client)
    return _render_detail(request, placement, decline_form=form)


# --- Follow-ups ---------------------------------------------------------------------------------


@permission_required("housing.change_followup", raise_exception=True)
def follow_up_answer(request, pk):
    """Record whether the tenancy is still held, 3, 6 or 12 months after the move-in."""
    follow_ups = FollowUp.objects.filter(placement__in=Placement.objects.visible_to(request.user).values("pk"))
    follow_up = get_object_or_404(
        follow_ups.select_related("placement__client", "placement__offer", "answered_by", "task"), pk=pk
    )
    placement = follow_up.placement
    if request.method == "POST":
        form = FollowUpAnswerForm(request.POST, follow_up=follow_up)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.follow_up_answer(
                    follow_up=follow_up,
                    result=data["result"],
                    actor=request.user,
                    on=data["on"],
                    note=data["note"],
                    previous_result=data["previous_result"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The answer of the follow-up is recorded."))
                return redirect("housing:placement_detail", pk=placement.pk)
    else:
        form = FollowUpAnswerForm(follow_up=follow_up)
    log_access(request, AccessLog.Action.VIEW, placement.client)
    return render(
        request,
        "housing/follow_up_answer.html",
        {"form": form, "follow_up": follow_up, "placement": placement, "client": placement.client},
    )


# --- Board --------------------------------------------------------------------------------------


@permission_required("housing.view_placement", raise_exception=True)
def board(request):
    """Offers and placements by step for the whole team; stalled placements are marked."""
    today = timezone.localdate()
    columns = build_board(request.user, today)
    return render(
        request,
        "housing/board.html",
        {
            "columns": columns,
            "can_configure": request.user.has_perm("housing.change_stallthreshold"),
            "today": today,
        },
    )


@permission_required("housing.change_stallthreshold", raise_exception=True)
def stall_thresholds(request):
    """The team lead sets after how many days without progress a placement counts as stalled."""
    organisation = request.user.organisation
    current = stall_limits(organisation)
    form = StallThresholdForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.stall_thresholds_save(
                organisation=organisation, days_by_step=form.days_by_step(), actor=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The thresholds are saved."))
            return redirect("housing:board")
    return render(request, "housing/stall_thresholds.html", {"form": form})
