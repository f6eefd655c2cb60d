"""Forms of the placement pipeline, the follow-ups, the stall thresholds and the senior shared flat.

The pipeline's writes are service calls with a few arguments (a step, a date, a note), not edits
of a model's fields, so these are plain forms whose cleaned data become the service's keywords.
Every client choice list is scoped with ``visible_to``.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Client, TargetGroupMembership
from hagen_zuhause.codes import CaseType, Outcome, TargetGroup
from hagen_zuhause.forms import ConfirmationField
from hagen_zuhause.names import german_sort_key
from housing.models import (
    DEFAULT_STALL_DAYS,
    PIPELINE,
    PLANNED_STEP_KINDS,
    DeclineReason,
    FollowUpResult,
    PlacementStep,
    WaitingListEntry,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _helper(*fields):
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields)
    return helper


def client_label(client):
    name = ", ".join(part for part in (client.last_name, client.first_name) if part)
    return f"{name} ({client.case_number})"


def sorted_choices(clients):
    """(id, label) pairs in German alphabetical order (the database collation cannot be trusted)."""
    ordered = sorted(clients, key=lambda c: (german_sort_key(c.last_name), german_sort_key(c.first_name), c.pk))
    return [(client.pk, client_label(client)) for client in ordered]


def _open_provision_case():
    return Exists(Case.objects.filter(client=OuterRef("pk"), case_type=CaseType.PROVISION, closed_on__isnull=True))


def clients_seeking_a_flat(user):
    """Visible clients with an open provision case: the households a flat can be proposed for."""
    return Client.objects.visible_to(user).not_anonymised().filter(_open_provision_case())


def eligible_for_senior_flat(user, on=None, also=()):
    """Visible clients in the target group of older people today, or with an open provision case.

    ``also`` adds client ids that are eligible anyway (e.g. already on the waiting list).
    """
    on = on or timezone.localdate()
    seniors = TargetGroupMembership.objects.filter(client=OuterRef("pk"), group=TargetGroup.SENIORS).current(on)
    condition = Q(Exists(seniors)) | Q(_open_provision_case()) | Q(pk__in=list(also))
    return Client.objects.visible_to(user).not_anonymised().filter(condition)


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return client_label(obj)


# --- Placements ------------------------------------------------------------------------------


class PlacementProposeForm(forms.Form):
    """Propose a household for an offer: the client (id) and an optional note."""

    client = ClientChoiceField(label=_("Household (client)"), queryset=Client.objects.none())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any visible client may be proposed: the matching page suggests, people decide.
        self.fields["client"].queryset = Client.objects.visible_to(user).not_anonymised()
        self.fields["client"].error_messages["invalid_choice"] = _("Please choose a household from the list.")
        self.helper = _helper("client", "note")


class PlacementAdvanceForm(forms.Form):
    """The next step of a placement, the date it was reached and a note."""

    step = forms.ChoiceField(label=_("Next step"))
    on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    skip_reason = forms.CharField(
        label=_("Why were steps in between skipped?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when you jump over steps (e.g. no viewing): they are recorded as skipped with this reason."),
    )
    close_case = forms.BooleanField(required=False, initial=True)
    expected_step = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, placement, can_close_case=True, **kwargs):
        super().__init__(*args, **kwargs)
        following = PIPELINE[PIPELINE.index(placement.step) + 1 :] if placement.step in PIPELINE else []
        self.fields["step"].choices = [(step.value, step.label) for step in following]
        self.fields["step"].initial = following[0].value if following else None
        self.fields["on"].initial = timezone.localdate()
        self.fields["expected_step"].initial = placement.step
        self.offers_move_in = PlacementStep.MOVED_IN in following and can_close_case
        close_case = self.fields["close_case"]
        close_case.label = _("Close the case as “%(outcome)s”") % {"outcome": Outcome.PLACED_OWN_TENANCY.label}
        close_case.help_text = _("Only with the move-in: the open provision case is closed with this outcome.")
        self.current_step = placement.step
        fields = ["step", "on", "note", Field("skip_reason", wrapper_class="placement-skip-reason")]
        if self.offers_move_in:
            fields.append(Field("close_case", wrapper_class="placement-close-case"))
        else:
            del self.fields["close_case"]
        self.helper = _helper(*fields, "expected_step")

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("The date lies in the future."))
        return on

    def clean(self):
        data = super().clean()
        step = data.get("step")
        if step and self.current_step in PIPELINE:
            skipped = PIPELINE[PIPELINE.index(self.current_step) + 1 : PIPELINE.index(PlacementStep(step))]
            if skipped and not data.get("skip_reason", "").strip():
                self.add_error(
                    "skip_reason",
                    _("Say why the steps %(steps)s did not take place.")
                    % {"steps": ", ".join(f"„{skipped_step.label}“" for skipped_step in skipped)},
                )
        return data


def plannable_steps(placement):
    """The steps still ahead that happen on a day with the household and can be planned."""
    if placement.step not in PIPELINE:
        return []
    ahead = PIPELINE[PIPELINE.index(placement.step) + 1 :]
    return [step for step in ahead if step in PLANNED_STEP_KINDS]


class PlacementPlanForm(forms.Form):
    """Plan a step still ahead (viewing, lease signing, move-in): the day (today or later) and the time.

    It becomes an appointment of the worker.
    """

    step = forms.ChoiceField(label=_("Appointment for"))
    on = forms.DateField(label=_("Day"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("from"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("until"), widget=TIME_WIDGET, required=False)
    expected_step = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, **kwargs)
        steps = plannable_steps(placement)
        self.fields["step"].choices = [(step.value, PLANNED_STEP_KINDS[step].label) for step in steps]
        self.fields["step"].initial = steps[0].value if steps else None
        self.fields["step"].error_messages["invalid_choice"] = _("This step has already been recorded.")
        self.fields["expected_step"].initial = placement.step
        self.helper = _helper("step", "on", Row(Column("start_time"), Column("end_time")), "expected_step")

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on < timezone.localdate():
            raise forms.ValidationError(_("A planned date lies today or later; record a past step with its date."))
        return on

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end must be after the start."))
        return data


class PlacementDeclineForm(forms.Form):
    """Who declined, when, and why."""

    reason = forms.ChoiceField(
        label=_("Declined by"),
        widget=forms.RadioSelect,
        choices=[
            (DeclineReason.CLIENT_DECLINED.value, DeclineReason.CLIENT_DECLINED.label),
            (DeclineReason.LANDLORD_DECLINED.value, DeclineReason.LANDLORD_DECLINED.label),
        ],
    )
    on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 2}))
    expected_step = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.fields["expected_step"].initial = placement.step
        self.fields["note"].error_messages["required"] = _("Please explain briefly why the placement ends.")
        self.helper = _helper("reason", "on", "note", "expected_step")


class FollowUpAnswerForm(forms.Form):
    """Is the tenancy still held? With the date of the answer and a note."""

    result = forms.ChoiceField(label=_("Tenancy"), widget=forms.RadioSelect, choices=FollowUpResult.choices)
    on = forms.DateField(label=_("Date of the answer"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    previous_result = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, follow_up, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].initial = follow_up.result or None
        self.fields["on"].initial = follow_up.answered_on or timezone.localdate()
        self.fields["note"].initial = follow_up.note
        self.fields["previous_result"].initial = follow_up.result
        self.fields["result"].error_messages["required"] = _("Please say whether the tenancy is still held.")
        self.helper = _helper("result", "on", "note", "previous_result")


class StallThresholdForm(forms.Form):
    """Days without progress after which a placement counts as stalled, per step; empty = never."""

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        for step in DEFAULT_STALL_DAYS:
            self.fields[step.value] = forms.IntegerField(
                label=capfirst(step.label),
                required=False,
                min_value=1,
                max_value=365,
                initial=current.get(step),
                help_text=_("Default: %(days)s days. Empty: never counts as stalled.")
                % {"days": DEFAULT_STALL_DAYS[step]},
            )
        self.helper = _helper(*[step.value for step in DEFAULT_STALL_DAYS])

    def days_by_step(self):
        return {step: self.cleaned_data.get(step.value) for step in DEFAULT_STALL_DAYS}


# --- Senior shared flat ----------------------------------------------------------------------


class ResidentAddForm(forms.Form):
    """A resident moves into a place: who and when."""

    client = ClientChoiceField(label=_("Resident"), queryset=Client.objects.none())
    move_in = forms.DateField(
        label=_("Move-in date"),
        widget=DATE_WIDGET,
        help_text=_("A place is free again from the day after the previous resident's move-out."),
    )
    close_case = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, user, flat, **kwargs):
        super().__init__(*args, **kwargs)
        waiting = list(WaitingListEntry.objects.visible_to(user).waiting().filter(flat=flat).select_related("client"))
        waiting_ids = {entry.client_id for entry in waiting}
        field = self.fields["client"]
        field.queryset = eligible_for_senior_flat(user, also=waiting_ids)
        others = [client for client in eligible_for_senior_flat(user) if client.pk not in waiting_ids]
        field.choices = [
            ("", _("Choose a person")),
            (_("On the waiting list"), [(entry.client_id, client_label(entry.client)) for entry in waiting]),
            (_("Other eligible clients"), sorted_choices(others)),
        ]
        field.error_messages["invalid_choice"] = _(
            "Please choose a person from the list: older clients or clients with an open provision case."
        )
        field.help_text = _("People on the waiting list come first, in the order they were added.")
        self.fields["move_in"].initial = timezone.localdate()
        close_case = self.fields["close_case"]
        close_case.label = _("Close the case as “%(outcome)s”") % {"outcome": Outcome.SENIOR_FLAT.label}
        close_case.help_text = _("When the person has an open provision case; closed on the move-in date.")
        self.helper = _helper("client", "move_in", "close_case")


class MoveOutForm(forms.Form):
    """A resident's move-out: the date is entered, never assumed, and the move-out confirmed."""

    move_out = forms.DateField(label=_("Move-out date (last day in the place)"), widget=DATE_WIDGET)
    confirmed = ConfirmationField(label=_("The place becomes free after this day."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("move_out", "confirmed")


class WaitingAddForm(forms.Form):
    """Put an eligible client on the waiting list of a flat."""

    client = ClientChoiceField(label=_("Client"), queryset=Client.objects.none())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. care level, urgency"),
    )

    def __init__(self, *args, user, flat, **kwargs):
        super().__init__(*args, **kwargs)
        already = WaitingListEntry.objects.filter(flat=flat, client=OuterRef("pk")).waiting()
        eligible = eligible_for_senior_flat(user).exclude(Exists(already))
        field = self.fields["client"]
        field.queryset = eligible
        field.choices = [("", _("Choose a person")), *sorted_choices(eligible)]
        field.error_messages["invalid_choice"] = _(
            "Please choose a person from the list: older clients or clients with an open provision case "
            "who are not on the waiting list yet."
        )
        field.help_text = _("Eligible: the target group of older people, or an open provision case.")
        self.helper = _helper("client", "note")


class WaitingRemoveForm(forms.Form):
    """Take a person off the waiting list by hand (moving in does it by itself)."""

    reason = forms.ChoiceField(
        label=_("Reason for removal"),
        choices=[choice for choice in WaitingListEntry.RemovalReason.choices if choice[0] != "moved_in"],
    )
