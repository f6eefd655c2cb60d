"""Forms of the placement pipeline, the follow-ups and the stall thresholds.

The pipeline's writes are service calls with a few arguments (a step, a date, a note), not edits
of a model's fields, so these are plain forms whose cleaned data become the service's keywords.
Every client choice list is scoped with ``visible_to``.
"""

from crispy_forms.layout import Column, Field, Row
from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cases.models import Client
from hagen_zuhause.codes import Outcome
from hagen_zuhause.forms import form_helper
from housing.forms.common import DATE_WIDGET, TIME_WIDGET, ClientChoiceField, open_provision_case
from housing.models import (
    DEFAULT_STALL_DAYS,
    PIPELINE,
    PLANNED_STEP_KINDS,
    DeclineReason,
    FollowUpResult,
    PlacementStep,
)


def clients_seeking_a_flat(user):
    """Visible clients with an open provision case: the households a flat can be proposed for."""
    return Client.objects.visible_to(user).not_anonymised().filter(open_provision_case())


class PlacementProposeForm(forms.Form):
    """Propose a household for an offer: the client (id) and an optional note."""

    client = ClientChoiceField(label=_("Household (client)"), queryset=Client.objects.none())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any visible client may be proposed: the matching page suggests, people decide.
        self.fields["client"].queryset = Client.objects.visible_to(user).not_anonymised()
        self.fields["client"].error_messages["invalid_choice"] = _("Please choose a household from the list.")
        self.helper = form_helper("client", "note")


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
        self.helper = form_helper(*fields, "expected_step")

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
        self.helper = form_helper("step", "on", Row(Column("start_time"), Column("end_time")), "expected_step")

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
        self.helper = form_helper("reason", "on", "note", "expected_step")


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
        self.helper = form_helper("result", "on", "note", "previous_result")


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
        self.helper = form_helper(*[step.value for step in DEFAULT_STALL_DAYS])

    def days_by_step(self):
        return {step: self.cleaned_data.get(step.value) for step in DEFAULT_STALL_DAYS}
