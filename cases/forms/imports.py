"""Forms of the web import: upload a file, then confirm its preview."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cases.imports import MAX_FILE_SIZE, Kind


class ImportUploadForm(forms.Form):
    """Choose what the file holds and upload it; it is checked before anything is imported."""

    kind = forms.ChoiceField(
        label=_("The file contains"), choices=Kind.choices, initial=Kind.CLIENTS, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (in Excel: “CSV UTF-8”), separated by ; or , with a header row."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Fieldset(_("Upload a file"), "kind", "file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                _("The file is too large (at most %(size)s).") % {"size": filesizeformat(MAX_FILE_SIZE)}
            )
        return upload

    def file_data(self):
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read()


class ImportConfirmForm(forms.Form):
    """Import exactly the previewed file (named by its token), with the choices the preview offers."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    skip_invalid = forms.BooleanField(
        label=_("Skip the invalid rows and import the others"),
        required=False,
        help_text=_("Without this, a file with invalid rows is not imported at all."),
    )
    assign_to_me = forms.BooleanField(
        label=_("Assign the new clients to me"),
        required=False,
        help_text=_("Otherwise the imported clients have no assigned worker yet."),
    )

    def __init__(self, *args, kind, show_skip_invalid, **kwargs):
        super().__init__(*args, **kwargs)
        fields = []  # the template puts the hidden token outside the fieldset
        if show_skip_invalid:
            fields.append("skip_invalid")
        else:
            del self.fields["skip_invalid"]
        if kind == Kind.CLIENTS:
            fields.append("assign_to_me")
        else:
            del self.fields["assign_to_me"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Fieldset(_("Options"), *(Field(name) for name in fields))) if fields else Layout()
