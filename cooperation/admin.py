"""Django's admin for cooperation: Verwaltung maintains the partners of its own organisation.

The partner pages for social workers come later (issue 5); until then partners, which are needed
to refer anyone, are kept here. Other organisations' partners are never shown.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cooperation.forms import PartnerAdminForm
from cooperation.models import Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerAdminForm
    list_display = ("name", "kind", "contact_person", "phone", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "contact_person", "services", "notes")
    ordering = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "kind", "active")}),
        (_("Contact"), {"fields": ("contact_person", "phone", "email", "address", "contact_hours")}),
        (_("Help offered"), {"fields": ("services", "languages", "target_groups", "notes")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation=request.user.organisation_id)

    def get_list_filter(self, request):
        return (*self.list_filter, "organisation") if request.user.is_superuser else self.list_filter

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            fieldsets = (*fieldsets, (_("Platform"), {"fields": ("organisation",)}))
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        organisation_id = obj.organisation_id if obj is not None else request.user.organisation_id
        return type(form.__name__, (form,), {"organisation_id": organisation_id})

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)
