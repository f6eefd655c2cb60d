"""Filters of the audit pages; every choice list is scoped to the organisation."""

from datetime import timedelta

import django_filters
from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.dates import local_midnight
from hagen_zuhause.history import tracked_models
from hagen_zuhause.models import AccessLog, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


def visible_client_ids(viewer, case_number):
    """The client (as a list of at most one id) with this case number, if the viewer may see it.

    Written the way people write it: "ha-2026-42" is HA-2026-00042.
    """
    from cases.duplicates import normalise_case_number

    number = normalise_case_number(case_number.strip()) or case_number.strip()
    clients = apps.get_model("cases", "Client").objects.visible_to(viewer)
    return list(clients.filter(case_number=number).values_list("pk", flat=True)[:1])


def client_filter():
    return django_filters.CharFilter(label=_("Client (case number)"), method="by_client")


class AccessLogFilterSet(django_filters.FilterSet):
    """Who, what kind of access, which client, when: each filter has its own index (``AccessLog.Meta``)."""

    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"), widget=DATE_WIDGET)
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"), widget=DATE_WIDGET)
    user = django_filters.ModelChoiceFilter(queryset=User.objects.none(), label=_("User"), empty_label=_("all"))
    action = django_filters.ChoiceFilter(choices=AccessLog.Action.choices, label=_("Action"), empty_label=_("all"))
    client = django_filters.CharFilter(
        label=_("Client (case number)"),
        method="by_client",
        widget=forms.TextInput(attrs={"placeholder": "HA-2026-00042"}),
    )

    class Meta:
        model = AccessLog
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = user
        self.filters["user"].queryset = User.objects.visible_to(user).order_by("username")

    def filter_queryset(self, queryset):
        # The dates as bounds on the time itself (local midnights), so that the indexes on "at" find them.
        data = dict(self.form.cleaned_data)
        since, until = data.pop("since", None), data.pop("until", None)
        if since:
            queryset = queryset.filter(at__gte=local_midnight(since))
        if until:
            queryset = queryset.filter(at__lt=local_midnight(until + timedelta(days=1)))
        for name, value in data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def by_client(self, queryset, name, value):
        """Entries about the client with this case number ("ha-2026-42" is HA-2026-00042), if the viewer sees it."""
        ids = visible_client_ids(self.viewer, value)
        return queryset.filter(object_type="cases.client", object_id__in=[str(pk) for pk in ids])


class HistoryFilterSet(django_filters.FilterSet):
    """Filters over the organisation's history events (``hagen_zuhause.history.EventList``)."""

    since = django_filters.DateFilter(
        field_name="pgh_created_at", lookup_expr="date__gte", label=_("From"), widget=DATE_WIDGET
    )
    until = django_filters.DateFilter(
        field_name="pgh_created_at", lookup_expr="date__lte", label=_("To"), widget=DATE_WIDGET
    )
    user = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label=_("Changed by"), method="by_user", empty_label=_("all")
    )
    record_type = django_filters.ChoiceFilter(
        choices=(), label=_("Record type"), method="by_record_type", empty_label=_("all")
    )
    client = client_filter()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = user
        self.filters["user"].queryset = User.objects.visible_to(user).order_by("username")
        self.filters["record_type"].extra["choices"] = tracked_models()

    def filter_queryset(self, queryset):
        """As django-filter's, for the history's ``EventList`` (which reads limit-first, not a QuerySet)."""
        for name, value in self.form.cleaned_data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def by_user(self, queryset, name, value):
        return queryset.filter(pgh_context__user=value.pk)

    def by_record_type(self, queryset, name, value):
        return queryset.filter(pgh_obj_model=value)

    def by_client(self, queryset, name, value):
        """Changes of the client with this case number and of every record about them (as its history page)."""
        ids = visible_client_ids(self.viewer, value)
        if not ids:
            return queryset.filter(pgh_model="")  # no such client in sight: no event
        return queryset.filter(references=(apps.get_model("cases", "Client"), ids[0]))
