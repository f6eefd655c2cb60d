"""The client page and the daily case work: cases, stays, contacts, tasks and notices.

Every view reaches records through ``visible_to``: a role without the permission gets 403, a
record outside the user's scope 404. Writes are POST, call one service and redirect.
"""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, OuterRef
from django.db.models.functions import Cast, JSONObject
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from cases import deadlines
from cases.codes import ContactTopic
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
    Case,
    Client,
    Contact,
    Document,
    Notice,
    Referral,
    TargetGroupMembership,
    Task,
)
from cases.services import cases as case_services
from cases.services import casework as services
from cases.services import notices as notice_services
from cases.views.clients import person_context
from hagen_zuhause import history
from hagen_zuhause.audit import log_access
from hagen_zuhause.models import AccessLog, User
from hagen_zuhause.pagination import LimitedCountMixin
from hagen_zuhause.roles import Role

CONTACTS_PER_PAGE = 50


def _visible_client(request, pk):
    return get_object_or_404(Client.objects.visible_to(request.user), pk=pk)


def _log_view(request, record):
    """Opening a record's edit page shows its content: it counts as a view of the record."""
    if request.method == "GET" and record.pk:
        log_access(request, AccessLog.Action.VIEW, record)


def _add_service_error(form, error):
    """Show a service's ValidationError on the form (fields the form lacks become general errors)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _client_url(client, anchor=""):
    url = reverse("cases:client_detail", args=[client.pk])
    return f"{url}#{anchor}" if anchor else url


# --- The client page ----------------------------------------------------------------------


#: Never read into the page, not even folded into JSON.
_NEVER_READ = {"password"}


def _json_values(model, prefix=""):
    values = {}
    for field in model._meta.concrete_fields:
        if field.attname in _NEVER_READ:
            continue
        expression = F(prefix + field.attname)
        if isinstance(field, models.DecimalField):
            expression = Cast(expression, models.CharField())  # exact, not via a JSON float
        values[field.attname] = expression
    return values


def _json_rows(queryset, related=()):
    """The rows of ``queryset`` (with the ``related`` foreign keys) as one array of JSON objects.

    The client page shows many short lists (cases, stays, notices, target groups, tasks,
    referrals, documents, a page of contacts). Reading each list inside the client's own query,
    and back into model instances with ``_instances``, keeps the page at a fixed, small number
    of queries however much a file holds.
    """
    values = _json_values(queryset.model)
    for name in related:
        target = queryset.model._meta.get_field(name).related_model
        values[name] = JSONObject(**_json_values(target, prefix=f"{name}__"))
    return ArraySubquery(queryset.values(row=JSONObject(**values)))


def _instance(model, row):
    fields = [field for field in model._meta.concrete_fields if field.attname in row]
    return model.from_db(
        DEFAULT_DB_ALIAS, [field.attname for field in fields], [field.to_python(row[field.attname]) for field in fields]
    )


def _instances(model, rows, related=()):
    """Model instances (with their ``related`` objects) from the JSON rows of ``_json_rows``."""
    found = []
    for row in rows or []:
        instance = _instance(model, row)
        for name in related:
            target = model._meta.get_field(name).related_model
            data = row[name]
            setattr(instance, name, _instance(target, data) if data.get(target._meta.pk.attname) is not None else None)
        found.append(instance)
    return found


def _contacts_page_number(request):
    try:
        return max(1, int(request.GET.get("contacts_page", 1)))
    except ValueError:
        return 1


def _client_page_queryset(user, contacts_page=1):
    """Clients with everything their page shows, in one query."""
    of_client = {"client": OuterRef("pk")}
    offset = (contacts_page - 1) * CONTACTS_PER_PAGE
    contacts = Contact.objects.filter(**of_client).order_by("-date", "-id")[offset : offset + CONTACTS_PER_PAGE + 1]
    return (
        Client.objects.visible_to(user)
        .select_related("organisation")
        .annotate(
            case_rows=_json_rows(Case.objects.filter(**of_client).order_by("-opened_on", "-id")),
            stay_rows=_json_rows(AccommodationStay.objects.filter(**of_client).order_by("-start", "-id")),
            notice_rows=_json_rows(Notice.objects.filter(**of_client).order_by("-received_on", "-id")),
            membership_rows=_json_rows(TargetGroupMembership.objects.filter(**of_client).order_by("start", "id")),
            task_rows=_json_rows(Task.objects.filter(**of_client).open().order_by("due_on", "id"), ["assignee"]),
            referral_rows=_json_rows(
                Referral.objects.filter(**of_client).order_by("-referred_on", "-id"), ["partner", "worker"]
            ),
            document_rows=_json_rows(Document.objects.filter(**of_client).order_by("-uploaded_at"), ["uploaded_by"]),
            contact_rows=_json_rows(contacts, ["worker"]),
        )
    )


def _get_client_for_page(request, pk):
    client = get_object_or_404(_client_page_queryset(request.user, _contacts_page_number(request)), pk=pk)
    # The client belongs to the user's own organisation (visible_to): the navigation shows it.
    request.user.organisation = client.organisation
    return client


def _age(birth_date, on):
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _notices_with_deadlines(notices, today):
    for notice in notices:
        notice.schonfrist_end = deadlines.schonfrist_end(notice.served_on) if notice.served_on else None
        blocker = deadlines.schonfrist_blocker(notice, notices)
        notice.schonfrist_warning = notice_services.schonfrist_warning(notice, blocker) if blocker else ""
        notice.warning_current = bool(blocker) and notice.schonfrist_end >= today
    return notices


def _timeline(client, page_number):
    """One page of the contact timeline, newest first, without counting all contacts."""
    rows = _instances(Contact, client.contact_rows, ["worker"])
    labels = dict(ContactTopic.choices)
    for contact in rows:
        contact.topic_labels = [labels.get(topic, topic) for topic in contact.topics]
    return {
        "contacts": rows[:CONTACTS_PER_PAGE],
        "contacts_page": page_number,
        "contacts_older": page_number + 1 if len(rows) > CONTACTS_PER_PAGE else None,
        "contacts_newer": page_number - 1 if page_number > 1 else None,
    }


def _client_page_context(request, client, **extra):
    user = request.user
    today = timezone.localdate()
    cases = _instances(Case, client.case_rows)
    for case in cases:
        case.long_term_homeless = case.is_open and case.is_long_term_homeless(today)
    memberships = _instances(TargetGroupMembership, client.membership_rows)
    notices = _notices_with_deadlines(_instances(Notice, client.notice_rows), today)
    context = {
        "client": client,
        "today": today,
        "age": _age(client.birth_date, today) if client.birth_date else None,
        "cases": cases,
        "open_cases": [case for case in cases if case.is_open],
        "long_term_homeless": any(case.long_term_homeless for case in cases),
        "stays": _instances(AccommodationStay, client.stay_rows),
        "notices": notices,
        "notice_warnings": [notice for notice in notices if notice.warning_current],
        "memberships": memberships,
        "current_groups": [m for m in memberships if m.start <= today and (m.end is None or m.end >= today)],
        "tasks": _instances(Task, client.task_rows, ["assignee"]),
        "person": person_context(client, user),
        "referrals": _instances(Referral, client.referral_rows, ["partner", "worker"]),
        "documents": _instances(Document, client.document_rows, ["uploaded_by"]),
        "contact_form": ContactQuickForm(),
        "may_add_contact": user.has_perm("cases.add_contact"),
        **_timeline(client, _contacts_page_number(request)),
    }
    context.update(extra)
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

_HIDDEN_FIELDS = {"id", "client_id", "organisation_id", "search_text", "import_key", "token", "file", "created_at"}
_RESTRICTED_FIELDS = {("cases.Client", "health_notes")}


def _event_model(event):
    try:
        return apps.get_model(event.pgh_obj_model)
    except (LookupError, ValueError):
        return None


def _field(model, name):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _event_changes(event):
    """(column, before, after) of an event: the diff of a change, the values of a creation."""
    if event.pgh_diff:
        return [(name, before, after) for name, (before, after) in event.pgh_diff.items()]
    if event.pgh_label == "insert":
        return [(name, None, value) for name, value in (event.pgh_data or {}).items() if value not in (None, "", [])]
    return []


def _user_ids_in(events):
    """Who acted, and which users the changed records name (worker, assignee, ...)."""
    ids = {(event.pgh_context or {}).get("user") for event in events}
    for event in events:
        model = _event_model(event)
        for name, before, after in _event_changes(event):
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model is User:
                ids.update((before, after))
    return ids - {None}


def _readable(field, value, users_by_id):
    """A stored history value as people read it: names, labels for codes, German dates and amounts."""
    if value in (None, "", []):
        return "–"
    if field is not None and field.is_relation and field.related_model is User:
        return str(users_by_id.get(value, value))
    if field is not None and field.choices:
        labels = dict(field.flatchoices)
        if isinstance(value, list):
            return ", ".join(str(labels.get(item, item)) for item in value)
        return str(labels.get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField):
        return date_format(timezone.localtime(field.to_python(value)), "d.m.Y H:i")
    if isinstance(field, models.DateField):
        return date_format(field.to_python(value), "d.m.Y")
    if isinstance(field, models.DecimalField):
        return number_format(field.to_python(value), field.decimal_places, force_grouping=True)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


def _prepare_event(event, users_by_id):
    """Fill the event's diff for ``history.describe``: readable values in field order, restricted data masked."""
    model = _event_model(event)
    order = {field.attname: index for index, field in enumerate(model._meta.concrete_fields)} if model else {}
    readable = {}
    for name, before, after in sorted(_event_changes(event), key=lambda change: order.get(change[0], len(order))):
        if name in _HIDDEN_FIELDS:
            continue
        if (event.pgh_obj_model, name) in _RESTRICTED_FIELDS:
            readable[name] = (_("(protected)"), _("(protected)"))
        else:
            field = _field(model, name)
            readable[name] = (_readable(field, before, users_by_id), _readable(field, after, users_by_id))
    event.pgh_diff = readable
    return event


@permission_required("cases.view_client", raise_exception=True)
def client_history(request, pk):
    """Every change to the client and the records about them, newest first."""
    client = _visible_client(request, pk)
    # Read limit-first: the page's fifty events and their diffs, not the client's whole history. The
    # count stays exact; it reads the keys of this client's events only.
    events = history.events_referencing(client)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    events = list(page.object_list)
    users_by_id = {user.pk: user for user in User.objects.filter(pk__in=_user_ids_in(events))}
    rows = [
        {**history.describe(_prepare_event(event, users_by_id), users_by_id), "created": event.pgh_label == "insert"}
        for event in events
    ]
    log_access(request, AccessLog.Action.VIEW, client, detail="history")
    return render(request, "cases/client_history.html", {"client": client, "page_obj": page, "rows": rows})


# --- Cases --------------------------------------------------------------------------------


@permission_required("cases.add_case", raise_exception=True)
def case_open(request, pk):
    client = _visible_client(request, pk)
    form = CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            case_services.case_open(client=client, actor=request.user, **fields)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The case has been opened."))
            return redirect(_client_url(client, "cases"))
    return render(request, "cases/case_form.html", {"client": client, "form": form, "opening": True})


@permission_required("cases.change_case", raise_exception=True)
def case_edit(request, pk):
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("client"), pk=pk)
    _log_view(request, case)
    form = CaseEditForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_update(case=form.instance, actor=request.user, version=form.cleaned_data["version"])
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The case has been saved."))
            return redirect(_client_url(case.client, "cases"))
    return render(request, "cases/case_form.html", {"client": case.client, "case": case, "form": form})


@permission_required("cases.change_case", raise_exception=True)
def case_close(request, pk):
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("client"), pk=pk)
    if not case.is_open:
        messages.info(request, _("This case is already closed."))
        return redirect(_client_url(case.client, "cases"))
    form = CaseCloseForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            case_services.case_close(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The case has been closed."))
            return redirect(_client_url(case.client, "cases"))
    return render(request, "cases/case_close.html", {"client": case.client, "case": case, "form": form})


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
    form = StayForm(request.POST or None, instance=stay)
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_save(stay=form.instance, actor=request.user, version=form.cleaned_data["version"])
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The accommodation has been saved."))
            return redirect(_client_url(client, "stays"))
    return render(request, "cases/stay_form.html", {"client": client, "stay": stay, "form": form})


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
    form = ContactQuickForm(request.POST, instance=Contact(client=client))
    saved = False
    if form.is_valid():
        try:
            services.contact_create(contact=form.instance, actor=request.user)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            saved = True
    if saved and not request.htmx:
        messages.success(request, _("The contact has been saved."))
        return redirect(_client_url(client, "contacts"))
    if not request.htmx:
        return _render_client_page(request, _get_client_for_page(request, pk), contact_form=form)
    context = {
        "client": client,
        "contact_form": ContactQuickForm() if saved else form,
        "contact_saved": saved,
        "may_add_contact": True,
        **_timeline(_get_client_for_page(request, pk), 1),
    }
    return render(request, "cases/includes/contact_quick_response.html", context)


@permission_required("cases.change_contact", raise_exception=True)
def contact_edit(request, pk):
    contact = get_object_or_404(Contact.objects.visible_to(request.user).select_related("client", "worker"), pk=pk)
    if not services.may_change_contact(request.user, contact):
        raise PermissionDenied
    _log_view(request, contact)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=form.instance, actor=request.user, version=form.cleaned_data["version"])
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The contact has been saved."))
            return redirect(_client_url(contact.client, "contacts"))
    return render(request, "cases/contact_form.html", {"client": contact.client, "contact": contact, "form": form})


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
            tasks = tasks.assigned_to(self.request.user)
        return tasks.select_related("client", "assignee").order_by("due_on", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scope"] = self.get_scope()
        context["may_see_team"] = self.may_see_team()
        context["today"] = timezone.localdate()
        return context


def _task_form_page(request, client, task):
    _log_view(request, task)
    form = TaskForm(request.POST or None, instance=task, user=request.user, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_save(task=form.instance, actor=request.user, version=form.cleaned_data["version"])
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The task has been saved."))
            return redirect(_client_url(client, "tasks") if client else reverse("cases:task_list"))
    return render(request, "cases/task_form.html", {"client": client, "task": task, "form": form})


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
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = _client_url(task.client, "tasks") if task.client else reverse("cases:task_list")
    return redirect(target)


# --- Notices ------------------------------------------------------------------------------


def _notice_form_page(request, client, notice):
    _log_view(request, notice)
    form = NoticeForm(request.POST or None, instance=notice, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            saved = notice_services.notice_save(
                notice=form.instance, actor=request.user, version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("The notice has been saved; its deadlines are in the tasks."))
            notices = list(Notice.objects.filter(client=client))
            blocker = deadlines.schonfrist_blocker(saved, notices)
            if blocker:
                messages.warning(request, notice_services.schonfrist_warning(saved, blocker))
            return redirect(_client_url(client, "notices"))
    warning = ""
    if notice.pk and notice.served_on:
        blocker = deadlines.schonfrist_blocker(notice, list(Notice.objects.filter(client=client)))
        warning = notice_services.schonfrist_warning(notice, blocker) if blocker else ""
    return render(
        request,
        "cases/notice_form.html",
        {
            "client": client,
            "notice": notice,
            "form": form,
            "schonfrist_warning": warning,
            "schonfrist_end": deadlines.schonfrist_end(notice.served_on) if notice.served_on else None,
        },
    )


@permission_required("cases.add_notice", raise_exception=True)
def notice_create(request, pk):
    client = _visible_client(request, pk)
    return _notice_form_page(request, client, Notice(client=client))


@permission_required("cases.change_notice", raise_exception=True)
def notice_edit(request, pk):
    notice = get_object_or_404(Notice.objects.visible_to(request.user).select_related("client"), pk=pk)
    return _notice_form_page(request, notice.client, notice)
