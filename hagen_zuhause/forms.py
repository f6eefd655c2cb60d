import copy

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hagen_zuhause import services
from hagen_zuhause.locking import record_version
from hagen_zuhause.models import Organisation, User
from hagen_zuhause.roles import CLIENT_DATA_ROLES, Role


class LoginForm(AuthenticationForm):
    """Django's login form with the browser hints password managers and screen readers need."""

    # Django's message reads in German as if the fields had been left empty.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or password is incorrect."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


def form_helper(*layout):
    """Crispy layout for a form whose template owns the <form> tag and the CSRF token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper


class VersionedModelForm(forms.ModelForm):
    """The one base of edit forms: it carries the version of the record it showed (``hagen_zuhause.locking``).

    The service the view calls takes it as ``version=`` and refuses to save over a newer state. A record
    composed of related rows (a client with aliases, a partner with its languages) overrides
    ``version_of`` with its service's version function; a view may also pass ``initial={"version": …}``.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A posted form carries the version it was opened on; only a form being shown needs it read.
        if self.instance.pk and not self.is_bound and not self.initial.get("version"):
            self.initial["version"] = self.version_of(self.instance)

    def version_of(self, instance):
        """The version of the stored record the form is opened on."""
        return record_version(instance)

    def values(self):
        """The cleaned model fields, for a service that takes them as keywords."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


class ConfirmationField(forms.BooleanField):
    """The one way a weighty action is confirmed: a box ticked in the same form as the action.

    It works without JavaScript (the CSP forbids inline scripts) and is checked on the server: a
    request without the tick changes nothing. Forms name the field ``confirmed``.
    """

    def __init__(self, *, label, **kwargs):
        super().__init__(
            label=label,
            required=True,
            error_messages={"required": _("Please tick the box to confirm; nothing has been changed.")},
            **kwargs,
        )


def role_choices(*, empty_label):
    """The role select: Verwaltung is given at once, the roles reading client files are requested."""
    choices = [("", empty_label)]
    for role in Role:
        label = role.label
        if role in CLIENT_DATA_ROLES:
            label = _("%(role)s (request; takes effect when a team lead confirms)") % {"role": role.label}
        choices.append((role.value, label))
    return choices


REASON_FIELD = {"max_length": 300, "widget": forms.TextInput}


class ReminderSettingsForm(forms.ModelForm):
    """The user's own switch for the daily reminder e-mail (start page, "Your account")."""

    class Meta:
        model = User
        fields = ["reminder_emails"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class AccountForm(forms.ModelForm):
    """A new account of the own organisation; its holder chooses the password through a one-time link."""

    role = forms.ChoiceField(label=_("Role"), required=False, choices=())
    reason = forms.CharField(
        label=_("Note for the team lead"),
        required=False,
        help_text=_("Optional, e.g. “new colleague from 1 February”."),
        **REASON_FIELD,
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(empty_label=_("No role yet"))
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.helper = form_helper(
            Fieldset(_("Person"), "first_name", "last_name", "username", "email", "phone"),
            Fieldset(_("Access"), "role", "reason"),
        )


class RoleChangeForm(forms.Form):
    """Give, request or take away a role."""

    role = forms.ChoiceField(label=_("New role"), required=False, choices=())
    reason = forms.CharField(label=_("Note"), required=False, **REASON_FIELD)

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        empty_label = _("No role (take the role away)") if current else _("No role")
        self.fields["role"].choices = role_choices(empty_label=empty_label)
        self.fields["role"].initial = current.value if current else ""


class ReasonForm(forms.Form):
    """A reason the history keeps (a refusal, a lifted lock); required."""

    reason = forms.CharField(label=_("Reason"), **REASON_FIELD)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Note"), required=False, **REASON_FIELD)


# --- Django's admin ---------------------------------------------------------------------------
#
# The admin keeps the accounts' master data. Role and active state are applied through the same
# services as on the pages, and refused with the same German messages; there is no password field:
# nobody sets another person's password (see services.password_reset).


class _AdminAccessFields(forms.ModelForm):
    """The role and active-state fields of the admin's account forms, checked as the services check them."""

    #: Set by UserAdmin.get_form: the person using the admin.
    actor = None

    role = forms.ChoiceField(label=_("role"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(empty_label=_("no role"))
        self.fields["role"].help_text = _(
            "Verwaltung is given at once; Sozialarbeit and Teamleitung are requested and take effect "
            "when a team lead of the office confirms."
        )

    def new_role(self):
        return Role(self.cleaned_data["role"]) if self.cleaned_data.get("role") else None

    def role_changed(self):
        return self.new_role() != self.instance.role

    def deactivates(self):
        return False


class UserAddForm(_AdminAccessFields):
    """A new account, created by the platform operator in the admin (Verwaltung uses the pages)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "phone", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].required = True

    def clean(self):
        cleaned = super().clean()
        role = self.new_role()
        if role and cleaned.get("organisation"):
            future = User(organisation=cleaned["organisation"], is_active=True)
            try:
                services.check_role_change(user=future, role=role, actor=self.actor)
            except ValidationError as error:
                self.add_error("role", error)
        return cleaned


class UserEditForm(_AdminAccessFields):
    """An existing account: master data, and role and active state through the services."""

    is_active = forms.BooleanField(
        label=_("active"),
        required=False,
        help_text=_("Deactivating takes the role away and ends the person's sessions at once."),
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.active_before = self.instance.is_active
        self.fields["role"].initial = self.instance.role.value if self.instance.role else ""
        self.fields["is_active"].initial = self.active_before

    def _post_clean(self):
        super()._post_clean()
        # The admin lists is_active among the form's model fields; the service changes it, not the form.
        self.instance.is_active = self.active_before

    def deactivates(self):
        return self.active_changed() and not self.cleaned_data.get("is_active")

    def active_changed(self):
        return self.cleaned_data.get("is_active") != self.active_before

    def clean(self):
        cleaned = super().clean()
        user = self.instance
        if self.active_changed():
            try:
                services.check_active_change(user=user, active=cleaned["is_active"], actor=self.actor)
            except ValidationError as error:
                self.add_error("is_active", error)
        if self.role_changed() and not self.deactivates():
            # A deactivation takes the role away anyway; a reactivation may come with a role.
            state = copy.copy(user)
            state.is_active = cleaned.get("is_active", user.is_active)
            try:
                services.check_role_change(user=state, role=self.new_role(), actor=self.actor)
            except ValidationError as error:
                self.add_error("role", error)
        return cleaned


class OrganisationSettingsForm(forms.ModelForm):
    """The settings Verwaltung keeps for its own organisation: letterhead, rules, retention periods."""

    logo_upload = forms.FileField(
        label=_("New logo (PNG)"),
        required=False,
        help_text=_("For letterheads and the PDF report; a PNG image of at most 500 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    version = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = Organisation
        fields = services.ORGANISATION_SETTINGS
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = record_version(self.instance, services.ORGANISATION_SETTINGS)
        self.helper = form_helper(
            Fieldset(
                _("Name and contacts for letters and reports"),
                "short_name",
                Row(Column("city", css_class="col-md-6"), Column("municipality_key", css_class="col-md-6")),
                "address",
                Row(Column("phone", css_class="col-md-6"), Column("email", css_class="col-md-6")),
                "report_contact",
            ),
            Fieldset(_("Logo"), "logo_upload", "remove_logo"),
            Fieldset(_("Rules"), "holiday_state", "require_second_factor"),
            Fieldset(
                _("Retention periods"),
                Row(
                    Column("retention_client_years", css_class="col-md-6"),
                    Column("retention_access_log_years", css_class="col-md-6"),
                ),
            ),
            "version",
        )

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        return services.logo_from_upload(upload) if upload else None
