"""Forms for letter templates (team lead) and for writing a letter to or about a client."""

from crispy_forms.layout import Fieldset
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.letter_placeholders import needed_groups
from cases.models import Appointment, LetterTemplate, Notice
from cases.services.letters import Choices, suggested_language
from cooperation.models import Partner
from hagen_zuhause.codes import ConsentScope
from hagen_zuhause.forms import VersionedModelForm, form_helper
from housing.models import HousingOffer


class LetterTemplateForm(VersionedModelForm):
    """Create or change a letter template; the model refuses placeholders that are not in the list."""

    confirmed = forms.BooleanField(
        label=_("Checked by the city"),
        required=False,
        help_text=_(
            'Without this mark the template and its letters say "Template – to be checked by the city before use".'
        ),
    )

    class Meta:
        model = LetterTemplate
        fields = ["title", "client_facing", "active", "address_block", "subject", "body_de", "body_bg", "body_ro"]
        widgets = {
            "address_block": forms.Textarea(attrs={"rows": 3}),
            "body_de": forms.Textarea(attrs={"rows": 16}),
            "body_bg": forms.Textarea(attrs={"rows": 12, "lang": "bg"}),
            "body_ro": forms.Textarea(attrs={"rows": 12, "lang": "ro"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].initial = self.instance.is_confirmed
        self.helper = form_helper(
            Fieldset(_("Template"), "title", "client_facing", "active", "confirmed"),
            Fieldset(_("Letter"), "address_block", "subject", "body_de"),
            Fieldset(_("Translations (letters to the client only)"), "body_bg", "body_ro"),
            "version",
        )


class LetterTemplateChoiceForm(forms.Form):
    """The first step of writing a letter: which template."""

    template = forms.ModelChoiceField(label=_("Letter template"), queryset=LetterTemplate.objects.none())

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["template"].empty_label = _("– please choose –")


class _LabelledChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, label_from=str, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_from = label_from

    def label_from_instance(self, obj):
        return self.label_from(obj)


def _notice_label(notice):
    parts = [str(notice)]
    if notice.court_file_number:
        parts.append(notice.court_file_number)
    return " · ".join(parts)


def _appointment_label(appointment):
    return " · ".join(part for part in (str(appointment), appointment.place) if part)


def _offer_label(offer):
    return f"{offer.street} ({offer.landlord.name})"


class LetterForm(forms.Form):
    """Write a letter from a chosen template: the records its placeholders need, and the translation.

    Only the fields the template needs are shown; every choice list holds the client's own records
    (notices, appointments) or the office's (partners, flats), reached through ``visible_to``.
    """

    template = forms.IntegerField(widget=forms.HiddenInput)
    language = forms.ChoiceField(label=_("Language of the letter"), required=False)

    def __init__(self, *args, client, user, template, **kwargs):
        super().__init__(*args, **kwargs)
        self.letter_template = template
        self.initial["template"] = template.pk
        self.groups = needed_groups(template.address_block, template.subject, template.body_de)
        if template.client_facing:
            language_field = self.fields["language"]
            language_field.choices = [("", _("German only"))] + [
                (code, _("German, then Bulgarian") if code == "bg" else _("German, then Romanian"))
                for code in template.translation_languages
            ]
            language_field.initial = suggested_language(client, template)
            language_field.help_text = _("The German text comes first and is the binding one.")
        else:
            del self.fields["language"]
        if "notice" in self.groups:
            self.fields["notice"] = _LabelledChoiceField(
                label=_("Notice"),
                queryset=Notice.objects.visible_to(user).filter(client=client).order_by("-received_on", "-pk"),
                label_from=_notice_label,
            )
        if "appointment" in self.groups:
            self.fields["appointment"] = _LabelledChoiceField(
                label=_("Appointment"),
                queryset=Appointment.objects.visible_to(user).filter(client=client).not_cancelled().order_by("-date"),
                label_from=_appointment_label,
            )
        if "partner" in self.groups:
            self.fields["partner"] = forms.ModelChoiceField(
                label=_("Partner"), queryset=Partner.objects.visible_to(user).active().order_by("name")
            )
        if "consent" in self.groups:
            self.fields["consent_scope"] = forms.ChoiceField(
                label=_("Scope of the consent"), choices=ConsentScope.choices
            )
        if "offer" in self.groups:
            self.fields["offer"] = _LabelledChoiceField(
                label=_("Flat"),
                queryset=HousingOffer.objects.visible_to(user).open().select_related("landlord").order_by("street"),
                label_from=_offer_label,
            )
        for name in ("notice", "appointment", "partner", "offer"):
            if name in self.fields:
                self.fields[name].empty_label = _("– please choose –")
                queryset = self.fields[name].queryset
                if not self.is_bound and queryset.count() == 1:
                    self.initial[name] = queryset.first().pk
        self.helper = form_helper(
            "template",
            *[
                name
                for name in ("notice", "appointment", "partner", "consent_scope", "offer", "language")
                if name in self.fields
            ],
        )

    def choices(self):
        """The chosen records, for the letter service."""
        data = self.cleaned_data
        return Choices(
            notice=data.get("notice"),
            appointment=data.get("appointment"),
            partner=data.get("partner"),
            consent_scope=data.get("consent_scope", ""),
            offer=data.get("offer"),
        )
