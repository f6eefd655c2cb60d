from django import forms
from django.utils.translation import gettext_lazy as _


class SecondFactorForm(forms.Form):
    """The second step: a code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        error_messages={"required": _("Please enter the code.")},
    )

    def __init__(self, *args, has_app=True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.widget.attrs.update({"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"})
        if not has_app:
            field.label = _("Recovery code")
            field.help_text = _("One of the recovery codes you noted when you set up your second factor.")


class TotpEnrolForm(forms.Form):
    """Setting up an authenticator app: its first code confirms that it holds the key."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        help_text=_("The six digits the app shows for this account now."),
        error_messages={"required": _("Please enter the code the app shows.")},
    )
    name = forms.CharField(
        label=_("Name of the device (optional)"),
        max_length=64,
        required=False,
        help_text=_("So that you recognise it later, e.g. “Work phone”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
