"""Filters of the landlord and offer lists; every choice list is scoped to the organisation."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.codes import YesNoUnknown
from housing.models import CooperationStatus, District, HousingOffer, Landlord, LandlordKind, OfferStatus

ACTIVE_CHOICES = [("yes", _("active")), ("no", _("inactive"))]

#: Offer status filter: the open ones (available or reserved) unless another choice is made.
OPEN = "open"
ALL = "all"
STATUS_CHOICES = [
    (OPEN, _("available or reserved")),
    *OfferStatus.choices,
    (ALL, _("all")),
]


class LandlordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or contact person"), method="by_name")
    kind = django_filters.ChoiceFilter(choices=LandlordKind.choices, label=_("Kind"), empty_label=_("all"))
    cooperation_status = django_filters.ChoiceFilter(
        choices=CooperationStatus.choices, label=_("Cooperation"), empty_label=_("all")
    )
    active = django_filters.ChoiceFilter(
        choices=ACTIVE_CHOICES, label=_("Active"), method="by_active", empty_label=_("all")
    )

    class Meta:
        model = Landlord
        fields = []

    def by_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(contact_person__icontains=value))

    def by_active(self, queryset, name, value):
        return queryset.filter(active=value == "yes")


class OfferFilterSet(django_filters.FilterSet):
    """Filters of the offer list; the queryset must be annotated ``with_gross_cold_rent``."""

    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, label=_("Status"), method="by_status", empty_label=None
    )
    district = django_filters.ChoiceFilter(choices=(), label=_("District"), empty_label=_("all"))
    rooms_min = django_filters.NumberFilter(
        field_name="rooms",
        lookup_expr="gte",
        label=_("Rooms (at least)"),
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "1"}),
    )
    rent_max = django_filters.NumberFilter(
        field_name="gross_cold_rent_value",
        lookup_expr="lte",
        label=_("Gross cold rent up to (EUR)"),
        widget=forms.NumberInput(attrs={"step": "1", "min": "0"}),
    )
    barrier_free = django_filters.ChoiceFilter(
        choices=YesNoUnknown.choices, label=_("Barrier-free"), empty_label=_("all")
    )
    landlord_kind = django_filters.ChoiceFilter(
        field_name="landlord__kind", choices=LandlordKind.choices, label=_("Kind of landlord"), empty_label=_("all")
    )

    class Meta:
        model = HousingOffer
        fields = []

    def __init__(self, data=None, *args, organisation, **kwargs):
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = OPEN
        super().__init__(data, *args, **kwargs)
        self.filters["district"].extra["choices"] = District.objects.of_organisation(organisation).choices()

    def by_status(self, queryset, name, value):
        if value == ALL:
            return queryset
        if value == OPEN:
            return queryset.open()
        return queryset.filter(status=value)
