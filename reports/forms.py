"""Forms of the reports: finalising a quarter and asking for the federal statistic."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reports import federal
from reports.models import ReportSnapshot


class FinaliseForm(forms.ModelForm):
    """The team lead's choice when freezing a quarter: masked for publication or not."""

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
        self.helper.layout = Layout(Field("masked"))


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
