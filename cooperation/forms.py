"""Forms of cooperation: partners of the help network."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.models import Partner
from hagen_zuhause.codes import TargetGroup
from hagen_zuhause.countries import LANGUAGES


class PartnerAdminForm(forms.ModelForm):
    """A partner as Verwaltung maintains it in the admin; languages and target groups as checkboxes.

    The organisation is not a field for Verwaltung (the admin sets its own); ``organisation_id``
    is set on the form class by the admin so that a name used twice in the organisation gets a
    clear message instead of a database error.
    """

    organisation_id = None

    languages = forms.MultipleChoiceField(
        label=_("languages spoken"), choices=LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    target_groups = forms.MultipleChoiceField(
        label=_("target groups served"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "active",
            "contact_person",
            "phone",
            "email",
            "address",
            "contact_hours",
            "services",
            "languages",
            "target_groups",
            "notes",
        ]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.organisation_id is not None and "organisation" not in self.fields:
            others = Partner.objects.filter(organisation_id=self.organisation_id, name__iexact=name)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(_("A partner with this name already exists."))
        return name
