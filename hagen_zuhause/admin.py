"""Django's admin: Verwaltung manages the accounts of its own organisation, nothing else."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.forms import UserAddForm, UserEditForm
from hagen_zuhause.models import Organisation, User
from hagen_zuhause.roles import STAFF_ROLES, Role

admin.site.site_header = _("ZUHAUSE Hagen – administration")
admin.site.site_title = _("ZUHAUSE Hagen administration")
admin.site.index_title = _("Administration")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "case_number_prefix", "municipality_key")
    search_fields = ("name", "short_name")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk=request.user.organisation_id)

    def get_readonly_fields(self, request, obj=None):
        # The name and prefix identify the organisation in case numbers and reports.
        return () if request.user.is_superuser else ("name", "case_number_prefix")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    list_display = ("username", "last_name", "first_name", "role_label", "is_active", "last_login")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("last_name", "first_name", "username")
    filter_horizontal = ()

    _person = ("username", "first_name", "last_name", "email", "phone", "role")
    add_fieldsets = ((None, {"fields": (*_person, "password1", "password2")}),)
    fieldsets = (
        (None, {"fields": (*_person, "password")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if request.user.is_superuser:
            platform_fields = ("organisation",) if obj is None else ("organisation", "is_superuser")
            fieldsets.append((_("Platform"), {"fields": platform_fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return ("last_login", "date_joined")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("groups")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation=request.user.organisation_id)

    def get_list_filter(self, request):
        return ("is_active",) if not request.user.is_superuser else ("is_active", "organisation", "groups")

    @admin.display(description=_("role"))
    def role_label(self, obj):
        return obj.role_label

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.organisation_id = request.user.organisation_id
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        role = Role(form.cleaned_data["role"])
        user.groups.set([Group.objects.get(name=role.value)])
        is_staff = user.is_superuser or role in STAFF_ROLES
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])


# Roles are maintained in code (hagen_zuhause/roles.py), not clicked together.
admin.site.unregister(Group)
