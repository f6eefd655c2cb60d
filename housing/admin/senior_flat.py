"""Django's admin for the senior shared flats: Verwaltung (and a team lead with admin access) create
flats and their places (rooms) here; residents and the waiting list are kept in the application
(housing:senior_flat), because they are case work.

Imported by housing/admin/__init__.py.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from housing.models import Landlord, SeniorFlat, SeniorFlatPlace

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SeniorFlatPlaceInline(admin.TabularInline):
    model = SeniorFlatPlace
    extra = 1
    fields = ("label", "created_on", "closed_on")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("created_on", "closed_on"):
            kwargs["widget"] = _DATE
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # A place that existed counts towards the goal and the occupancy; close it instead.
        return False


@admin.register(SeniorFlat)
class SeniorFlatAdmin(admin.ModelAdmin):
    inlines = [SeniorFlatPlaceInline]
    list_display = ("name", "care_provider", "opened_on", "place_count")
    search_fields = ("name", "care_provider")
    ordering = ("name",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            queryset = queryset.filter(organisation=request.user.organisation_id)
        return queryset.prefetch_related("places")

    def get_fields(self, request, obj=None):
        fields = ["name", "address", "landlord", "care_provider", "opened_on", "notes"]
        return [*fields, "organisation"] if request.user.is_superuser else fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "opened_on":
            kwargs["widget"] = _DATE
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "landlord" and not request.user.is_superuser:
            # Only the organisation's own landlords can be chosen.
            kwargs["queryset"] = Landlord.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # Residencies refer to the places; a flat is never deleted, its places are closed.
        return False

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)

    @admin.display(description=_("places"))
    def place_count(self, obj):
        return sum(1 for place in obj.places.all() if place.closed_on is None)
