"""Django's admin for cooperation: Verwaltung maintains the partners of its own organisation.

Other organisations' partners are never shown. The form of the partner pages is in ``cooperation/forms.py``.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cooperation import services
from cooperation.models import Partner
from hagen_zuhause.codes import TargetGroup
from hagen_zuhause.countries import LANGUAGES


class PartnerAdminForm(forms.ModelForm):
    """A partner as Verwaltung maintains it in the admin; languages and target groups as checkboxes.

    The organisation is not a field for Verwaltung (the admin sets its own); ``organisation_id``
    is set on the form class by the admin so that a name used twice in the organisation gets a
    clear message instead of a database error.
    """

    organisation_id = None

    languages = forms.MultipleChoiceField(
        label=_("languages spoken"), choices=LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    target_groups = forms.MultipleChoiceField(
        label=_("target groups served"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "active",
            "contact_person",
            "phone",
            "email",
            "address",
            "contact_hours",
            "services",
            "languages",
            "target_groups",
            "notes",
        ]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        # With the organisation on the form (platform operator), the unique constraint's check answers.
        checked = self.organisation_id is not None and "organisation" not in self.fields
        if checked and services.partner_name_taken(organisation=self.organisation_id, name=name, partner=self.instance):
            raise forms.ValidationError(_("A partner with this name already exists."))
        return name


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
