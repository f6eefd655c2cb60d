"""Django's admin of the KdU tables: Verwaltung maintains the tables of its own organisation here.

Landlords and offers are maintained in the application's own pages, not here.
"""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from housing.models import KduLimit, KduTable


class KduLimitInline(admin.TabularInline):
    model = KduLimit
    extra = 0
    min_num = 1
    fields = ("household_size", "max_gross_cold_rent", "max_living_space")


class KduTableForm(forms.ModelForm):
    """Checks the validity period against the organisation's other tables before the database does."""

    organisation_id = None  # set per request by KduTableAdmin.get_form

    class Meta:
        model = KduTable
        fields = ("valid_from", "valid_until", "extra_person_amount", "is_demo", "source")
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        chosen = cleaned.get("organisation")  # only superusers choose the organisation
        organisation_id = self.organisation_id or (chosen.pk if chosen else self.instance.organisation_id)
        if start is None or organisation_id is None:
            return cleaned
        if end is not None and end < start:
            self.add_error("valid_until", _("The end lies before the start."))
            return cleaned
        overlapping = KduTable.objects.all_of_organisation(organisation_id).exclude(pk=self.instance.pk)
        overlapping = overlapping.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        if end is not None:
            overlapping = overlapping.filter(valid_from__lte=end)
        other = overlapping.order_by("valid_from").first()
        if other is not None:
            raise forms.ValidationError(
                _(
                    "Another table (%(table)s) is valid during this period. End it first: "
                    "set its “valid until” to the day before this table starts."
                )
                % {"table": other}
            )
        return cleaned


@admin.register(KduTable)
class KduTableAdmin(admin.ModelAdmin):
    form = KduTableForm
    inlines = [KduLimitInline]
    list_display = ("__str__", "valid_from", "valid_until", "extra_person_amount", "is_demo", "source")
    list_filter = ("is_demo",)
    ordering = ("-valid_from",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation=request.user.organisation_id)

    def get_fields(self, request, obj=None):
        fields = list(KduTableForm.Meta.fields)
        return [*fields, "organisation"] if request.user.is_superuser else fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser:
            form.organisation_id = request.user.organisation_id
        return form

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)
