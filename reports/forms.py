"""Forms of the reports: finalising a quarter and asking for the federal statistic."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.forms import ConfirmationField
from reports import federal
from reports.models import ReportSnapshot


class FinaliseForm(forms.ModelForm):
    """The team lead's choice when freezing a quarter: masked for publication or not, and the confirmation."""

    confirmed = ConfirmationField(
        label=_("I have checked the figures. Once finalised, the quarter's report cannot be changed.")
    )

    class Meta:
        model = ReportSnapshot
        fields = ["masked"]
        labels = {"masked": _("Mask small numbers for publication (1 and 2 are shown as “<3”)")}
        help_texts = {
            "masked": _(
                "The stored figures stay exact; the PDF and every export of this quarter show the masked values."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("masked"), Field("confirmed"))


class FederalStatisticForm(forms.Form):
    """The reference date of the federal statistic: always a 31 January."""

    date = forms.DateField(
        label=_("Reference date (31 January)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": _("Please enter a date, e.g. 2026-01-31.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("date"))

    def clean_date(self):
        day = self.cleaned_data["date"]
        try:
            return federal.check_date(day)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class SubmitForm(forms.Form):
    """Submitting a quarter to the state: the version the page offered, so that a second click is refused,
    and the confirmation (the state keeps every version it receives)."""

    version = forms.IntegerField(min_value=1, max_value=999, widget=forms.HiddenInput)
    confirmed = ConfirmationField(label=_("I have checked the figures. The state keeps every version it receives."))


class StateQuarterForm(forms.Form):
    """The quarter the state's overview shows, chosen from the quarters that have ended."""

    quarter = forms.ChoiceField(
        label=_("Quarter"), error_messages={"invalid_choice": _("Please choose one of the quarters listed.")}
    )

    def __init__(self, *args, quarters, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = {f"{period.year}-{period.quarter}": period for period in quarters}
        self.fields["quarter"].choices = [(key, period.label) for key, period in self.quarters.items()]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("quarter"))

    def clean_quarter(self):
        return self.quarters[self.cleaned_data["quarter"]]
