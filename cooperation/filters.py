"""Filters of the cooperation lists: the help network (Hilfenetz), agreements, group offers.

Every choice list of records (partners) is scoped to what the user may see.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import AgreementStatus, Partner, PartnerKind
from hagen_zuhause.codes import TargetGroup
from hagen_zuhause.countries import LANGUAGES

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: The EU-2 languages: Bulgarian, Romanian and Romani (many EU-2 citizens the initiative meets are Roma).
EU2_LANGUAGES = ("bg", "ro", "rom")

#: Value of the target group filter for records without a target group.
NO_TARGET_GROUP = "none"


class PartnerFilterSet(django_filters.FilterSet):
    """Who helps with what: by service, target group served, language spoken, kind and status."""

    ACTIVE, INACTIVE, ALL = "active", "inactive", "all"

    q = django_filters.CharFilter(label=_("Name or service"), method="search")
    target_group = django_filters.ChoiceFilter(
        label=_("Serves target group"), choices=TargetGroup.choices, method="by_target_group", empty_label=_("all")
    )
    language = django_filters.MultipleChoiceFilter(
        label=_("Speaks one of the languages"),
        choices=LANGUAGES,
        method="by_language",
        widget=forms.SelectMultiple,
        help_text=_("Hold Ctrl (Mac: Cmd) to choose several languages."),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartnerKind.choices, empty_label=_("all"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(ACTIVE, _("active partners")), (INACTIVE, _("former partners")), (ALL, _("all"))],
        method="by_status",
        empty_label=None,
    )

    def __init__(self, data=None, queryset=None, **kwargs):
        # Former partners stay out of the directory unless asked for.
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = self.ACTIVE
        super().__init__(data, queryset, **kwargs)
        # Offer the languages someone in the network speaks (and any asked for), not all of them.
        spoken = {code for codes in self.queryset.values_list("languages", flat=True) for code in codes}
        asked = set(data.getlist("language")) if hasattr(data, "getlist") else set()
        choices = [(code, name) for code, name in LANGUAGES if code in spoken | asked]
        self.filters["language"].extra["choices"] = choices
        self.filters["language"].extra["widget"] = forms.SelectMultiple(attrs={"size": min(max(len(choices), 2), 8)})

    @property
    def narrowed(self):
        """Whether anything beyond the default (active partners) is asked for."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return any(data.get(name) for name in ("q", "target_group", "language", "kind")) or (
            data.get("status") not in (None, "", self.ACTIVE)
        )

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(name__unaccent__icontains=word)
                | Q(services__unaccent__icontains=word)
                | Q(contact_person__unaccent__icontains=word)
            )
        return queryset

    def by_target_group(self, queryset, name, value):
        return queryset.filter(target_groups__contains=[value])

    def by_language(self, queryset, name, value):
        return queryset.filter(languages__overlap=list(value)) if value else queryset

    def by_status(self, queryset, name, value):
        if value == self.ACTIVE:
            return queryset.active()
        if value == self.INACTIVE:
            return queryset.filter(active=False)
        return queryset


class AgreementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Subject or partner"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AgreementStatus.choices, empty_label=_("all"))
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"), queryset=Partner.objects.none(), empty_label=_("all")
    )
    target_group = django_filters.ChoiceFilter(
        label=_("Target group"), choices=TargetGroup.choices, method="by_target_group", empty_label=_("all")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["partner"].queryset = Partner.objects.visible_to(user).order_by("name")

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(subject__unaccent__icontains=word) | Q(partner__name__unaccent__icontains=word)
            )
        return queryset

    def by_target_group(self, queryset, name, value):
        return queryset.filter(target_groups__contains=[value])


class GroupOfferFilterForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period lies before its start."))
        return cleaned_data


class GroupOfferFilterSet(django_filters.FilterSet):
    target_group = django_filters.ChoiceFilter(
        label=_("Target group"),
        choices=[*TargetGroup.choices, (NO_TARGET_GROUP, _("no particular target group"))],
        method="by_target_group",
        empty_label=_("all"),
    )
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte", widget=_DATE)
    date_to = django_filters.DateFilter(label=_("Until"), field_name="date", lookup_expr="lte", widget=_DATE)
    partner = django_filters.ModelChoiceFilter(
        label=_("With partner"), queryset=Partner.objects.none(), empty_label=_("all")
    )

    class Meta:
        form = GroupOfferFilterForm

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["partner"].queryset = Partner.objects.visible_to(user).order_by("name")

    def by_target_group(self, queryset, name, value):
        return queryset.filter(target_group="" if value == NO_TARGET_GROUP else value)
