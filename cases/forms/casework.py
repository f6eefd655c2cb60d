"""Forms of the daily case work: cases, stays, contacts, tasks and notices.

Edit forms carry the record's ``version`` (``hagen_zuhause.forms.VersionedModelForm``), so that two
workers editing the same record cannot silently overwrite each other.
"""

import re
from decimal import Decimal, InvalidOperation

from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.layout import Column, Field, Fieldset, Row
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import AccommodationStay, Appointment, Case, Contact, Notice, Task
from hagen_zuhause.codes import (
    OUTCOMES_BY_CASE_TYPE,
    AppointmentKind,
    ContactTopic,
    NoticeKind,
    Outcome,
    YesNoUnknown,
)
from hagen_zuhause.forms import ConfirmationField, VersionedModelForm, form_helper
from hagen_zuhause.models import User


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO date whatever the page language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class GermanDecimalField(forms.DecimalField):
    """An amount in euros as Germans type it: ``1.234,56``, ``1234,56 €`` or ``1234.56``."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).replace("€", "").replace("\xa0", "").replace(" ", "").strip()
        if "," in text or re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "").replace(",", ".")  # German: 1.441,50 and 1.441
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return amount

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs


def _check_not_future(value, message):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


# --- Cases --------------------------------------------------------------------------------


class CaseOpenForm(forms.ModelForm):
    """Open a case: its kind and the housing situation at intake."""

    class Meta:
        model = Case
        fields = ["case_type", "opened_on", "housing_situation", "bagw_situation", "homeless_since"]
        widgets = {"opened_on": DateInput, "homeless_since": DateInput}
        help_texts = {"homeless_since": _("12 months or more count as long-term homeless.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_on"].initial = timezone.localdate()
        self.helper = form_helper(
            Fieldset(_("Case"), InlineRadios("case_type"), "opened_on"),
            Fieldset(_("Housing situation at intake"), "housing_situation", "bagw_situation", "homeless_since"),
        )

    def clean_opened_on(self):
        return _check_not_future(self.cleaned_data["opened_on"], _("A case cannot be opened in the future."))

    def clean_homeless_since(self):
        return _check_not_future(self.cleaned_data["homeless_since"], _("This date lies in the future."))


class CaseEditForm(VersionedModelForm):
    """Correct a case's intake data; the kind of case stays (its outcome depends on it)."""

    class Meta:
        model = Case
        fields = ["opened_on", "housing_situation", "bagw_situation", "homeless_since"]
        widgets = {"opened_on": DateInput, "homeless_since": DateInput}
        help_texts = CaseOpenForm.Meta.help_texts

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Fieldset(_("Case"), "opened_on"),
            Fieldset(_("Housing situation at intake"), "housing_situation", "bagw_situation", "homeless_since"),
            "version",
        )

    clean_opened_on = CaseOpenForm.clean_opened_on
    clean_homeless_since = CaseOpenForm.clean_homeless_since


class CaseCloseForm(forms.Form):
    """Close a case with one of the outcomes of its kind."""

    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect)
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput)
    confirmed = ConfirmationField(label=_("The case is closed with this outcome; it counts in the quarterly report."))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(code, Outcome(code).label) for code in OUTCOMES_BY_CASE_TYPE[case.case_type]]
        self.fields["closed_on"].initial = timezone.localdate()
        self.helper = form_helper("outcome", "closed_on", "confirmed")

    def clean_closed_on(self):
        return _check_not_future(self.cleaned_data["closed_on"], _("A case cannot be closed in the future."))


# --- Accommodation stays ------------------------------------------------------------------


class StayForm(VersionedModelForm):
    """Where the person is housed, from when to when (empty end: still there)."""

    class Meta:
        model = AccommodationStay
        fields = ["kind", "provider_type", "provider_name", "start", "end"]
        widgets = {"start": DateInput, "end": DateInput}
        help_texts = {"end": _("Leave empty while the person is still housed there.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "kind",
            "provider_type",
            "provider_name",
            Row(Column("start", css_class="col-sm-6"), Column("end", css_class="col-sm-6")),
            "version",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end lies before the start."))
        return cleaned


# --- Contacts -----------------------------------------------------------------------------


class TopicsField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=ContactTopic.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=_("Topics"),
            **kwargs,
        )


class ContactQuickForm(forms.ModelForm):
    """The quick entry on the client page: today, own name, the kind of contact — and save."""

    topics = TopicsField()

    class Meta:
        model = Contact
        fields = ["date", "contact_type", "duration_minutes", "topics", "interpreter_used", "note"]
        widgets = {
            "date": DateInput,
            "contact_type": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
            "duration_minutes": forms.NumberInput(attrs={"min": 0, "max": 1440, "step": 5}),
        }
        labels = {"note": _("Note")}

    def __init__(self, *args, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["contact_type"].initial = "office"
        # Ticked for a client who needs an interpreter; unticking it records a contact without one.
        self.fields["interpreter_used"].initial = client is not None and client.interpreter_needed == YesNoUnknown.YES
        self.fields["contact_type"].choices = self.fields["contact_type"].choices[1:]  # no empty choice
        self.helper = form_helper(
            InlineRadios("contact_type"),
            Row(
                Column("date", css_class="col-sm-6"),
                Column("duration_minutes", css_class="col-sm-6"),
            ),
            Field("note"),
            InlineCheckboxes("topics"),
            "interpreter_used",
        )

    def clean_date(self):
        return _check_not_future(self.cleaned_data["date"], _("A contact cannot lie in the future."))


class ContactForm(VersionedModelForm):
    """Change a recorded contact (own contacts; the team lead any)."""

    topics = TopicsField()

    class Meta:
        model = Contact
        fields = ["date", "contact_type", "duration_minutes", "place", "case", "topics", "interpreter_used", "note"]
        widgets = {
            "date": DateInput,
            "note": forms.Textarea(attrs={"rows": 4}),
            "duration_minutes": forms.NumberInput(attrs={"min": 0, "max": 1440, "step": 5}),
        }
        labels = {"note": _("Note")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.filter(client=self.instance.client_id)
        self.helper = form_helper(
            Row(
                Column("date", css_class="col-sm-4"),
                Column("contact_type", css_class="col-sm-4"),
                Column("duration_minutes", css_class="col-sm-4"),
            ),
            Row(Column("place", css_class="col-sm-6"), Column("case", css_class="col-sm-6")),
            InlineCheckboxes("topics"),
            "interpreter_used",
            "note",
            "version",
        )

    clean_date = ContactQuickForm.clean_date


# --- Tasks --------------------------------------------------------------------------------


def assignable_users(user, client=None):
    """Active colleagues who work with client files; for a restricted client only those who may see it."""
    users = (
        User.objects.visible_to(user)
        .active()
        .filter(groups__permissions__codename="view_client", groups__permissions__content_type__app_label="cases")
    )
    if client is not None and client.restricted:
        users = users.filter(
            Q(assigned_clients=client)
            | Q(
                groups__permissions__codename="view_restricted_client",
                groups__permissions__content_type__app_label="cases",
            )
        )
    return users.distinct().order_by("last_name", "first_name", "username")


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class TaskForm(VersionedModelForm):
    """A follow-up (Wiedervorlage): what, until when, who."""

    class Meta:
        model = Task
        fields = ["title", "due_on", "assignee", "note"]
        widgets = {"due_on": DateInput, "note": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"assignee": AssigneeChoiceField}

    def __init__(self, *args, user, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users(user, client or self.instance.client)
        if not self.instance.pk:
            self.initial.setdefault("assignee", user.pk)
            if self.initial["assignee"] is None:
                self.initial["assignee"] = user.pk
        if self.instance.pk and self.instance.notice_id:
            # Computed from a notice: the date follows the notice, not the form.
            for name in ("title", "due_on"):
                self.fields[name].disabled = True
            self.fields["due_on"].help_text = _("Computed from the notice; change the dates there.")
        self.helper = form_helper(
            "title",
            Row(Column("due_on", css_class="col-sm-6"), Column("assignee", css_class="col-sm-6")),
            "note",
            "version",
        )


# --- Notices ------------------------------------------------------------------------------


class NoticeForm(VersionedModelForm):
    """A notice to quit, eviction suit, court notification or eviction date, with what was done."""

    class Meta:
        model = Notice
        fields = [
            "kind",
            "received_on",
            "case",
            "court_file_number",
            "landlord_name",
            "monthly_rent",
            "arrears",
            "served_on",
            "hearing_on",
            "eviction_on",
            "schonfrist_used_on",
            "debt_takeover_amount",
            "debt_takeover_applied_on",
            "debt_takeover_decided_on",
            "debt_takeover_decision",
            "note",
        ]
        widgets = {
            **dict.fromkeys(
                (
                    "received_on",
                    "served_on",
                    "hearing_on",
                    "eviction_on",
                    "schonfrist_used_on",
                    "debt_takeover_applied_on",
                    "debt_takeover_decided_on",
                ),
                DateInput,
            ),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {
            "monthly_rent": GermanDecimalField,
            "arrears": GermanDecimalField,
            "debt_takeover_amount": GermanDecimalField,
        }
        labels = {
            "debt_takeover_amount": _("Amount (EUR)"),
            "debt_takeover_decision": _("Decision"),
            "debt_takeover_applied_on": _("Applied on"),
            "debt_takeover_decided_on": _("Decided on"),
            "note": _("Note"),
        }
        help_texts = {
            "served_on": _(
                "Service of the eviction suit: the grace period ends two months later, on the next working day "
                "if that day is a Saturday, Sunday or public holiday (§ 193 BGB)."
            ),
            "hearing_on": _("Becomes a task on that day."),
            "eviction_on": _("Becomes a task on that day."),
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.filter(client=client)
        if not self.instance.pk:
            # The form's initial (from the new, empty instance) wins over a field's; set it there.
            self.initial["received_on"] = timezone.localdate()
            self.initial["case"] = _preselected_case(self.fields["case"].queryset)
        self.fields["kind"].choices = [("", "---------"), *NoticeKind.choices]
        self.helper = form_helper(
            Fieldset(
                pgettext_lazy("notice form", "Document"),
                Row(Column("kind", css_class="col-md-6"), Column("received_on", css_class="col-md-6")),
                Row(Column("court_file_number", css_class="col-md-6"), Column("case", css_class="col-md-6")),
                "landlord_name",
                Row(Column("monthly_rent", css_class="col-md-6"), Column("arrears", css_class="col-md-6")),
            ),
            Fieldset(
                _("Dates and deadlines"),
                Row(Column("served_on", css_class="col-md-6"), Column("schonfrist_used_on", css_class="col-md-6")),
                Row(Column("hearing_on", css_class="col-md-6"), Column("eviction_on", css_class="col-md-6")),
            ),
            Fieldset(
                _("Rent debt takeover (§ 22 Abs. 8 SGB II)"),
                Row(
                    Column("debt_takeover_amount", css_class="col-md-6"),
                    Column("debt_takeover_decision", css_class="col-md-6"),
                ),
                Row(
                    Column("debt_takeover_applied_on", css_class="col-md-6"),
                    Column("debt_takeover_decided_on", css_class="col-md-6"),
                ),
            ),
            "note",
            "version",
        )

    def clean(self):
        cleaned = super().clean()
        received, served = cleaned.get("received_on"), cleaned.get("served_on")
        applied, decided = cleaned.get("debt_takeover_applied_on"), cleaned.get("debt_takeover_decided_on")
        decision = cleaned.get("debt_takeover_decision")
        if served and cleaned.get("kind") not in (NoticeKind.EVICTION_SUIT, NoticeKind.COURT_NOTICE):
            self.add_error("served_on", _("Only an eviction suit or a court notification is served."))
        if received and received > timezone.localdate():
            self.add_error("received_on", _("This date lies in the future."))
        if applied and decided and decided < applied:
            self.add_error("debt_takeover_decided_on", _("The decision lies before the application."))
        if decided and decision in ("", "pending"):
            self.add_error("debt_takeover_decision", _("Please enter the decision."))
        return cleaned


# --- Appointments -------------------------------------------------------------------------


def _preselected_case(cases):
    """The case a new notice belongs to when there is no doubt: the only open one, else the open prevention case."""
    open_cases = [case for case in cases if case.is_open]
    if len(open_cases) == 1:
        return open_cases[0].pk
    prevention = [case for case in open_cases if case.case_type == "prevention"]
    return prevention[0].pk if len(prevention) == 1 else None


class TimeInput(forms.TimeInput):
    """The browser's time picker (hh:mm)."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


#: Kinds planned from a placement step of a housing offer (``housing.models.PLANNED_STEP_KINDS``): the
#: placement links the appointment, and recording the step marks it done.
PLACEMENT_STEP_KINDS = {AppointmentKind.LEASE_SIGNING, AppointmentKind.MOVE_IN}


class AppointmentForm(VersionedModelForm):
    """An appointment (Termin): what kind, when, where, who goes.

    Lease signing and move-in are offered only for an appointment of a placement step.
    """

    class Meta:
        model = Appointment
        fields = ["kind", "date", "start_time", "end_time", "place", "worker", "note"]
        widgets = {
            "date": DateInput,
            "start_time": TimeInput,
            "end_time": TimeInput,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"worker": AssigneeChoiceField}

    def __init__(self, *args, user, client=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = assignable_users(user, client or self.instance.client)
        if not self.instance.pk and not self.initial.get("worker"):
            self.initial["worker"] = user.pk
        if self.instance.placement_id is None:
            # Not offered, so refused like any choice not offered ("keine gültige Auswahl").
            kind = self.fields["kind"]
            kind.choices = [choice for choice in kind.choices if choice[0] not in PLACEMENT_STEP_KINDS]
        self.fields["place"].help_text = _(
            "Stays in this system: calendar subscriptions show case number and kind only."
        )
        self.helper = form_helper(
            Row(Column("kind", css_class="col-sm-6"), Column("worker", css_class="col-sm-6")),
            Row(
                Column("date", css_class="col-sm-4"),
                Column("start_time", css_class="col-sm-4"),
                Column("end_time", css_class="col-sm-4"),
            ),
            "place",
            "note",
            "version",
        )
