"""Filters of the client list; every choice list is scoped to the user's organisation."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.duplicates import search_clients
from cases.models import Case, Task
from hagen_zuhause import codes
from hagen_zuhause.countries import EU2, EU27, UNKNOWN
from hagen_zuhause.models import User

NATIONALITY_GROUPS = [
    ("germany", _("Germany")),
    ("eu2", _("Bulgaria and Romania (EU-2)")),
    ("other_eu", _("other EU states")),
    ("non_eu", _("outside the EU")),
    ("unknown", _("unknown")),
]

_OTHER_EU = sorted(EU27 - EU2 - {"DE"})
_UNKNOWN_CODES = [UNKNOWN, ""]


def nationality_condition(group):
    """The nationality codes of one report group, as a filter (see hagen_zuhause.countries.nationality_group)."""
    if group == "germany":
        return Q(nationality="DE")
    if group == "eu2":
        return Q(nationality__in=sorted(EU2))
    if group == "other_eu":
        return Q(nationality__in=_OTHER_EU)
    if group == "unknown":
        return Q(nationality__in=_UNKNOWN_CODES)
    return ~Q(nationality__in=[*sorted(EU27), *_UNKNOWN_CODES])


def current_housing_situation():
    """The housing situation of the client's open case, or else of the latest case."""
    cases = Case.objects.filter(client=OuterRef("pk")).order_by("-closed_on", "-opened_on", "-pk")
    # "-closed_on" puts open cases (NULL) first: PostgreSQL sorts NULLs first in descending order.
    return Subquery(cases.values("housing_situation")[:1])


class ClientFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or case number"), method="search")
    target_group = django_filters.ChoiceFilter(
        label=_("Target group"), choices=codes.TargetGroup.choices, method="by_target_group", empty_label=_("all")
    )
    case_type = django_filters.ChoiceFilter(
        label=_("Open case of kind"), choices=codes.CaseType.choices, method="by_case_type", empty_label=_("all")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("open", _("with an open case")), ("closed", _("without an open case"))],
        method="by_status",
        empty_label=_("all"),
    )
    worker = django_filters.ModelChoiceFilter(
        label=_("Assigned worker"), queryset=User.objects.none(), method="by_worker", empty_label=_("all")
    )
    nationality_group = django_filters.ChoiceFilter(
        label=_("Nationality"), choices=NATIONALITY_GROUPS, method="by_nationality_group", empty_label=_("all")
    )
    housing_situation = django_filters.ChoiceFilter(
        label=_("Housing situation"),
        choices=codes.HousingSituation.choices,
        method="by_housing_situation",
        empty_label=_("all"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Only with overdue tasks"), method="by_overdue", widget=forms.CheckboxInput
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["worker"].queryset = User.objects.visible_to(user).active().order_by("last_name", "first_name")

    @property
    def searching(self):
        return bool(self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("q"))

    def search(self, queryset, name, value):
        return search_clients(queryset, value)

    def by_target_group(self, queryset, name, value):
        return queryset.in_target_group(value)

    def by_case_type(self, queryset, name, value):
        open_cases = Case.objects.filter(client=OuterRef("pk"), case_type=value).open()
        return queryset.filter(Exists(open_cases))

    def by_status(self, queryset, name, value):
        open_cases = Exists(Case.objects.filter(client=OuterRef("pk")).open())
        return queryset.filter(open_cases if value == "open" else ~open_cases)

    def by_worker(self, queryset, name, value):
        return queryset.assigned_to(value)

    def by_nationality_group(self, queryset, name, value):
        return queryset.filter(nationality_condition(value))

    def by_housing_situation(self, queryset, name, value):
        return queryset.annotate(current_housing=current_housing_situation()).filter(current_housing=value)

    def by_overdue(self, queryset, name, value):
        if not value:
            return queryset
        overdue = Task.objects.filter(client=OuterRef("pk")).overdue(timezone.localdate())
        return queryset.filter(Exists(overdue))
