"""The form of the organisation's list of districts: one line per district, and the list's version."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DistrictRowForm(forms.Form):
    """One line of the organisation's list of districts; an empty new line is ignored."""

    district = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=80, required=False)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("district") and not (cleaned.get("name") or "").strip() and not cleaned.get("DELETE"):
            self.add_error("name", _("Please enter a name, or tick “remove”."))
        return cleaned


DistrictFormSet = forms.formset_factory(DistrictRowForm, extra=3, can_delete=True, max_num=200, validate_max=True)


class DistrictListForm(forms.Form):
    """The list as a whole: the version of the list the page showed, and the refusals of the service."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
