"""Forms of the client area: intake, personal data, other spellings, household, target groups,
consents and links. Every choice list of records is scoped with ``visible_to``."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Fieldset, Layout, Row
from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Case, Client, ClientAlias, Consent, HouseholdMember, TargetGroupMembership
from cases.services.clients import ALIAS_FIELDS, HOUSEHOLD_FIELDS, PERSONAL_FIELDS, client_version
from cooperation.models import Partner
from hagen_zuhause import codes
from hagen_zuhause.countries import LANGUAGES
from hagen_zuhause.forms import VersionedModelForm
from hagen_zuhause.widgets import ConstantChoices, LongSelect, LongSelectMultiple, shared_long_choices


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


_LANGUAGE_CHOICES = ConstantChoices(LANGUAGES)


def _care_level_choices():
    return [("", _("unknown")), ("0", _("0 (no care level)"))] + [(str(level), str(level)) for level in range(1, 6)]


class _PersonFieldsMixin:
    """Fields, widgets and checks shared by the intake form and the personal-data form."""

    def _setup_person_fields(self):
        self.fields["languages"] = forms.MultipleChoiceField(
            label=Client._meta.get_field("languages").verbose_name,
            choices=_LANGUAGE_CHOICES,
            required=False,
            widget=LongSelectMultiple(attrs={"size": 6}),
            help_text=_("Hold Ctrl to choose several languages."),
        )
        self.fields["care_level"] = forms.TypedChoiceField(
            label=Client._meta.get_field("care_level").verbose_name,
            choices=_care_level_choices(),
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["first_name"].strip = True
        self.fields["last_name"].strip = True

    def clean_birth_date(self):
        birth_date = self.cleaned_data.get("birth_date")
        if birth_date and birth_date > timezone.localdate():
            raise forms.ValidationError(_("The date of birth lies in the future."))
        return birth_date

    def _clean_birth(self, cleaned_data):
        if cleaned_data.get("birth_date") and cleaned_data.get("birth_year_estimated"):
            self.add_error(
                "birth_year_estimated",
                _("Please enter either the date of birth or an estimated year of birth, not both."),
            )


PERSON_WIDGETS = {
    "birth_date": _date_input(),
    "nationality": LongSelect,
    "postal_address": forms.Textarea(attrs={"rows": 2}),
}


def _person_fieldset(*, live_hint=False):
    return Fieldset(
        _("Person"),
        Row(Column("first_name", css_class="col-md-6"), Column("last_name", css_class="col-md-6")),
        HTML('{% include "cases/includes/client_live_hint_slot.html" %}' if live_hint else ""),
        Row(
            Column("birth_date", css_class="col-md-4"),
            Column("birth_year_estimated", css_class="col-md-4"),
            Column("gender", css_class="col-md-4"),
        ),
        Row(
            Column("nationality", css_class="col-md-4"),
            Column("languages", css_class="col-md-4"),
            Column("interpreter_needed", css_class="col-md-4"),
        ),
        Row(Column("phone", css_class="col-md-4"), Column("postal_address", css_class="col-md-8")),
        "reachable_via_office",
        css_class="mb-4",
    )


@shared_long_choices
class ClientIntakeForm(_PersonFieldsMixin, forms.ModelForm):
    """Intake of a person: personal data, the case to open, target groups and an optional consent.

    Household members and other spellings come as formsets rendered inside this form's layout.
    """

    case_type = forms.ChoiceField(
        label=_("Kind of case to open"), choices=codes.CaseType.choices, widget=forms.RadioSelect
    )
    homeless_since = forms.DateField(
        label=Case._meta.get_field("homeless_since").verbose_name, required=False, widget=_date_input()
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups (from today)"),
        choices=codes.TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_scope = forms.ChoiceField(
        label=_("Consent: scope"),
        choices=[("", _("no consent recorded now")), *codes.ConsentScope.choices],
        required=False,
    )
    consent_partner = forms.ModelChoiceField(
        label=_("Consent: partner"), queryset=Partner.objects.none(), required=False, empty_label=_("none")
    )
    consent_given_on = forms.DateField(label=_("Consent: given on"), required=False, widget=_date_input())
    consent_expires_on = forms.DateField(label=_("Consent: valid until"), required=False, widget=_date_input())

    class Meta:
        model = Client
        fields = PERSONAL_FIELDS
        widgets = PERSON_WIDGETS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_person_fields()
        for name in ("housing_situation", "bagw_situation"):
            self.fields[name] = Case._meta.get_field(name).formfield()
        self.fields["consent_partner"].queryset = Partner.objects.visible_to(user).active().order_by("name")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            _person_fieldset(live_hint=True),
            HTML('{% include "cases/includes/client_household_formset.html" %}'),
            Fieldset(
                _("Situation"),
                Field("case_type"),
                Row(Column("housing_situation", css_class="col-md-6"), Column("bagw_situation", css_class="col-md-6")),
                Row(
                    Column("homeless_since", css_class="col-md-4"),
                    Column("income_source", css_class="col-md-4"),
                    Column("care_level", css_class="col-md-4"),
                ),
                css_class="mb-4",
            ),
            Fieldset(_("Target groups"), "target_groups", css_class="mb-4"),
            Fieldset(
                _("Consent (optional)"),
                Row(Column("consent_scope", css_class="col-md-6"), Column("consent_partner", css_class="col-md-6")),
                Row(
                    Column("consent_given_on", css_class="col-md-6"),
                    Column("consent_expires_on", css_class="col-md-6"),
                ),
                css_class="mb-4",
            ),
            Fieldset(_("Restriction notice"), "restricted", css_class="mb-4"),
            HTML('{% include "cases/includes/client_alias_formset.html" %}'),
        )

    def clean_homeless_since(self):
        day = self.cleaned_data.get("homeless_since")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("This date lies in the future."))
        return day

    def clean(self):
        cleaned_data = super().clean()
        self._clean_birth(cleaned_data)
        consent_given = any(
            cleaned_data.get(name)
            for name in ("consent_scope", "consent_partner", "consent_given_on", "consent_expires_on")
        )
        if consent_given:
            if not cleaned_data.get("consent_scope"):
                self.add_error("consent_scope", _("Please choose what the consent covers."))
            if not cleaned_data.get("consent_given_on"):
                self.add_error("consent_given_on", _("Please enter the date the consent was given."))
        given, expires = cleaned_data.get("consent_given_on"), cleaned_data.get("consent_expires_on")
        if given and expires and expires < given:
            self.add_error("consent_expires_on", _("The consent cannot expire before it was given."))
        return cleaned_data

    def client_fields(self):
        return {name: self.cleaned_data[name] for name in PERSONAL_FIELDS}

    def case_fields(self):
        return {name: self.cleaned_data[name] for name in ("housing_situation", "bagw_situation", "homeless_since")}

    def consent(self):
        if not self.cleaned_data.get("consent_scope"):
            return None
        return {
            "scope": self.cleaned_data["consent_scope"],
            "partner": self.cleaned_data["consent_partner"],
            "given_on": self.cleaned_data["consent_given_on"],
            "expires_on": self.cleaned_data["consent_expires_on"],
        }


@shared_long_choices
class ClientForm(_PersonFieldsMixin, VersionedModelForm):
    """The personal data of an existing client, with the version of the data, other spellings and
    household the form was loaded at."""

    # Required here: the service takes a missing version for someone else's save.
    version = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = Client
        fields = PERSONAL_FIELDS
        widgets = PERSON_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_person_fields()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            _person_fieldset(),
            HTML('{% include "cases/includes/client_household_formset.html" %}'),
            Fieldset(
                _("Situation"),
                Row(Column("income_source", css_class="col-md-6"), Column("care_level", css_class="col-md-6")),
                css_class="mb-4",
            ),
            Fieldset(_("Restriction notice"), "restricted", css_class="mb-4"),
            HTML('{% include "cases/includes/client_alias_formset.html" %}'),
            "version",
        )

    def clean(self):
        cleaned_data = super().clean()
        self._clean_birth(cleaned_data)
        return cleaned_data

    def version_of(self, instance):
        return client_version(instance)

    def client_fields(self):
        return {name: self.cleaned_data[name] for name in PERSONAL_FIELDS}


class _RowForm(forms.ModelForm):
    """A row of a formset table: Bootstrap classes, labels read by screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "DELETE":
                field.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.setdefault("class", "form-control form-control-sm")


class ClientAliasForm(_RowForm):
    class Meta:
        model = ClientAlias
        fields = ALIAS_FIELDS


@shared_long_choices
class HouseholdMemberForm(_RowForm):
    class Meta:
        model = HouseholdMember
        fields = HOUSEHOLD_FIELDS
        widgets = {
            "birth_year": forms.NumberInput(attrs={"min": 1900, "max": 2100}),
            # Short options: as wide as they are, so the table gives the room to the names.
            "gender": forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
            "nationality": LongSelect,
        }


def alias_formset(*, extra, can_delete):
    return inlineformset_factory(Client, ClientAlias, form=ClientAliasForm, extra=extra, can_delete=can_delete)


def household_formset(*, extra, can_delete):
    return inlineformset_factory(Client, HouseholdMember, form=HouseholdMemberForm, extra=extra, can_delete=can_delete)


def formset_rows(formset, field_names):
    """The rows a formset asks to change: ``{"id", "delete", **fields}``; untouched rows are left out."""
    rows = []
    for form in formset.forms:
        if not form.has_changed():
            continue
        data = form.cleaned_data
        instance_id = data.get("id").pk if data.get("id") is not None else None
        row = {"id": instance_id, "delete": bool(data.get("DELETE"))}
        row.update({name: data.get(name) for name in field_names})
        rows.append(row)
    return rows


# --- Target groups, consents, links ------------------------------------------------------


class TargetGroupJoinForm(forms.ModelForm):
    """Add a target-group membership from a start date."""

    class Meta:
        model = TargetGroupMembership
        fields = ["group", "start"]
        widgets = {"start": _date_input()}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"start": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("group", css_class="col-md-6"), Column("start", css_class="col-md-4")),
        )


class TargetGroupLeaveForm(forms.Form):
    """End one membership on a date (inclusive)."""

    end = forms.DateField(label=_("Member until"), widget=_date_input())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"end": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["end"].widget.attrs["class"] = "form-control form-control-sm"


class ConsentForm(forms.ModelForm):
    """Record a consent (Schweigepflichtentbindung); partners come from the office's active partners."""

    class Meta:
        model = Consent
        fields = ["scope", "partner", "given_on", "expires_on", "note"]
        widgets = {"given_on": _date_input(), "expires_on": _date_input()}

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.visible_to(user).active().order_by("name")
        self.fields["partner"].empty_label = _("none")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("scope", css_class="col-md-6"), Column("partner", css_class="col-md-6")),
            Row(Column("given_on", css_class="col-md-6"), Column("expires_on", css_class="col-md-6")),
            "note",
        )

    def clean(self):
        cleaned_data = super().clean()
        given, expires = cleaned_data.get("given_on"), cleaned_data.get("expires_on")
        if given and given > timezone.localdate():
            self.add_error("given_on", _("This date lies in the future."))
        if given and expires and expires < given:
            self.add_error("expires_on", _("The consent cannot expire before it was given."))
        return cleaned_data


class ConsentWithdrawForm(forms.Form):
    """The day a client withdrew a consent."""

    withdrawn_on = forms.DateField(label=pgettext_lazy("consent", "Withdrawn on"), widget=_date_input())

    def clean_withdrawn_on(self):
        day = self.cleaned_data["withdrawn_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This date lies in the future."))
        return day


class ClientLinkForm(forms.Form):
    """Choose the record that is the same person; only records the user may see."""

    other = forms.ModelChoiceField(label=_("Same person as"), queryset=Client.objects.none(), widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = Client.objects.visible_to(user).exclude(pk=client.pk)
        self.fields["other"].error_messages["invalid_choice"] = _("This record cannot be linked.")


class ErasureRequestForm(forms.Form):
    """Why one client's data are to be erased now (Art. 17 GDPR); the history keeps the reason."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("E.g. “request of the person of 01.12.2026”. Please name nobody: the reason is kept."),
    )


class RestrictionForm(forms.Form):
    """Why the processing of a client's data is restricted (Art. 18 GDPR), or why the restriction ends."""

    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, lifting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = (
            _("E.g. “the contested data have been corrected”. The change history keeps the reason.")
            if lifting
            else _("E.g. “the person contests the accuracy of the data”. The change history keeps the reason.")
        )
