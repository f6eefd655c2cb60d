"""Django's admin: Verwaltung keeps the master data of its own organisation's accounts, nothing else.

Roles and the active state are changed through the same services as on the pages (``/access/``) and
refused with the same messages; nobody sets another person's password here. The platform operator
(superuser) creates organisations and their first accounts.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Imported first so that their registrations exist and can be taken back below.
from django_otp.plugins.otp_static import admin as _otp_static_admin  # noqa: F401
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _otp_totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice

from hagen_zuhause import services
from hagen_zuhause.forms import UserAddForm, UserEditForm
from hagen_zuhause.models import AccessChange, Organisation, User
from hagen_zuhause.services import AccessOutcome

admin.site.site_header = _("ZUHAUSE – administration")
admin.site.site_title = _("ZUHAUSE administration")
admin.site.index_title = _("Administration")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "case_number_prefix", "municipality_key", "require_second_factor")
    search_fields = ("name", "short_name")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk=request.user.organisation_id)

    def get_readonly_fields(self, request, obj=None):
        # The name and prefix identify the organisation in case numbers and reports; its kind decides what
        # its accounts may read (a state reads every municipality's submitted reports): the operator's.
        return () if request.user.is_superuser else ("name", "case_number_prefix", "kind")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    add_form_template = None
    list_display = ("username", "last_name", "first_name", "role_label", "is_active", "last_login")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("last_name", "first_name", "username")
    filter_horizontal = ()
    actions = ["password_reset_link"]

    _person = ("username", "first_name", "last_name", "email", "phone")
    add_fieldsets = ((None, {"fields": (*_person, "organisation", "role")}),)
    fieldsets = (
        (None, {"fields": _person}),
        (_("Access"), {"fields": ("role", "is_active", "organisation", "last_login", "date_joined")}),
    )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user  # a fresh class per request: the services check what this person may do
        return form

    def get_readonly_fields(self, request, obj=None):
        # An account never moves to another organisation; the operator chooses it when creating one.
        return ("organisation", "last_login", "date_joined") if obj is not None else ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("groups")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation=request.user.organisation_id)

    def get_list_filter(self, request):
        return ("is_active",) if not request.user.is_superuser else ("is_active", "organisation", "groups")

    def has_add_permission(self, request):
        # Verwaltung opens accounts on its page (/access/users/new/); the operator here, for new offices.
        return request.user.is_superuser

    def get_actions(self, request):
        return super().get_actions(request) if request.user.is_superuser else {}

    @admin.display(description=_("role"))
    def role_label(self, obj):
        return obj.role_label

    def user_change_password(self, request, id, form_url=""):
        # Nobody sets another person's password: a reset gives the holder a one-time link instead.
        raise Http404

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        outcomes = []
        if change and form.active_changed():
            active = form.cleaned_data["is_active"]
            outcomes.append(AccessOutcome(services.account_active_set(user=user, active=active, actor=request.user)))
        if form.role_changed() and not form.deactivates():
            outcomes.append(services.role_change(user=user, role=form.new_role(), actor=request.user))
        for outcome in outcomes:
            if outcome.change is not None and outcome.change.is_pending:
                messages.info(request, _pending_message(outcome.change))
            if outcome.token:
                request.access_link = outcome

    def response_add(self, request, obj, post_url_continue=None):
        return self._link_page(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._link_page(request, obj) or super().response_change(request, obj)

    def _link_page(self, request, obj):
        """The one-time link, shown once in the response itself (never stored, never sent again)."""
        outcome = getattr(request, "access_link", None)
        if outcome is None:
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("One-time link for %(name)s") % {"name": obj},
            "account": obj,
            "change": outcome.change,
            "link": request.build_absolute_uri(reverse("access:password_set_link", args=[outcome.token])),
        }
        return TemplateResponse(request, "admin/hagen_zuhause/user/access_link.html", context)

    @admin.action(description=_("New password: a one-time link for the account holder"))
    def password_reset_link(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Please choose exactly one account."), messages.WARNING)
            return None
        user = queryset.get()
        try:
            outcome = services.password_reset(user=user, actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        if outcome.token:
            request.access_link = outcome
            return self._link_page(request, user)
        self.message_user(request, _pending_message(outcome.change), messages.INFO)
        return None


def _pending_message(change):
    if change.kind == AccessChange.Kind.ROLE:
        return gettext(
            "The role %(role)s has been requested for %(name)s; it takes effect when a team lead confirms."
        ) % {
            "role": change.role_label,
            "name": change.receiver,
        }
    return gettext("The password reset for %(name)s has been requested; it takes effect when a team lead confirms.") % {
        "name": change.receiver
    }


# Roles are maintained in code (hagen_zuhause/roles.py), not clicked together.
admin.site.unregister(Group)

# Second factors are set up by their owners and removed only by a reset (hagen_zuhause.services.
# second_factor_reset): nobody sees, adds or changes another account's keys or codes in the admin.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
