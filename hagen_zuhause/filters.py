"""Filters of the audit pages; every choice list is scoped to the organisation."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.history import tracked_models
from hagen_zuhause.models import AccessLog, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class AccessLogFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"), widget=DATE_WIDGET)
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"), widget=DATE_WIDGET)
    user = django_filters.ModelChoiceFilter(queryset=User.objects.none(), label=_("User"), empty_label=_("all"))
    action = django_filters.ChoiceFilter(choices=AccessLog.Action.choices, label=_("Action"), empty_label=_("all"))
    object_type = django_filters.CharFilter(label=_("Record type"), lookup_expr="iexact")
    object_id = django_filters.CharFilter(label=_("Record number"))

    class Meta:
        model = AccessLog
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["user"].queryset = User.objects.visible_to(user).order_by("username")


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
    record_id = django_filters.CharFilter(label=_("Record number"), field_name="pgh_obj_id")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
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
