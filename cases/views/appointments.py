"""Appointments: planned from the client page, changed, marked done or cancelled; the week view.

Every record is reached through ``visible_to``: a role without the permission gets 403, an
appointment outside the user's scope 404. Writes are POST, call one service and redirect.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cases.calendar_feed import build_feed
from cases.forms.casework import AppointmentForm, assignable_users
from cases.models import Appointment, CalendarFeed, Client, Task, read_only_client
from cases.services import appointments as services
from hagen_zuhause.audit import deputy_note, log_access, log_list_view
from hagen_zuhause.codes import LEGAL_DEADLINE_KINDS
from hagen_zuhause.editing import edit_page
from hagen_zuhause.models import AccessLog
from hagen_zuhause.redirects import next_url
from hagen_zuhause.roles import Role


def _back(appointment):
    if appointment.client_id:
        return reverse("cases:client_detail", args=[appointment.client_id]) + "#appointments"
    return reverse("cases:calendar")


def _visible_appointment(request, pk):
    queryset = Appointment.objects.visible_to(request.user).select_related("client", "offer")
    return get_object_or_404(queryset, pk=pk)


def _appointment_form_page(request, client, appointment):
    if request.method == "GET" and appointment.pk:
        log_access(request, AccessLog.Action.VIEW, appointment)

    def save(form):
        if appointment.pk:
            return services.appointment_update(
                appointment=form.instance, actor=request.user, version=form.cleaned_data["version"]
            )
        return services.appointment_create(appointment=form.instance, actor=request.user)

    return edit_page(
        request,
        AppointmentForm(request.POST or None, instance=appointment, user=request.user, client=client),
        save=save,
        template="cases/appointment_form.html",
        context={"client": client, "appointment": appointment, "cancel_url": _back(appointment)},
        success_url=_back,
        success_message=_("The appointment has been saved."),
        creating=appointment.pk is None,
    )


@permission_required("cases.add_appointment", raise_exception=True)
def appointment_create(request, pk):
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    return _appointment_form_page(request, client, Appointment(client=client, organisation_id=client.organisation_id))


@permission_required("cases.change_appointment", raise_exception=True)
def appointment_edit(request, pk):
    appointment = _visible_appointment(request, pk)
    if not appointment.is_planned:
        messages.warning(request, _("This appointment is done or cancelled and can no longer be changed."))
        return redirect(_back(appointment))
    return _appointment_form_page(request, appointment.client, appointment)


def _finish(request, pk, service, message):
    appointment = _visible_appointment(request, pk)
    try:
        service(appointment=appointment, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message % {"appointment": appointment})
    return redirect(next_url(request, _back(appointment)))


@require_POST
@permission_required("cases.change_appointment", raise_exception=True)
def appointment_done(request, pk):
    return _finish(request, pk, services.appointment_done, _("The appointment “%(appointment)s” took place."))


@require_POST
@permission_required("cases.change_appointment", raise_exception=True)
def appointment_cancel(request, pk):
    return _finish(request, pk, services.appointment_cancel, _("The appointment “%(appointment)s” is cancelled."))


# --- The week view ------------------------------------------------------------------------


FIRST_YEAR, LAST_YEAR = 1900, 2999


def monday_of(day):
    return day - timedelta(days=day.weekday())


def _week_start(request):
    """The Monday of the week asked for (``?week=YYYY-MM-DD``, any day of it); else this week's."""
    value = request.GET.get("week", "")
    if value:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
        # Far outside any case file: the links to the weeks around it could not even be computed.
        if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
            return monday_of(timezone.localdate()), _("The week could not be read; this week is shown.")
        return monday_of(day), ""
    return monday_of(timezone.localdate()), ""


def _selected_worker(request, workers):
    """Whose week: the user's own; the team lead may choose a colleague or the whole team ("team")."""
    value = request.GET.get("worker", "")
    if request.user.role != Role.TEAM_LEAD or not value:
        return request.user, ""
    if value == "team":
        return None, ""
    chosen = next((worker for worker in workers if str(worker.pk) == value), None)
    if chosen is None:
        return request.user, _("This colleague could not be found; your own week is shown.")
    return chosen, ""


def week_rows(user, first, *, worker):
    """The seven days from ``first`` with their appointments and legal deadlines (two queries)."""
    last = first + timedelta(days=6)
    appointments = Appointment.objects.visible_to(user).between(first, last)
    deadlines = Task.objects.visible_to(user).open().filter(kind__in=LEGAL_DEADLINE_KINDS, due_on__range=(first, last))
    if worker is not None and worker.pk == user.pk:
        # "My week" includes the week of a colleague the user stands in for (Vertretung).
        appointments = appointments.in_care_of(worker)
        deadlines = deadlines.in_care_of(worker)
    elif worker is not None:
        appointments = appointments.of_worker(worker)
        deadlines = deadlines.assigned_to(worker)
    appointments = (
        appointments.annotate(client_read_only=read_only_client())
        .select_related("client", "offer", "worker")
        .order_by("date", "start_time", "id")
    )
    deadlines = (
        deadlines.annotate(client_read_only=read_only_client())
        .select_related("client", "assignee")
        .order_by("due_on", "id")
    )
    days = [{"date": first + timedelta(days=offset), "appointments": [], "deadlines": []} for offset in range(7)]
    for appointment in appointments:
        days[(appointment.date - first).days]["appointments"].append(appointment)
    for task in deadlines:
        days[(task.due_on - first).days]["deadlines"].append(task)
    return days


@permission_required("cases.view_appointment", raise_exception=True)
def calendar_week(request):
    """The week (Monday to Sunday) of the user's appointments and legal deadlines; the team lead's team."""
    user = request.user
    is_team_lead = user.role == Role.TEAM_LEAD
    workers = list(assignable_users(user).order_by("last_name", "first_name", "pk")) if is_team_lead else []
    first, week_problem = _week_start(request)
    worker, worker_problem = _selected_worker(request, workers)
    for problem in (week_problem, worker_problem):
        if problem:
            messages.warning(request, problem)
    days = week_rows(user, first, worker=worker)
    shown = {
        record.client_id for day in days for record in (*day["appointments"], *day["deadlines"]) if record.client_id
    }
    who = _("Whole team") if worker is None else (_("My week") if worker == user else str(worker))
    log_list_view(request, _("Calendar"), shown=len(shown), filters=[who, first.strftime("%d.%m.%Y")])
    worker_param = "" if worker == user else ("team" if worker is None else str(worker.pk))
    feed = CalendarFeed.objects.filter(user=user).first()
    return render(
        request,
        "cases/calendar_week.html",
        {
            "days": days,
            "first": first,
            "last": first + timedelta(days=6),
            "previous_week": first - timedelta(days=7),
            "next_week": first + timedelta(days=7),
            "this_week": monday_of(timezone.localdate()),
            "today": timezone.localdate(),
            "is_team_lead": is_team_lead,
            "workers": workers,
            "worker": worker,
            "worker_param": worker_param,
            "show_worker": worker is None or worker != user,
            "feed": feed,
        },
    )


# --- The calendar subscription ------------------------------------------------------------


@require_POST
@permission_required("cases.view_appointment", raise_exception=True)
def calendar_feed_renew(request):
    """Make a new secret subscription address and show it once; an earlier address stops working."""
    token = services.calendar_feed_renew(user=request.user)
    feed_url = request.build_absolute_uri(reverse("cases:calendar_feed", args=[token]))
    return render(request, "cases/calendar_feed.html", {"feed_url": feed_url})


@require_POST
@permission_required("cases.view_appointment", raise_exception=True)
def calendar_feed_revoke(request):
    """Switch the subscription off."""
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, _("The calendar subscription is switched off; its address no longer works."))
    return redirect("cases:calendar")


@login_not_required
@require_safe
def calendar_feed(request, token):
    """The subscription itself: no session (calendar clients have none), the secret address is the key.

    An unknown or revoked address is 404. Each fetch is in the access log, without the address.
    """
    user = services.calendar_feed_user(token)
    if user is None or not user.has_perm("cases.view_appointment"):
        raise Http404
    content, appointments, deadlines = build_feed(user)
    AccessLog.objects.create(
        organisation_id=user.organisation_id,
        user=user,
        actor=user.get_username(),
        action=AccessLog.Action.DOWNLOAD,
        detail="; ".join(
            part
            for part in (
                deputy_note(user),
                _("Calendar subscription fetched: %(appointments)s appointments, %(deadlines)s deadlines")
                % {"appointments": appointments, "deadlines": deadlines},
            )
            if part
        ),
        request_id=getattr(request, "request_id", ""),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="termine.ics"'
    return response
