"""Start page, health check and the team lead's audit pages."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import ListView, TemplateView

from cases.models import Case, Contact, Task
from hagen_zuhause import history
from hagen_zuhause.filters import AccessLogFilterSet, HistoryFilterSet
from hagen_zuhause.models import AccessLog, User, UserGroup
from hagen_zuhause.pagination import LimitedCountMixin
from hagen_zuhause.roles import Role


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers: answers 200 when the database answers. No login, no data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


class DashboardView(TemplateView):
    """The start page: what each role needs first thing in the morning."""

    template_name = "dashboard.html"
    panel_size = 8
    clients_size = 10
    tasks_size = 15
    #: "Due" on the start page: overdue, today and the coming week.
    task_days = 7

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["colleagues"] = self._colleagues(user)
        if user.has_perm("cases.view_client"):
            context.update(self._case_work_panels(user))
        if user.has_perm("hagen_zuhause.view_audit"):
            context.update(self._audit_panels(user))
        if user.has_perm("hagen_zuhause.change_user"):
            context.update(self._account_panels(user))
        return context

    def _colleagues(self, user):
        """Active colleagues with their role, read in the same query (one role per user)."""
        role_name = UserGroup.objects.filter(user=OuterRef("pk")).values("group__name")[:1]
        colleagues = list(
            User.objects.visible_to(user)
            .active()
            .annotate(role_name=Subquery(role_name))
            .order_by("last_name", "first_name")
        )
        for colleague in colleagues:
            colleague.role = Role(colleague.role_name) if colleague.role_name in Role.values else None
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
            .select_related("client")
            .order_by("-opened_on", "-client_id")[: self.clients_size]
        )
        clients = []
        for case in latest_cases:
            case.client.latest_case = case.opened_on
            clients.append(case.client)
        tasks = (
            Task.objects.visible_to(user)
            .assigned_to(user)
            .open()
            .filter(due_on__lte=today + timedelta(days=self.task_days))
            .select_related("client")
            .order_by("due_on", "id")[: self.tasks_size]
        )
        contacts = (
            Contact.objects.visible_to(user).filter(worker=user).select_related("client").order_by("-date", "-id")
        )
        return {
            "show_case_work": True,
            "today": today,
            "task_days": self.task_days,
            "my_clients": clients,
            "my_tasks": tasks,
            "my_contacts": contacts[: self.panel_size],
        }

    def _audit_panels(self, user):
        events = list(history.events_of_organisation(user.organisation_id)[: self.panel_size])
        return {
            "show_audit": True,
            "recent_changes": _describe_events(events),
            "recent_access": AccessLog.objects.visible_to(user).recent().select_related("user")[: self.panel_size],
        }

    def _account_panels(self, user):
        users = User.objects.visible_to(user)
        counts = users.aggregate(
            active=Count("pk", filter=Q(is_active=True)),
            inactive=Count("pk", filter=Q(is_active=False)),
            **{role.name: Count("pk", filter=Q(is_active=True, groups__name=role.value)) for role in Role},
        )
        cooloff_start = timezone.now() - settings.AXES_COOLOFF_TIME
        usernames = users.values_list("username", flat=True)
        locked = AccessAttempt.objects.filter(
            username__in=usernames,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=cooloff_start,
        ).order_by("-attempt_time")
        return {
            "show_accounts": True,
            "account_counts": counts,
            "role_counts": [(role.label, counts[role.name]) for role in Role],
            "locked_attempts": locked,
        }


def _describe_events(events):
    user_ids = {(event.pgh_context or {}).get("user") for event in events} - {None}
    users_by_id = {user.pk: user for user in User.objects.filter(pk__in=user_ids)}
    return [history.describe(event, users_by_id) for event in events]


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
        self.filterset = HistoryFilterSet(
            self.request.GET or None,
            queryset=history.events_of_organisation(self.request.user.organisation_id),
            user=self.request.user,
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["rows"] = _describe_events(list(context["page_obj"].object_list))
        return context


class AccessLogView(PermissionRequiredMixin, ListView):
    """The access log: every view of a client record and every export."""

    permission_required = "hagen_zuhause.view_audit"
    template_name = "audit/access_log.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = AccessLogFilterSet(
            self.request.GET or None,
            queryset=AccessLog.objects.visible_to(self.request.user).recent().select_related("user"),
            user=self.request.user,
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        return context
