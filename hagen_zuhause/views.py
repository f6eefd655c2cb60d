"""Start page, health check, the team lead's audit pages, and who grants access."""

import sys
from datetime import timedelta

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseServerError, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView, TemplateView

from cases import deadlines
from cases.models import Appointment, Case, Contact, Cover, Task
from hagen_zuhause import audit_exports, four_eyes, history, services
from hagen_zuhause.audit import describe_filters, log_access, log_list_view, name_records
from hagen_zuhause.editing import add_service_error, refused
from hagen_zuhause.filters import AccessLogFilterSet, HistoryFilterSet
from hagen_zuhause.forms import (
    AccountForm,
    OptionalReasonForm,
    OrganisationSettingsForm,
    ReasonForm,
    ReminderSettingsForm,
    RoleChangeForm,
)
from hagen_zuhause.history_rows import describe_events
from hagen_zuhause.jobs import jobs_needing_attention
from hagen_zuhause.locks import attempts_of_organisation, locks_of_organisation
from hagen_zuhause.middleware import health_response
from hagen_zuhause.models import AccessChange, AccessLog, User
from hagen_zuhause.navigation import STATE_PERMISSION
from hagen_zuhause.notices import NOTICES_SESSION_KEY
from hagen_zuhause.pagination import LimitedCountMixin
from hagen_zuhause.redirects import next_url
from hagen_zuhause.roles import Role


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers: answers 200 when the database answers. No login, no data.

    ``HealthCheckMiddleware`` answers the probe first; the route keeps the address in the URL map.
    """
    return health_response()


@requires_csrf_token
def server_error(request):
    """The error page: 503 "briefly unavailable" when the database is away, else the 500 page.

    Rendered without the request context: the context processors would ask the database again.
    """
    if isinstance(sys.exception(), (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


class DashboardView(TemplateView):
    """The start page: what each role needs first thing in the morning."""

    template_name = "dashboard.html"
    panel_size = 8
    clients_size = 10
    tasks_size = 15
    #: Legal deadlines warned about (passed ones first); the rest are in the task list.
    deadlines_size = 15
    #: "Due" on the start page: overdue, today and the coming week.
    task_days = 7

    def get(self, request, *args, **kwargs):
        if request.user.has_perm(STATE_PERMISSION):
            # The state's users have one page: the submitted reports.
            return redirect("land:overview")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["colleagues"] = self._colleagues(user)
        context["reminder_form"] = ReminderSettingsForm(instance=user)
        if user.has_perm("cases.view_client"):
            context.update(self._case_work_panels(user))
        if user.has_perm("hagen_zuhause.view_audit"):
            context.update(self._audit_panels(user))
        if user.has_perm("hagen_zuhause.change_user"):
            context.update(self._account_panels(user))
        if context.get("show_case_work") or context.get("show_audit"):
            log_list_view(self.request, _("Start page"), shown=self._clients_shown(context))
        if user.has_perm("hagen_zuhause.view_accesschange"):
            context.update(self._access_requests_panel(user))
        if user.has_perm("cases.decide_erasurerequest"):
            context.update(self._erasure_requests_panel(user))
        return context

    @staticmethod
    def _clients_shown(context):
        """The different clients the panels name: mine, my tasks' and contacts', the recent changes'."""
        numbers = {client.case_number for client in context.get("my_clients", ())}
        records = (
            *context.get("my_tasks", ()),
            *context.get("my_contacts", ()),
            *context.get("deadline_tasks", ()),
            *context.get("my_appointments_today", ()),
        )
        numbers |= {record.client.case_number for record in records if record.client_id}
        numbers |= {row["client_number"] for row in context.get("recent_changes", ())}
        return len(numbers - {""})

    def _colleagues(self, user):
        """Active colleagues with their role, read in the same query (one role per user)."""
        colleagues = list(User.objects.visible_to(user).active().with_role_name().order_by("last_name", "first_name"))
        for colleague in colleagues:
            if colleague.pk == user.pk:
                user.role = colleague.role
        return colleagues

    def _case_work_panels(self, user):
        """My clients with open cases, my due and overdue tasks, my latest contacts."""
        today = timezone.localdate()
        # Read from the cases side: the latest open case of each of my clients, newest first. Grouping
        # my clients' cases (thousands) and sorting them all before taking ten was the slow way.
        latest_cases = (
            Case.objects.visible_to(user)
            .of_clients_assigned_to(user)
            .latest_open_per_client()
            .filter(client__in=apps.get_model("cases", "Client").objects.listed_for(user))
            .select_related("client")
            .order_by("-opened_on", "-client_id")[: self.clients_size]
        )
        clients = []
        for case in latest_cases:
            case.client.latest_case = case.opened_on
            clients.append(case.client)
        tasks = (
            Task.objects.visible_to(user)
            .in_care_of(user)
            .open()
            .filter(due_on__lte=today + timedelta(days=self.task_days))
            .select_related("client", "assignee")
            .order_by("due_on", "id")[: self.tasks_size]
        )
        tasks = list(tasks)
        # Legal deadlines of my clients too when a colleague holds the task: a missed one costs a home.
        deadline_tasks = list(
            Task.objects.visible_to(user)
            .concerning(user)
            .open()
            .legal_deadlines()
            .filter(due_on__lte=today + timedelta(days=deadlines.WARNING_DAYS))
            .select_related("client")
            .order_by("due_on", "id")[: self.deadlines_size + 1]
        )
        passed, soon = deadlines.deadline_warnings(deadline_tasks[: self.deadlines_size], today)
        contacts = (
            Contact.objects.visible_to(user).filter(worker=user).select_related("client").order_by("-date", "-id")
        )
        appointments_today = (
            Appointment.objects.visible_to(user)
            .in_care_of(user)
            .on_day(today)
            .not_cancelled()
            .select_related("client", "offer")
            .order_by("start_time", "id")
        )
        # Whose cover is in force: for the deputy, and for the absent worker (to end it when back early).
        covers = (
            Cover.objects.visible_to(user)
            .current(today)
            .filter(Q(deputy=user) | Q(absent=user))
            .select_related("absent", "deputy")
            .order_by("ends_on", "id")
        )
        return {
            "show_case_work": True,
            "covers_in_force": list(covers),
            "today": today,
            "my_appointments_today": list(appointments_today[: self.tasks_size]),
            "task_days": self.task_days,
            "my_clients": clients,
            "my_tasks": tasks,
            "deadline_tasks": deadline_tasks,
            "deadlines_passed": passed,
            "deadlines_soon": soon,
            "deadlines_more": len(deadline_tasks) > self.deadlines_size,
            "warning_days": deadlines.WARNING_DAYS,
            "my_contacts": list(contacts[: self.panel_size]),
        }

    def _audit_panels(self, user):
        events = list(history.events_of_organisation(user.organisation_id)[: self.panel_size])
        return {
            "show_audit": True,
            "recent_changes": describe_events(events, user),
            "recent_access": name_records(
                AccessLog.objects.visible_to(user).recent().select_related("user")[: self.panel_size], user
            ),
        }

    def _account_panels(self, user):
        users = User.objects.visible_to(user)
        counts = users.aggregate(
            active=Count("pk", filter=Q(is_active=True)),
            inactive=Count("pk", filter=Q(is_active=False)),
            **{role.name: Count("pk", filter=Q(is_active=True, groups__name=role.value)) for role in Role},
        )
        return {
            "show_accounts": True,
            "account_counts": counts,
            "role_counts": [(role.label, counts[role.name]) for role in Role],
            "locks": locks_of_organisation(user.organisation_id, limit=self.panel_size),
            "job_problems": jobs_needing_attention(),
        }

    def _access_requests_panel(self, user):
        """Pending requests: the team lead decides them, Verwaltung follows them."""
        pending = AccessChange.objects.visible_to(user).pending().with_people().order_by("requested_at", "id")
        return {"show_access_requests": True, "pending_requests": pending[: self.panel_size]}

    def _erasure_requests_panel(self, user):
        """Erasure requests waiting for a second team lead (case numbers only; the names are on the request)."""
        erasure_request = apps.get_model("cases", "ErasureRequest")
        pending = erasure_request.objects.visible_to(user).pending().with_people().order_by("requested_at", "id")
        return {"show_erasure_requests": True, "pending_erasures": list(pending[: self.panel_size])}


class AuditHistoryView(LimitedCountMixin, PermissionRequiredMixin, ListView):
    """Change history of the organisation's records: who, when, before and after."""

    permission_required = "hagen_zuhause.view_audit"
    template_name = "audit/history.html"
    paginate_by = 50
    #: Ten pages are counted exactly; an office's history grows by millions of events over the years, and
    #: counting a filter's events reads past the events it leaves out (one user's: 1,000 cost 50 ms).
    count_limit = 500

    def get_queryset(self):
        # A history.EventList: the filter set's lookups apply to every event table, and the page
        # reads only its own events.
        self.filterset = _history_filterset(self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["export_limit"] = audit_exports.HISTORY_EXPORT_LIMIT
        context["rows"] = rows = describe_events(context["page_obj"].object_list, self.request.user)
        log_list_view(
            self.request,
            _("Change history"),
            shown=len({row["client_number"] for row in rows} - {""}),
            filterset=self.filterset,
            page_number=context["page_obj"].number,
        )
        return context


class AccessLogView(LimitedCountMixin, PermissionRequiredMixin, ListView):
    """The access log: every view of a client record or list and every export; clients by case number."""

    permission_required = "hagen_zuhause.view_audit"
    template_name = "audit/access_log.html"
    paginate_by = 50
    #: Ten pages are counted exactly; the log grows by millions of rows over the years (as the history).
    count_limit = 500

    def get_queryset(self):
        self.filterset = _access_log_filterset(self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["object_list"] = name_records(context["object_list"], self.request.user)
        return context


def _history_filterset(request):
    return HistoryFilterSet(
        request.GET or None, queryset=history.events_of_organisation(request.user.organisation_id), user=request.user
    )


def _access_log_filterset(request):
    return AccessLogFilterSet(
        request.GET or None,
        queryset=AccessLog.objects.visible_to(request.user).recent().select_related("user"),
        user=request.user,
    )


def _export_detail(what, filterset):
    filters = ", ".join(str(part) for part in describe_filters(filterset))
    return f"{what}; {filters}" if filters else str(what)


def _filtered_export(request, filterset, *, object_type, what, lines, name):
    """A CSV of what the audit page's filter shows: a bad filter refused, the export logged, the rows streamed."""
    if filterset.is_bound and not filterset.form.is_valid():
        return HttpResponseBadRequest(_("The filter is not valid: please correct it on the audit page."))
    log_access(request, AccessLog.Action.EXPORT, object_type=object_type, detail=_export_detail(what, filterset))
    response = StreamingHttpResponse(lines(filterset.qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{audit_exports.export_file_name(name)}"'
    return response


@require_GET
@permission_required("hagen_zuhause.view_audit", raise_exception=True)
def access_log_export(request):
    """The access log as filtered on its page, as CSV; clients by case number; the export is logged too."""
    return _filtered_export(
        request,
        _access_log_filterset(request),
        object_type="audit.access_log",
        what=_("Access log (CSV)"),
        lines=lambda entries: audit_exports.access_log_lines(entries, request.user),
        name="zugriffsprotokoll",
    )


@require_GET
@permission_required("hagen_zuhause.view_audit", raise_exception=True)
def history_export(request):
    """The change history as filtered on its page, as CSV: fields changed; with ``?values=1`` also the values."""
    with_values = request.GET.get("values") == "1"
    return _filtered_export(
        request,
        _history_filterset(request),
        object_type="audit.history",
        what=_("Change history (CSV, with values)") if with_values else _("Change history (CSV, fields only)"),
        lines=lambda events: audit_exports.history_lines(events, request.user, with_values=with_values),
        name="aenderungsverlauf",
    )


# --- Who grants access (DESIGN §3): accounts, requests, one-time links, locks -------------------
#
# Verwaltung opens accounts, gives the role Verwaltung and requests the roles that read client files;
# a Teamleitung confirms or refuses. Every write is one service call (hagen_zuhause.services); a refusal
# comes back as a German message and changes nothing.


def _show_link(request, outcome, account):
    """The one-time link, in the response itself: shown once, never stored, never sent again."""
    link = request.build_absolute_uri(reverse("access:password_set_link", args=[outcome.token]))
    context = {"change": outcome.change, "account": account, "link": link}
    return render(request, "access/link.html", context)


def _after(request, outcome, account, redirect_to):
    """Show the link when the change produced one, else say what happened and go on."""
    if outcome.token:
        return _show_link(request, outcome, account)
    change = outcome.change
    if change is not None and change.is_pending:
        messages.success(request, _("Requested. It takes effect when a team lead of the office confirms it."))
    else:
        messages.success(request, _("Done."))
    return redirect(redirect_to)


class AccessRequestListView(PermissionRequiredMixin, ListView):
    """Requests of the organisation: the pending ones first (to decide, or to follow), then the decided."""

    permission_required = "hagen_zuhause.view_accesschange"
    template_name = "access/request_list.html"
    paginate_by = 50

    def get_queryset(self):
        changes = AccessChange.objects.visible_to(self.request.user).with_people()
        self.pending = list(changes.pending().order_by("requested_at", "id"))
        return changes.exclude(state=AccessChange.State.PENDING).recent()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = self.pending
        return context


def _visible_change(request, pk):
    return get_object_or_404(AccessChange.objects.visible_to(request.user).with_people(), pk=pk)


@permission_required("hagen_zuhause.view_accesschange", raise_exception=True)
def access_request_detail(request, pk, refuse_form=None):
    change = _visible_change(request, pk)
    user = request.user
    context = {
        "change": change,
        # Nobody decides about their own access either.
        "may_decide": (
            four_eyes.may_decide(user, change, "hagen_zuhause.decide_accesschange") and user.pk != change.receiver_id
        ),
        "may_withdraw": (
            change.is_pending and user.has_perm("hagen_zuhause.change_user") and user.pk != change.receiver_id
        ),
        "refuse_form": refuse_form or ReasonForm(),
    }
    return render(request, "access/request_detail.html", context)


@require_POST
@permission_required("hagen_zuhause.decide_accesschange", raise_exception=True)
def access_request_confirm(request, pk):
    change = _visible_change(request, pk)
    try:
        outcome = services.access_request_confirm(change=change, actor=request.user)
    except ValidationError as error:
        return refused(request, error, change.get_absolute_url())
    if outcome.token:
        return _show_link(request, outcome, change.receiver)
    messages.success(request, _("Confirmed. The change has taken effect."))
    return redirect(change.get_absolute_url())


@require_POST
@permission_required("hagen_zuhause.decide_accesschange", raise_exception=True)
def access_request_refuse(request, pk):
    change = _visible_change(request, pk)
    return four_eyes.refusal_step(
        request,
        change,
        ReasonForm(request.POST),
        lambda reason: services.access_request_refuse(change=change, actor=request.user, reason=reason),
        detail=access_request_detail,
    )


@require_POST
@permission_required("hagen_zuhause.change_user", raise_exception=True)
def access_request_withdraw(request, pk):
    change = _visible_change(request, pk)
    return four_eyes.step(
        request,
        change,
        lambda: services.access_request_withdraw(change=change, actor=request.user),
        _("The request has been withdrawn."),
    )


class AccountListView(PermissionRequiredMixin, ListView):
    """The organisation's accounts with role, state and what is pending (Verwaltung)."""

    permission_required = "hagen_zuhause.change_user"
    template_name = "access/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        pending = AccessChange.objects.pending().filter(receiver=OuterRef("pk"))
        return (
            User.objects.visible_to(self.request.user)
            .with_role_name()
            .annotate(has_pending=Exists(pending))
            .order_by("-is_active", "last_name", "first_name", "username")
        )


def _visible_account(request, pk):
    return get_object_or_404(User.objects.visible_to(request.user).prefetch_related("groups"), pk=pk)


@permission_required("hagen_zuhause.add_user", raise_exception=True)
def account_create(request):
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, outcome = services.account_create(
                actor=request.user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                phone=data["phone"],
                role=data["role"] or None,
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return _after(request, outcome, account, reverse("access:user_detail", args=[account.pk]))
    return render(request, "access/user_form.html", {"form": form})


@permission_required("hagen_zuhause.change_user", raise_exception=True)
def account_detail(request, pk):
    account = _visible_account(request, pk)
    changes = AccessChange.objects.filter(receiver=account).with_people().recent()
    context = {
        "account": account,
        "is_self": account.pk == request.user.pk,
        "changes": changes[:20],
        "pending": list(changes.pending()),
        "role_form": RoleChangeForm(current=account.role),
        # One "reason" field per form, each with ids of its own.
        "reset_form": OptionalReasonForm(auto_id="id_reset_%s"),
        "second_factor_form": OptionalReasonForm(auto_id="id_second_factor_%s"),
        "locks": [lock for lock in locks_of_organisation(account.organisation_id) if lock.username == account.username],
    }
    return render(request, "access/user_detail.html", context)


@require_POST
@permission_required("hagen_zuhause.change_user", raise_exception=True)
def account_role(request, pk):
    account = _visible_account(request, pk)
    back = reverse("access:user_detail", args=[account.pk])
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a role from the list."))
        return redirect(back)
    try:
        outcome = services.role_change(
            user=account, role=form.cleaned_data["role"] or None, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        return refused(request, error, back)
    return _after(request, outcome, account, back)


@require_POST
@permission_required("hagen_zuhause.change_user", raise_exception=True)
def account_active(request, pk):
    account = _visible_account(request, pk)
    back = reverse("access:user_detail", args=[account.pk])
    if request.POST.get("active") not in ("0", "1"):
        messages.error(request, _("Please use the buttons of the page."))
        return redirect(back)
    active = request.POST["active"] == "1"
    try:
        services.account_active_set(user=account, active=active, actor=request.user)
    except ValidationError as error:
        return refused(request, error, back)
    if active:
        messages.success(request, _("The account is active again. It holds no role until one is given or confirmed."))
    else:
        messages.success(request, _("The account is deactivated; its sessions have ended."))
    return redirect(back)


def _reset(request, pk, service):
    """A password or second-factor reset of an account, with the optional reason, through ``service``."""
    account = _visible_account(request, pk)
    back = reverse("access:user_detail", args=[account.pk])
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        outcome = service(user=account, actor=request.user, reason=reason)
    except ValidationError as error:
        return refused(request, error, back)
    return _after(request, outcome, account, back)


@require_POST
@permission_required("hagen_zuhause.change_user", raise_exception=True)
def account_password_reset(request, pk):
    return _reset(request, pk, services.password_reset)


@require_POST
@permission_required("hagen_zuhause.change_user", raise_exception=True)
def account_second_factor_reset(request, pk):
    return _reset(request, pk, services.second_factor_reset_request)


@permission_required("hagen_zuhause.change_user", raise_exception=True)
def lock_list(request):
    """Accounts whose login is locked now, with the end of the lock; Verwaltung can lift a lock."""
    return render(request, "access/lock_list.html", {"locks": locks_of_organisation(request.user.organisation_id)})


@require_POST
@permission_required("hagen_zuhause.change_user", raise_exception=True)
def lock_lift(request, pk):
    attempt = get_object_or_404(attempts_of_organisation(request.user.organisation_id), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason for lifting the lock."))
        return redirect("access:lock_list")
    try:
        services.lock_lift(attempt=attempt, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return refused(request, error, reverse("access:lock_list"))
    messages.success(request, _("The lock has been lifted; the person can log in again."))
    return redirect("access:lock_list")


#: The session remembers which link was opened, so that the token leaves the address bar at once.
PASSWORD_LINK_SESSION_KEY = "access_password_link"


@login_not_required
@never_cache
@require_GET
def password_set_link(request, token):
    """The one-time link: checked, remembered in the session, then away from the address bar."""
    change = AccessChange.objects.opened_by_link(token).first()
    if change is None:
        return render(request, "access/link_invalid.html", status=404)
    request.session[PASSWORD_LINK_SESSION_KEY] = change.pk
    return redirect("access:password_set")


@login_not_required
@never_cache
@sensitive_post_parameters()
def password_set(request):
    """The holder chooses their password (Django's password validators apply)."""
    change_id = request.session.get(PASSWORD_LINK_SESSION_KEY)
    change = AccessChange.objects.with_open_link().filter(pk=change_id).select_related("receiver").first()
    if change is None:
        return render(request, "access/link_invalid.html", status=404)
    form = SetPasswordForm(change.receiver, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set_by_link(change=change, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session.pop(PASSWORD_LINK_SESSION_KEY, None)
            messages.success(request, _("Your password has been set. Please log in with it."))
            return redirect("login")
    return render(request, "access/password_set.html", {"form": form, "account": change.receiver})


@require_POST
def notices_acknowledge(request):
    """The holder has read what changed on their account; the notice is not shown again."""
    services.notices_acknowledge(user=request.user)
    request.session.pop(NOTICES_SESSION_KEY, None)
    return redirect(next_url(request, reverse("dashboard")))


@require_POST
def account_reminders(request):
    """The user switches their own daily reminder e-mail on or off (an unticked box is "off")."""
    form = ReminderSettingsForm(request.POST, instance=request.user)
    form.is_valid()
    enabled = bool(form.cleaned_data.get("reminder_emails"))
    services.account_reminders_set(user=request.user, enabled=enabled)
    if enabled:
        messages.success(request, _("You will receive the daily reminder e-mail."))
    else:
        messages.success(request, _("You will no longer receive the daily reminder e-mail."))
    return redirect("dashboard")


# --- The organisation's settings ------------------------------------------------------------


@permission_required("hagen_zuhause.change_organisation", raise_exception=True)
def organisation_settings(request):
    """Verwaltung keeps its organisation's settings: letterhead, public holidays, second factor, retention."""
    organisation = request.user.organisation
    if organisation is None:
        raise Http404  # the platform operator keeps organisations in /admin/
    form = OrganisationSettingsForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_settings_save(
                organisation=organisation,
                actor=request.user,
                version=data["version"],
                fields={name: data[name] for name in services.ORGANISATION_SETTINGS},
                logo=data["logo_upload"],
                remove_logo=data["remove_logo"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The settings of the organisation are saved."))
            return redirect("access:organisation_settings")
    if form.is_bound:
        organisation.refresh_from_db()  # the form's checks may have filled the instance with refused values
    return render(request, "access/organisation_settings.html", {"form": form, "organisation": organisation})
