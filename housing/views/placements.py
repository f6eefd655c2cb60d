"""Placements (Vermittlung): propose, detail, advance, decline; follow-ups after the move-in; the
team's pipeline board and its stall thresholds.

State changes are small POST-only views that call one service each; a refused change (the flat was
let a moment ago, the household already holds another placement) is shown as a German form error
and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from cases.models import Case
from cases.services.restriction import file_is_read_only
from hagen_zuhause.audit import clients_in, log_access, log_list_view
from hagen_zuhause.codes import AppointmentStatus, CaseType
from hagen_zuhause.editing import add_service_error, edit_page
from hagen_zuhause.models import AccessLog
from hagen_zuhause.redirects import next_url
from housing import kdu
from housing.board import COLUMN_KEYS, build_board, column_placements, column_title, placement_cards, stall_limits
from housing.forms.placements import (
    FollowUpAnswerForm,
    PlacementAdvanceForm,
    PlacementDeclineForm,
    PlacementPlanForm,
    PlacementProposeForm,
    StallThresholdForm,
    plannable_steps,
)
from housing.models import (
    PIPELINE,
    DeclineReason,
    FollowUp,
    HousingOffer,
    Placement,
    PlacementStep,
)
from housing.services import placements as services


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


# --- Propose --------------------------------------------------------------------------------


@require_POST
@permission_required("housing.add_placement", raise_exception=True)
def placement_propose(request, pk):
    """Propose a household (field ``client``) for an offer; back to where the form was on failure."""
    offer = get_object_or_404(HousingOffer.objects.visible_to(request.user), pk=pk)
    back = next_url(request, reverse("housing:board"))
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


def _render_detail(request, placement, *, advance_form=None, decline_form=None, plan_form=None):
    """The placement page; a fixed number of queries however long its history (see _load)."""
    client, offer = placement.client, placement.offer
    read_only = file_is_read_only(client)
    is_active = placement.step not in (PlacementStep.MOVED_IN, PlacementStep.DECLINED)
    appointments = list(
        placement.appointments.exclude(status=AppointmentStatus.CANCELLED)
        .select_related("worker")
        .order_by("-date", "-id")
    )
    if is_active and plannable_steps(placement) and not read_only:
        plan_form = plan_form or PlacementPlanForm(placement=placement)
    else:
        plan_form = None
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
        "read_only": read_only,
        "advance_form": advance_form if is_active else None,
        "decline_form": decline_form if is_active else None,
        "plan_form": plan_form,
        "appointments": appointments,
    }
    return render(request, "housing/placement_detail.html", context)


def _step_rows(placement, records):
    """The pipeline with, per step, the date reached (or skipped) and who recorded it (the latest record).

    A step before the current one without a date or a record dates from before skipped steps were
    recorded: it reads "not recorded", never "open".
    """
    latest = {record.step: record for record in records}
    current = PIPELINE.index(placement.step) if placement.step in PIPELINE else -1
    rows = []
    for index, step in enumerate(PIPELINE):
        record = latest.get(step)
        reached = getattr(placement, f"{step.value}_on")
        skipped = record is not None and record.skipped
        rows.append(
            {
                "step": step,
                "label": step.label,
                "on": reached or (record.on if record else None),
                "actor": record.actor if record else None,
                "note": record.note if record else "",
                "is_current": index == current,
                "is_skipped": skipped,
                "is_done": reached is not None or index <= current,
                "is_unrecorded": index < current and reached is None and record is None,
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
                skip_reason=data["skip_reason"],
                close_case=data.get("close_case", False),
                expected_step=data["expected_step"] or None,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _step_message(advanced, closed=open_case and data.get("close_case", False)))
            return redirect("housing:placement_detail", pk=advanced.pk)
    # Show the current state (another worker may have moved it on or closed it) with the refused form.
    placement = _load(request.user, pk)
    if services.closed_reason(placement):
        return _refused(request, placement, form.non_field_errors())
    log_access(request, AccessLog.Action.VIEW, placement.client)
    return _render_detail(request, placement, advance_form=form)


@require_POST
@permission_required("housing.change_placement", raise_exception=True)
def placement_plan_step(request, pk):
    """Plan (or move) a viewing, lease signing or move-in for a day to come: an appointment of the worker."""
    placement = _load(request.user, pk)
    if services.closed_reason(placement):
        return _refused(request, placement)
    form = PlacementPlanForm(request.POST, placement=placement)
    if form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.placement_plan_step(
                placement=placement,
                step=data["step"],
                on=data["on"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                actor=request.user,
                expected_step=data["expected_step"] or None,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(kind)s is planned for %(day)s at %(time)s; it is in your calendar.")
                % {
                    "kind": appointment.get_kind_display(),
                    "day": appointment.date.strftime("%d.%m.%Y"),
                    "time": appointment.start_time.strftime("%H:%M"),
                },
            )
            return redirect("housing:placement_detail", pk=placement.pk)
    placement = _load(request.user, pk)
    log_access(request, AccessLog.Action.VIEW, placement.client)
    return _render_detail(request, placement, plan_form=form)


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
            add_service_error(form, error)
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

    def context():
        log_access(request, AccessLog.Action.VIEW, placement.client)
        return {"follow_up": follow_up, "placement": placement, "client": placement.client}

    def save(form):
        data = form.cleaned_data
        return services.follow_up_answer(
            follow_up=follow_up,
            result=data["result"],
            actor=request.user,
            on=data["on"],
            note=data["note"],
            previous_result=data["previous_result"],
        )

    return edit_page(
        request,
        FollowUpAnswerForm(request.POST or None, follow_up=follow_up),
        save=save,
        template="housing/follow_up_answer.html",
        context=context,
        success_url=lambda _answered: reverse("housing:placement_detail", args=[placement.pk]),
        success_message=_("The answer of the follow-up is recorded."),
    )


# --- Board --------------------------------------------------------------------------------------


@permission_required("housing.view_placement", raise_exception=True)
def board(request):
    """Offers and placements by step for the whole team; stalled placements are marked."""
    today = timezone.localdate()
    columns = build_board(request.user, today)
    placements = [card.placement for column in columns for card in column.cards if card.placement is not None]
    log_list_view(request, _("Placements"), shown=clients_in(placements))
    return render(
        request,
        "housing/board.html",
        {
            "columns": columns,
            "can_configure": request.user.has_perm("housing.change_stallthreshold"),
            "today": today,
        },
    )


class BoardColumnView(PermissionRequiredMixin, ListView):
    """Every placement of one column of the board, in the board's order, as the same cards, page by page."""

    permission_required = "housing.view_placement"
    template_name = "housing/board_column.html"
    paginate_by = 48  # whole rows of two, three, four or six cards

    def get_queryset(self):
        if self.kwargs["column"] not in COLUMN_KEYS:
            raise Http404
        self.today = timezone.localdate()
        return column_placements(self.request.user, self.kwargs["column"], self.today)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        key = self.kwargs["column"]
        limit = stall_limits(self.request.user.organisation_id).get(key) if key != "moved_in" else None
        context["cards"] = placement_cards(context["object_list"], limit, self.today)
        context["title"] = column_title(key)
        context["limit"] = limit
        context["is_step"] = key != "moved_in"
        title = _("Placements: %(column)s") % {"column": context["title"]}
        log_list_view(
            self.request,
            title,
            shown=clients_in([card.placement for card in context["cards"]]),
            page_number=context["page_obj"].number,
        )
        return context


@permission_required("housing.change_stallthreshold", raise_exception=True)
def stall_thresholds(request):
    """The team lead sets after how many days without progress a placement counts as stalled."""
    organisation = request.user.organisation
    current = stall_limits(organisation)
    return edit_page(
        request,
        StallThresholdForm(request.POST or None, current=current),
        save=lambda form: services.stall_thresholds_save(
            organisation=organisation, days_by_step=form.days_by_step(), actor=request.user
        ),
        template="housing/stall_thresholds.html",
        success_url=lambda _saved: reverse("housing:board"),
        success_message=_("The thresholds are saved."),
    )
