"""Forms for referrals to partner services and for documents of a client."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Consent, Document, Referral
from cases.services.referrals import valid_referral_consent
from cooperation.models import Partner
from hagen_zuhause.codes import ConsentScope, ReferralOutcome
from hagen_zuhause.uploads import EXTENSIONS, check_upload

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NO_CONSENT_MESSAGE = _(
    "There is no valid consent of this person for this partner on the referral date. "
    "Please give the reason for referring without consent."
)


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class ReferralForm(forms.ModelForm):
    """Refer a client to a partner; the valid consent is found for the chosen partner and date.

    ``consent`` holds the consent found for the partner and date currently in the form (or
    ``None``); the template shows it, or explains that there is none and asks for a reason.
    """

    partner = PartnerChoiceField(label=_("Partner"), queryset=Partner.objects.none())

    class Meta:
        model = Referral
        fields = ["partner", "referred_on", "case", "consent_override_reason", "note"]
        widgets = {
            "referred_on": _DATE,
            "consent_override_reason": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "consent_override_reason": _(
                "Only when no valid consent exists, e.g. danger to life (§ 34 StGB). "
                "The reason is recorded with the referral."
            ),
        }

    def __init__(self, *args, client, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["partner"].queryset = Partner.objects.visible_to(user).active().order_by("name")
        self.fields["partner"].empty_label = _("– please choose –")
        cases = Case.objects.visible_to(user).filter(client=client).open()
        self.fields["case"].queryset = cases
        self.fields["case"].empty_label = _("– no particular case –")
        self.fields["referred_on"].initial = timezone.localdate()
        self.fields["consent_override_reason"].required = False
        if not self.is_bound and "case" not in self.initial:
            open_cases = list(cases[:2])
            if len(open_cases) == 1:
                self.initial["case"] = open_cases[0].pk

        self.chosen_partner = self._chosen("partner")
        self.chosen_date = self._chosen("referred_on")
        self.consent = valid_referral_consent(client=client, partner=self.chosen_partner, on=self.chosen_date)
        if self.chosen_partner and self.chosen_date and self.consent is None:
            # Without a valid consent the reason is what the referral rests on: mark it required.
            reason = self.fields["consent_override_reason"]
            reason.required = True
            reason.error_messages["required"] = NO_CONSENT_MESSAGE

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Referral"),
                "partner",
                "referred_on",
                "case",
                HTML('{% include "cases/referral_consent_status.html" %}'),
                "note",
            )
        )

    def _chosen(self, name):
        """The value of a field as the form currently holds it, cleaned; ``None`` when missing or invalid."""
        field = self.fields[name]
        if self.is_bound:
            raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        else:
            raw = self.get_initial_for_field(field, name)
        try:
            return field.clean(raw)
        except ValidationError:
            return None

    def valid_consents(self):
        """The client's referral consents valid today, for the overview shown before a partner is chosen."""
        today = timezone.localdate()
        consents = (
            Consent.objects.filter(client=self.client, scope=ConsentScope.REFERRAL, partner__isnull=False)
            .select_related("partner")
            .order_by("partner__name", "-given_on")
        )
        return [consent for consent in consents if consent.is_valid_on(today)]

    def clean_referred_on(self):
        referred_on = self.cleaned_data["referred_on"]
        if referred_on > timezone.localdate():
            raise ValidationError(_("The referral date lies in the future."))
        return referred_on

    def clean(self):
        cleaned_data = super().clean()
        partner, referred_on = cleaned_data.get("partner"), cleaned_data.get("referred_on")
        if (partner, referred_on) != (self.chosen_partner, self.chosen_date):
            self.consent = valid_referral_consent(client=self.client, partner=partner, on=referred_on)
        reason = (cleaned_data.get("consent_override_reason") or "").strip()
        missing = partner and referred_on and self.consent is None and not reason
        if missing and "consent_override_reason" not in self.errors:
            self.add_error("consent_override_reason", NO_CONSENT_MESSAGE)
        cleaned_data["consent_override_reason"] = reason
        return cleaned_data


class ReferralOutcomeForm(forms.ModelForm):
    """Record the outcome of a referral; the outcome shown is sent back to detect parallel changes."""

    expected_outcome = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Referral
        fields = ["outcome", "outcome_on"]
        widgets = {"outcome": forms.RadioSelect, "outcome_on": _DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = True
        self.fields["outcome"].choices = ReferralOutcome.choices
        self.fields["outcome_on"].required = True
        if not self.is_bound:
            self.initial["expected_outcome"] = self.instance.outcome
            if not self.instance.outcome_on:
                self.initial["outcome_on"] = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("outcome", "outcome_on", "expected_outcome")


class DocumentForm(forms.ModelForm):
    """Upload a document to a client: PDF, JPEG or PNG, at most 10 MB, checked by content."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": ",".join(sorted({*EXTENSIONS, *set().union(*EXTENSIONS.values())}))}),
    )

    class Meta:
        model = Document
        fields = ["kind", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.content_type = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Fieldset(_("Document"), "file", "kind", "description"))

    def clean_file(self):
        uploaded_file = self.cleaned_data["file"]
        self.content_type = check_upload(uploaded_file)
        return uploaded_file
