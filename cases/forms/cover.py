"""Naming a deputy for an absence (Vertretung)."""

from crispy_forms.layout import Column, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms.casework import AssigneeChoiceField, DateInput, assignable_users
from hagen_zuhause.forms import form_helper


class CoverForm(forms.Form):
    """Who is absent (the team lead chooses; a worker names a deputy for themselves), who stands in, when."""

    absent = AssigneeChoiceField(label=_("Absent worker"), queryset=None)
    deputy = AssigneeChoiceField(
        label=_("Deputy"),
        queryset=None,
        help_text=_("During the cover this colleague sees the absent worker's clients, tasks and appointments."),
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput)
    ends_on = forms.DateField(label=_("Until (inclusive)"), widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        colleagues = assignable_users(user)
        self.fields["deputy"].queryset = colleagues.exclude(pk=user.pk)
        if user.has_perm("cases.cover_anyone"):
            self.fields["absent"].queryset = colleagues
            self.initial.setdefault("absent", user.pk)
            absent = ["absent"]
        else:
            del self.fields["absent"]
            absent = []
        self.initial.setdefault("starts_on", timezone.localdate())
        self.helper = form_helper(
            *absent,
            "deputy",
            Row(Column("starts_on", css_class="col-sm-6"), Column("ends_on", css_class="col-sm-6")),
        )
