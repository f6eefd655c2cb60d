from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.models import User
from hagen_zuhause.roles import Role


class LoginForm(AuthenticationForm):
    """Django's login form with the browser hints password managers and screen readers need."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class UserAddForm(UserCreationForm):
    """A new account of the own organisation, with exactly one role."""

    role = forms.ChoiceField(label=_("role"), choices=Role.choices)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "first_name", "last_name", "email", "phone"]


class UserEditForm(UserChangeForm):
    """An existing account; the role replaces Django's free group selection."""

    role = forms.ChoiceField(label=_("role"), choices=Role.choices)

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.role:
            self.initial["role"] = self.instance.role.value
