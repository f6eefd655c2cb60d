"""The client page and the daily case work: cases, stays, contacts, tasks and notices.

Every view reaches records through ``visible_to``: a role without the permission gets 403, a
record outside the user's scope 404. Writes are POST, call one service and redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from cases import data_export, deadlines
from cases.forms.casework import (
    CaseCloseForm,
    CaseEditForm,
    CaseOpenForm,
    ContactForm,
    ContactQuickForm,
    NoticeForm,
    StayForm,
    TaskForm,
)
from cases.models import (
    AccommodationStay,
    Appointment,
    Case,
    Client,
    Contact,
    Document,
    ErasureRequest,
    Notice,
    ProcessingRestriction,
    Referral,
    TargetGroupMembership,
    Task,
    latin_alias_of,
    read_only_client,
)
from cases.services import cases as case_services
from cases.services import casework as services
from cases.services import notices as notice_services
from cases.views.clients import person_context
from hagen_zuhause import history, submit_once
from hagen_zuhause.audit import clients_in, log_access, log_list_view
from hagen_zuhause.codes import CaseType, ContactTopic, ContactType
from hagen_zuhause.editing import add_service_error, edit_page
from hagen_zuhause.history_rows import describe_events
from hagen_zuhause.models import AccessLog
from hagen_zuhause.pagination import LimitedCountMixin, page_number
from hagen_zuhause.redirects import next_url
from hagen_zuhause.roles import Role

CONTACTS_PER_PAGE = 50


def _visible_client(request, pk):
    return get_object_or_404(Client.objects.visible_to(request.user), pk=pk)


def _log_view(request, record):
    """Opening a record's edit page shows its content: it counts as a view of the record."""
    if request.method == "GET" and record.pk:
        log_access(request, AccessLog.Action.VIEW, record)


def _client_url(client, anchor=""):
    url = reverse("cases:client_detail", args=[client.pk])
    return f"{url}#{anchor}" if anchor else url


# --- The client page ----------------------------------------------------------------------


def _contacts_page_number(request):
    return page_number(request.GET.get("contacts_page"))


def _client_page_queryset(user):
    """Clients with the lists their page shows: one query per list, however long the lists are."""
    return (
        Client.objects.visible_to(user)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("cases", queryset=Case.objects.order_by("-opened_on", "-id")),
            Prefetch("accommodation_stays", queryset=AccommodationStay.objects.order_by("-start", "-id")),
            Prefetch("notices", queryset=Notice.objects.order_by("-received_on", "-id")),
            Prefetch("target_group_memberships", queryset=TargetGroupMembership.objects.order_by("start", "id")),
            Prefetch(
                "tasks",
                queryset=Task.objects.open().select_related("assignee").order_by("due_on", "id"),
                to_attr="open_tasks",
            ),
            Prefetch(
                "appointments",
                queryset=Appointment.objects.planned().select_related("worker").order_by("date", "start_time", "id"),
                to_attr="planned_appointments",
            ),
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("partner", "worker").order_by("-referred_on", "-id"),
            ),
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by").order_by("-uploaded_at")),
        )
    )


def _get_client_for_page(request, pk):
    client = get_object_or_404(_client_page_queryset(request.user), pk=pk)
    # The client belongs to the user's own organisation (visible_to): the navigation shows it.
    request.user.organisation = client.organisation
    return client


def _age(birth_date, on):
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _schonfrist_dates(notice, state):
    """Set the end of the grace period and, if § 193 BGB moved it, the calendar day and why."""
    notice.schonfrist_end = notice.schonfrist_moved_from = None
    notice.schonfrist_moved_reason = ""
    if notice.served_on:
        notice.schonfrist_end = deadlines.schonfrist_end(notice.served_on, state=state)
        last_day = deadlines.schonfrist_last_calendar_day(notice.served_on)
        if last_day != notice.schonfrist_end:
            notice.schonfrist_moved_from = last_day
            notice.schonfrist_moved_reason = deadlines.public_holiday(last_day, state)
    return notice


def _notices_with_deadlines(notices, today, state):
    for notice in notices:
        _schonfrist_dates(notice, state)
        blocker = deadlines.schonfrist_blocker(notice, notices)
        notice.schonfrist_warning = notice_services.schonfrist_warning(notice, blocker) if blocker else ""
        notice.warning_current = bool(blocker) and notice.schonfrist_end >= today
    return notices


def _timeline(client, page_number):
    """One page of the contact timeline, newest first, without counting all contacts."""
    offset = (page_number - 1) * CONTACTS_PER_PAGE
    # One row more than a page tells whether there are older contacts.
    contacts = client.contacts.select_related("worker").order_by("-date", "-id")
    rows = list(contacts[offset : offset + CONTACTS_PER_PAGE + 1])
    # Labels looked up once per page: get_contact_type_display() evaluates every label of the field
    # (to hash them) on each call, fifty times per page.
    topics, types = dict(ContactTopic.choices), dict(ContactType.choices)
    for contact in rows:
        contact.type_label = types.get(contact.contact_type, contact.contact_type)
        contact.topic_labels = [topics.get(topic, topic) for topic in contact.topics]
    return {
        "contacts": rows[:CONTACTS_PER_PAGE],
        "contacts_page": page_number,
        "contacts_older": page_number + 1 if len(rows) > CONTACTS_PER_PAGE else None,
        "contacts_newer": page_number - 1 if page_number > 1 else None,
    }


def _client_page_context(request, client, **extra):
    user = request.user
    today = timezone.localdate()
    cases = list(client.cases.all())
    for case in cases:
        case.long_term_homeless = case.is_open and case.is_long_term_homeless(today)
    memberships = list(client.target_group_memberships.all())
    notices = _notices_with_deadlines(list(client.notices.all()), today, client.organisation.holiday_state)
    tasks = client.open_tasks
    deadlines_passed, deadlines_soon = deadlines.deadline_warnings(tasks, today)
    context = {
        "client": client,
        "today": today,
        "age": _age(client.birth_date, today) if client.birth_date else None,
        "cases": cases,
        "open_cases": [case for case in cases if case.is_open],
        "long_term_homeless": any(case.long_term_homeless for case in cases),
        "stays": list(client.accommodation_stays.all()),
        "notices": notices,
        "notice_warnings": [notice for notice in notices if notice.warning_current],
        "memberships": memberships,
        "current_groups": [m for m in memberships if m.start <= today and (m.end is None or m.end >= today)],
        "tasks": tasks,
        "deadlines_passed": deadlines_passed,
        "deadlines_soon": deadlines_soon,
        "warning_days": deadlines.WARNING_DAYS,
        "appointments": client.planned_appointments,
        "person": person_context(client, user),
        "referrals": list(client.referrals.all()),
        "documents": list(client.documents.all()),
        "contact_form": ContactQuickForm(client=client),
        submit_once.FIELD: submit_once.new_token(request),
        "may_add_contact": user.has_perm("cases.add_contact"),
        "may_export_data": data_export.may_export(user, client),
        **_data_subject_context(user, client),
        "export_sections": data_export.section_choices(),
        **_timeline(client, _contacts_page_number(request)),
    }
    context.update(extra)
    return context


def _data_subject_context(user, client):
    """The restriction of processing that is active, and the team lead's buttons (erasure, restriction)."""
    restrictions = ProcessingRestriction.objects.visible_to(user).active().select_related("restricted_by")
    restriction = restrictions.filter(client=client).first()
    # Read only (restricted processing, or anonymised): no edit actions; the services would refuse them.
    context = {"processing_restriction": restriction, "read_only": restriction is not None or client.anonymised_at}
    if context["read_only"]:
        context["may_add_contact"] = False
    if client.anonymised_at is not None:
        # Whether it was erased on request (a yes or no; who and why is on the request, for the team lead).
        confirmed = ErasureRequest.objects.filter(client=client, state=ErasureRequest.State.CONFIRMED)
        context["erased_on_request"] = confirmed.exists()
        return context
    context["may_restrict"] = restriction is None and user.has_perm("cases.add_processingrestriction")
    context["may_lift_restriction"] = restriction is not None and user.has_perm("cases.change_processingrestriction")
    if user.has_perm("cases.add_erasurerequest") and restriction is None:
        pending = ErasureRequest.objects.visible_to(user).pending().filter(client=client).first()
        context.update(pending_erasure=pending, may_request_erasure=pending is None)
    return context


def _render_client_page(request, client, **extra):
    log_access(request, AccessLog.Action.VIEW, client)
    return render(request, "cases/client_detail.html", _client_page_context(request, client, **extra))


@permission_required("cases.view_client", raise_exception=True)
def client_detail(request, pk):
    """The client page: person, cases, deadlines, tasks and the timeline of contacts."""
    return _render_client_page(request, _get_client_for_page(request, pk))


@permission_required("cases.view_client", raise_exception=True)
def client_health_notes(request, pk):
    """Health notes (Art. 9 GDPR): shown on request only, every view logged as restricted access."""
    if request.htmx:
        client = _visible_client(request, pk)
        log_access(request, AccessLog.Action.VIEW_RESTRICTED, client, detail="health notes")
        return render(request, "cases/includes/client_health.html", {"client": client, "show_health": True})
    client = _get_client_for_page(request, pk)
    log_access(request, AccessLog.Action.VIEW_RESTRICTED, client, detail="health notes")
    return _render_client_page(request, client, show_health=True)


# --- History ------------------------------------------------------------------------------


@permission_required("cases.view_client", raise_exception=True)
def client_history(request, pk):
    """Every change to the client and the records about them, newest first; health notes masked."""
    client = _visible_client(request, pk)
    # Read limit-first: the page's fifty events and their diffs, not the client's whole history. The
    # count stays exact; it reads the keys of this client's events only.
    events = history.events_referencing(client)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = describe_events(page.object_list, request.user)
    log_access(request, AccessLog.Action.VIEW, client, detail="history")
    return render(request, "cases/client_history.html", {"client": client, "page_obj": page, "rows": rows})


# --- Cases --------------------------------------------------------------------------------


@permission_required("cases.add_case", raise_exception=True)
def case_open(request, pk):
    client = _visible_client(request, pk)
    return edit_page(
        request,
        CaseOpenForm(request.POST or None),
        save=lambda form: case_services.case_open(client=client, actor=request.user, **form.cleaned_data),
        template="cases/case_form.html",
        context={"client": client, "opening": True},
        success_url=lambda _case: _client_url(client, "cases"),
        success_message=_("The case has been opened."),
        creating=True,
    )


@permission_required("cases.change_case", raise_exception=True)
def case_edit(request, pk):
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("client"), pk=pk)
    _log_view(request, case)
    return edit_page(
        request,
        CaseEditForm(request.POST or None, instance=case),
        save=lambda form: case_services.case_update(
            case=form.instance, actor=request.user, version=form.cleaned_data["version"]
        ),
        template="cases/case_form.html",
        context={"client": case.client, "case": case},
        success_url=lambda _case: _client_url(case.client, "cases"),
        success_message=_("The case has been saved."),
    )


@permission_required("cases.change_case", raise_exception=True)
def case_close(request, pk):
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("client"), pk=pk)
    if not case.is_open:
        messages.info(request, _("This case is already closed."))
        return redirect(_client_url(case.client, "cases"))
    return edit_page(
        request,
        CaseCloseForm(request.POST or None, case=case),
        save=lambda form: case_services.case_close(
            case=case,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            closed_on=form.cleaned_data["closed_on"],
        ),
        template="cases/case_close.html",
        context={
            "client": case.client,
            "case": case,
            # A prevention case that keeps the home counts the household as it is at closing (the report's
            # "homelessness prevented (persons)"): the form says how many that is now.
            "persons_counted": case.client.household_size if case.case_type == CaseType.PREVENTION else None,
        },
        success_url=lambda _case: _client_url(case.client, "cases"),
        success_message=_("The case has been closed."),
    )


@require_POST
@permission_required("cases.change_case", raise_exception=True)
def case_reopen(request, pk):
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("client"), pk=pk)
    try:
        case_services.case_reopen(case=case, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The case has been reopened."))
    return redirect(_client_url(case.client, "cases"))


# --- Accommodation stays ------------------------------------------------------------------


def _stay_form_page(request, client, stay):
    _log_view(request, stay)
    return edit_page(
        request,
        StayForm(request.POST or None, instance=stay),
        save=lambda form: services.stay_save(
            stay=form.instance, actor=request.user, version=form.cleaned_data["version"]
        ),
        template="cases/stay_form.html",
        context={"client": client, "stay": stay},
        success_url=lambda _stay: _client_url(client, "stays"),
        success_message=_("The accommodation has been saved."),
        creating=stay.pk is None,
    )


@permission_required("cases.add_accommodationstay", raise_exception=True)
def stay_create(request, pk):
    client = _visible_client(request, pk)
    return _stay_form_page(request, client, AccommodationStay(client=client))


@permission_required("cases.change_accommodationstay", raise_exception=True)
def stay_edit(request, pk):
    stay = get_object_or_404(AccommodationStay.objects.visible_to(request.user).select_related("client"), pk=pk)
    return _stay_form_page(request, stay.client, stay)


# --- Contacts -----------------------------------------------------------------------------


@require_POST
@permission_required("cases.add_contact", raise_exception=True)
def contact_create(request, pk):
    """The quick entry: htmx gets the fresh form and the updated timeline, a plain form a redirect."""
    client = _visible_client(request, pk)
    form = ContactQuickForm(request.POST, instance=Contact(client=client), client=client)
    token = submit_once.posted_token(request)
    # A repeat of a saved quick entry answers as the first one did.
    saved = submit_once.earlier_result(request, token) is not None
    if not saved and form.is_valid():
        try:
            with transaction.atomic():
                claimed = submit_once.claim(request, token)
                services.contact_create(contact=form.instance, actor=request.user)
                submit_once.record(claimed, _client_url(client, "contacts"))
        except submit_once.AlreadySaved:
            saved = True
        except ValidationError as error:
            add_service_error(form, error)
        else:
            saved = True
    if saved and not request.htmx:
        messages.success(request, _("The contact has been saved."))
        return redirect(_client_url(client, "contacts"))
    if not request.htmx:
        return _render_client_page(request, _get_client_for_page(request, pk), contact_form=form)
    context = {
        "client": client,
        "contact_form": ContactQuickForm(client=client) if saved else form,
        "contact_saved": saved,
        submit_once.FIELD: submit_once.new_token(request),
        "may_add_contact": True,
        **_timeline(client, 1),
    }
    return render(request, "cases/includes/contact_quick_response.html", context)


@permission_required("cases.change_contact", raise_exception=True)
def contact_edit(request, pk):
    contact = get_object_or_404(Contact.objects.visible_to(request.user).select_related("client", "worker"), pk=pk)
    if not services.may_change_contact(request.user, contact):
        raise PermissionDenied
    _log_view(request, contact)
    return edit_page(
        request,
        ContactForm(request.POST or None, instance=contact),
        save=lambda form: services.contact_update(
            contact=form.instance, actor=request.user, version=form.cleaned_data["version"]
        ),
        template="cases/contact_form.html",
        context={"client": contact.client, "contact": contact},
        success_url=lambda _contact: _client_url(contact.client, "contacts"),
        success_message=_("The contact has been saved."),
    )


# --- Tasks --------------------------------------------------------------------------------


class TaskListView(LimitedCountMixin, PermissionRequiredMixin, ListView):
    """My open follow-ups, overdue first; the team lead can switch to the whole team's."""

    permission_required = "cases.view_task"
    template_name = "cases/task_list.html"
    paginate_by = 50
    #: Ten pages are counted exactly. Counting further made PostgreSQL switch from reading each task's
    #: client by its key to hashing every client of the organisation (at 100,000 clients: 5 ms → 65 ms).
    count_limit = 500

    def may_see_team(self):
        return self.request.user.role == Role.TEAM_LEAD

    def get_scope(self):
        return "team" if self.may_see_team() and self.request.GET.get("scope") == "team" else "mine"

    def get_queryset(self):
        tasks = Task.objects.visible_to(self.request.user).open()
        if self.get_scope() == "mine":
            tasks = tasks.in_care_of(self.request.user)
        tasks = tasks.annotate(client_latin_alias=latin_alias_of("client"), client_read_only=read_only_client())
        return tasks.select_related("client", "assignee").order_by("due_on", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for task in context["object_list"]:
            if task.client_id:
                task.client.latin_alias = task.client_latin_alias
        context["scope"] = self.get_scope()
        context["may_see_team"] = self.may_see_team()
        context["today"] = timezone.localdate()
        log_list_view(
            self.request,
            _("Tasks"),
            shown=clients_in(context["object_list"]),
            filters=[_("Whole team") if context["scope"] == "team" else _("My tasks")],
            page_number=context["page_obj"].number,
        )
        return context


def _task_form_page(request, client, task):
    _log_view(request, task)
    return edit_page(
        request,
        TaskForm(request.POST or None, instance=task, user=request.user, client=client),
        save=lambda form: services.task_save(
            task=form.instance, actor=request.user, version=form.cleaned_data["version"]
        ),
        template="cases/task_form.html",
        context={"client": client, "task": task},
        success_url=lambda _task: _client_url(client, "tasks") if client else reverse("cases:task_list"),
        success_message=_("The task has been saved."),
        creating=task.pk is None,
    )


@permission_required("cases.add_task", raise_exception=True)
def task_create(request, pk):
    client = _visible_client(request, pk)
    return _task_form_page(request, client, Task(client=client, organisation_id=client.organisation_id))


@permission_required("cases.change_task", raise_exception=True)
def task_edit(request, pk):
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("client"), pk=pk)
    return _task_form_page(request, task.client, task)


@require_POST
@permission_required("cases.change_task", raise_exception=True)
def task_done(request, pk):
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("client"), pk=pk)
    services.task_done(task=task, actor=request.user)
    messages.success(request, _("The task “%(title)s” is done.") % {"title": task.title})
    default = _client_url(task.client, "tasks") if task.client else reverse("cases:task_list")
    return redirect(next_url(request, default))


# --- Notices ------------------------------------------------------------------------------


def _notice_form_page(request, client, notice):
    _log_view(request, notice)

    def warn_of_schonfrist(saved):
        blocker = deadlines.schonfrist_blocker(saved, list(Notice.objects.filter(client=client)))
        if blocker:
            messages.warning(request, notice_services.schonfrist_warning(saved, blocker))

    warning = ""
    if notice.pk and notice.served_on:
        blocker = deadlines.schonfrist_blocker(notice, list(Notice.objects.filter(client=client)))
        warning = notice_services.schonfrist_warning(notice, blocker) if blocker else ""
    return edit_page(
        request,
        NoticeForm(request.POST or None, instance=notice, client=client),
        save=lambda form: notice_services.notice_save(
            notice=form.instance, actor=request.user, version=form.cleaned_data["version"]
        ),
        template="cases/notice_form.html",
        context={
            "client": client,
            "notice": notice,
            "schonfrist_warning": warning,
            "schonfrist": _schonfrist_dates(notice, client.organisation.holiday_state),
        },
        success_url=lambda _notice: _client_url(client, "notices"),
        success_message=_("The notice has been saved; its deadlines are in the tasks."),
        after_save=warn_of_schonfrist,
        creating=notice.pk is None,
    )


@permission_required("cases.add_notice", raise_exception=True)
def notice_create(request, pk):
    client = _visible_client(request, pk)
    return _notice_form_page(request, client, Notice(client=client))


@permission_required("cases.change_notice", raise_exception=True)
def notice_edit(request, pk):
    notice = get_object_or_404(Notice.objects.visible_to(request.user).select_related("client"), pk=pk)
    return _notice_form_page(request, notice.client, notice)
