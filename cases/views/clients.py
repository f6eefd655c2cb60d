"""Client area: the list with fuzzy search, intake with duplicate hints, personal data, target groups,
consents and links between records of the same person.

Every record is reached through ``visible_to(request.user)``: another office's client, or a
restricted one the user may not see, answers 404. State changes call one service in
``cases.services.clients`` and redirect.
"""

import hashlib
from datetime import timedelta

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from cases.duplicates import duplicate_candidates, search_clients
from cases.filters import ClientFilterSet
from cases.forms.clients import (
    ClientForm,
    ClientIntakeForm,
    ClientLinkForm,
    ConsentForm,
    ConsentWithdrawForm,
    TargetGroupJoinForm,
    TargetGroupLeaveForm,
    alias_formset,
    formset_rows,
    household_formset,
)
from cases.models import Case, Client, ClientLink, Consent, DuplicateDecision, TargetGroupMembership, Task
from cases.services import clients as services
from hagen_zuhause import codes, submit_once
from hagen_zuhause.audit import clients_in, log_access, log_list_view, search_description
from hagen_zuhause.countries import LANGUAGES
from hagen_zuhause.editing import edit_page
from hagen_zuhause.functions import NameKey
from hagen_zuhause.models import AccessLog, User
from hagen_zuhause.names import name_key
from hagen_zuhause.pagination import LimitedCountMixin, with_rows_found

_DUPLICATE_HINT = "duplicate hint"


def _visible_client(user, pk):
    return get_object_or_404(Client.objects.visible_to(user), pk=pk)


def german_name_order():
    """Order by last and first name with Ä next to A and ß as ss (the database collation is C)."""
    return [NameKey("last_name"), NameKey("first_name"), "pk"]


# --- List --------------------------------------------------------------------------------


class ClientListView(LimitedCountMixin, PermissionRequiredMixin, ListView):
    """All clients the user may see, searchable (names, other spellings, case numbers) and filterable."""

    permission_required = "cases.view_client"
    template_name = "cases/client_list.html"
    context_object_name = "clients"
    paginate_by = 25
    #: "More than 1,000 clients found" beyond this: counting all 100,000 cost more than the page itself.
    count_limit = 1000

    def get_queryset(self):
        user = self.request.user
        today = timezone.localdate()
        # Clients whose processing is restricted (Art. 18 GDPR) are listed to the team lead only.
        listed = Client.objects.visible_to(user).listed_for(user)
        self.filterset = ClientFilterSet(self.request.GET or None, queryset=listed, user=user)
        ordering = german_name_order()
        found = self.filterset.qs
        if self.filterset.searching:
            ordering = [F("relevance").desc(), *ordering]
            # Sorted by relevance, the search reads every match before the first page: it counts them too.
            found = with_rows_found(found)
        next_tasks = Task.objects.filter(client=OuterRef("pk")).open().order_by("due_on", "pk")
        groups = TargetGroupMembership.objects.filter(client=OuterRef("pk")).current(today).order_by("group")
        open_cases = Case.objects.filter(client=OuterRef("pk")).open().order_by("opened_on", "pk")
        return (
            found.with_latin_alias()
            .annotate(
                next_task_due=Subquery(next_tasks.values("due_on")[:1]),
                next_task_title=Subquery(next_tasks.values("title")[:1]),
                current_groups=ArraySubquery(groups.values("group")),
                open_case_types=ArraySubquery(open_cases.values("case_type")),
            )
            .prefetch_related(Prefetch("assigned_workers", queryset=User.objects.order_by("last_name", "first_name")))
            .order_by(*ordering)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["today"] = timezone.localdate()
        group_labels, case_labels = dict(codes.TargetGroup.choices), dict(codes.CaseType.choices)
        for client in context["clients"]:
            client.group_labels = [group_labels.get(group, group) for group in client.current_groups]
            client.case_labels = [case_labels.get(case_type, case_type) for case_type in client.open_case_types]
        log_list_view(
            self.request,
            _("Client list"),
            shown=len(context["clients"]),
            filterset=self.filterset,
            page_number=context["page_obj"].number,
        )
        return context


# --- Intake ------------------------------------------------------------------------------


def _say_already_taken_in(request, client):
    """A repeated intake: name the record the first submit saved (when the user may see it)."""
    if client is None:
        messages.info(request, _("This intake has already been saved."))
        return
    messages.info(
        request,
        _(
            "%(name)s has already been taken in with this form (case number %(number)s). No second record "
            "has been created: this is the record saved then."
        )
        % {"name": client.full_name, "number": client.case_number},
    )


def _client_of_url(user, url):
    """The client a guarded intake form led to (its ``result_url``), when the user may see it."""
    try:
        pk = resolve(url).kwargs.get("pk")
    except Resolver404:
        return None
    return Client.objects.visible_to(user).filter(pk=pk).first() if pk else None


def _check_signature(cleaned_data):
    """What the duplicate check looked at; "save anyway" counts only for these same values."""
    key = name_key(f"{cleaned_data.get('first_name', '')} {cleaned_data.get('last_name', '')}")
    parts = [key, str(cleaned_data.get("birth_date") or ""), str(cleaned_data.get("birth_year_estimated") or "")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _candidates_for(user, cleaned_data):
    return duplicate_candidates(
        user,
        cleaned_data.get("first_name", ""),
        cleaned_data.get("last_name", ""),
        birth_date=cleaned_data.get("birth_date"),
        birth_year=cleaned_data.get("birth_year_estimated"),
    )


def _log_hints(request, candidates):
    for candidate in candidates:
        log_access(request, AccessLog.Action.VIEW, candidate, detail=_DUPLICATE_HINT)


def _shown_ids(request, candidates):
    """The records the hint step showed (sent back with the form), else those found now."""
    if not candidates:
        return []
    return _posted_candidate_ids(request) or [candidate.pk for candidate in candidates]


def _posted_candidate_ids(request):
    """The candidate ids the hint step showed, limited to records the user may see."""
    ids = {int(value) for value in request.POST.getlist("candidate") if value.isdigit()}
    if not ids:
        return []
    return list(Client.objects.visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True))


@permission_required("cases.add_client", raise_exception=True)
def client_create(request):
    """Intake: the form in fieldsets, duplicate hints before saving, then the new record with its case."""
    user = request.user
    if request.method == "POST" and request.htmx and request.POST.get("hint_only"):
        return _live_hint(request)
    HouseholdFormSet = household_formset(extra=3, can_delete=False)
    AliasFormSet = alias_formset(extra=2, can_delete=False)
    candidates, confirm_value = [], ""
    if request.method == "POST":
        form = ClientIntakeForm(request.POST, user=user)
        household = HouseholdFormSet(request.POST, instance=Client(), prefix="household")
        aliases = AliasFormSet(request.POST, instance=Client(), prefix="aliases")
        token = submit_once.posted_token(request)
        earlier = submit_once.earlier(request, token)
        used_for = _client_of_url(user, earlier.result_url) if earlier else None
        if earlier and earlier.saved:
            _say_already_taken_in(request, used_for)
            return redirect(earlier.result_url)
        if earlier is not None:
            # Back from the existing record to the hints: nothing was saved; the entries stay, and
            # saving them as a new person is a fresh decision (the page's new token; the hints come again).
            opened = (
                _(
                    "From this form you had opened the existing record of %(name)s (case number %(number)s), "
                    "so nothing has been saved. If this is a different person, check the entries and save again."
                )
                % {"name": used_for.full_name, "number": used_for.case_number}
                if used_for is not None
                else _("Nothing has been saved from this form. Please check the entries and save again.")
            )
            form.add_error(None, opened)
        elif form.is_valid() and household.is_valid() and aliases.is_valid():
            candidates = _candidates_for(user, form.cleaned_data)
            signature = _check_signature(form.cleaned_data)
            confirmed = request.POST.get("confirm_new") == signature
            if candidates and not confirmed:
                _log_hints(request, candidates)
                confirm_value = signature
            else:
                try:
                    with transaction.atomic():
                        claimed = submit_once.claim(request, token)
                        client = services.client_intake(
                            organisation=user.organisation,
                            actor=user,
                            client_fields=form.client_fields(),
                            case_type=form.cleaned_data["case_type"],
                            case_fields=form.case_fields(),
                            aliases=[row for row in formset_rows(aliases, services.ALIAS_FIELDS) if not row["delete"]],
                            household=[
                                row for row in formset_rows(household, services.HOUSEHOLD_FIELDS) if not row["delete"]
                            ],
                            target_groups=form.cleaned_data["target_groups"],
                            consent=form.consent(),
                            candidates_shown=_shown_ids(request, candidates),
                        )
                        submit_once.record(claimed, reverse("cases:client_detail", args=[client.pk]))
                except submit_once.AlreadySaved as done:
                    _say_already_taken_in(request, _client_of_url(user, done.url))
                    return redirect(done.url)
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    messages.success(
                        request,
                        _("%(name)s has been taken in with case number %(number)s.")
                        % {"name": client.full_name, "number": client.case_number},
                    )
                    return redirect("cases:client_detail", pk=client.pk)
    else:
        form = ClientIntakeForm(user=user)
        household = HouseholdFormSet(instance=Client(), prefix="household")
        aliases = AliasFormSet(instance=Client(), prefix="aliases")
    return render(
        request,
        "cases/client_form.html",
        {
            "form": form,
            "household_formset": household,
            "alias_formset": aliases,
            "candidates": candidates,
            "confirm_value": confirm_value,
            submit_once.FIELD: submit_once.new_token(request),
        },
    )


def _live_hint(request):
    """htmx: the duplicate hint while typing (the saving step shows them again with choices)."""
    data = request.POST
    form = ClientIntakeForm(data, user=request.user)
    form.is_valid()
    birth_date = form.cleaned_data.get("birth_date") if "birth_date" not in form.errors else None
    year = form.cleaned_data.get("birth_year_estimated") if "birth_year_estimated" not in form.errors else None
    candidates = duplicate_candidates(
        request.user, data.get("first_name", ""), data.get("last_name", ""), birth_date=birth_date, birth_year=year
    )
    _log_hints(request, candidates)
    return TemplateResponse(request, "cases/includes/client_live_hint.html", {"candidates": candidates})


@require_POST
@permission_required(("cases.view_client", "cases.add_duplicatedecision"), raise_exception=True)
def client_open_existing(request, pk):
    """The worker recognised the person among the hints: record the decision and open that record."""
    client = _visible_client(request.user, pk)
    token = submit_once.posted_token(request)
    url = reverse("cases:client_detail", args=[client.pk])
    if not submit_once.earlier_result(request, token):
        # Opening the existing record ends the intake: a late "save" of the same form saves nothing.
        try:
            with transaction.atomic():
                claimed = submit_once.claim(request, token)
                shown = set(_posted_candidate_ids(request)) | {client.pk}
                services.duplicate_decision_record(
                    actor=request.user,
                    decision=DuplicateDecision.Choice.OPENED_EXISTING,
                    client=client,
                    candidates=shown,
                )
                submit_once.record(claimed, url, saved=False)
        except (submit_once.AlreadySaved, ValidationError):
            pass
    return redirect(url)


# --- Personal data -----------------------------------------------------------------------


def _personal_data_forms(client, data=None):
    """The personal-data form with its formsets of other spellings and household members."""
    HouseholdFormSet = household_formset(extra=1, can_delete=True)
    AliasFormSet = alias_formset(extra=1, can_delete=True)
    return (
        ClientForm(data, instance=client),
        HouseholdFormSet(data, instance=client, prefix="household"),
        AliasFormSet(data, instance=client, prefix="aliases"),
    )


@permission_required(("cases.view_client", "cases.change_client"), raise_exception=True)
def client_edit(request, pk):
    """Personal data, other spellings and household; refuses to overwrite someone else's newer save."""
    user = request.user
    client = _visible_client(user, pk)
    posted = request.POST if request.method == "POST" else None
    form, household, aliases = _personal_data_forms(client, posted)
    if posted is None:
        log_access(request, AccessLog.Action.VIEW, client)

    def save(form):
        return services.client_edit(
            client=client,
            actor=user,
            version=form.cleaned_data["version"],
            fields=form.client_fields(),
            aliases=formset_rows(aliases, services.ALIAS_FIELDS),
            household=formset_rows(household, services.HOUSEHOLD_FIELDS),
        )

    def hidden_now(saved):
        # The worker set a restriction notice on a record they are not assigned to.
        return not Client.objects.visible_to(user).filter(pk=saved.pk).exists()

    def say_if_hidden(saved):
        if hidden_now(saved):
            messages.info(
                request, _("The record is restricted now: only its assigned workers and the team lead can open it.")
            )

    def page_context():
        if posted is None:
            return {"client": client, "household_formset": household, "alias_formset": aliases}
        # The form's checks filled ``client`` with the entries; the heading shows the stored record.
        stored = Client.objects.get(pk=client.pk)
        if not form.has_error(NON_FIELD_ERRORS, services.ClientChangedError.CODE):
            return {"client": stored, "household_formset": household, "alias_formset": aliases}
        # Someone saved in between: the page shows what differs, and the worker's entries stay in
        # forms of the newer version (shown instead of the refused ones: the context's "form" wins),
        # so that saving again knowingly replaces the newer state.
        data = posted.copy()
        data["version"] = services.client_version(stored)
        again, again_household, again_aliases = _personal_data_forms(stored, data)
        return {
            "client": stored,
            "form": again,
            "household_formset": again_household,
            "alias_formset": again_aliases,
            "conflict": _conflict(stored, form),
        }

    return edit_page(
        request,
        form,
        save=save,
        is_valid=lambda: form.is_valid() and household.is_valid() and aliases.is_valid(),
        template="cases/client_edit.html",
        context=page_context,
        success_url=lambda saved: "cases:client_list" if hidden_now(saved) else saved,
        success_message=_("The personal data has been saved."),
        after_save=say_if_hidden,
    )


def _conflict(stored, form):
    """Who saved last, and which of the worker's entries differ from what is stored now."""
    differences = []
    for name, value in form.client_fields().items():
        current = getattr(stored, name)
        if current != value:
            field = Client._meta.get_field(name)
            shown = getattr(stored, f"get_{name}_display")() if field.choices else current
            differences.append({"label": form.fields[name].label, "stored": _display(shown)})
    last = _last_change(stored)
    return {"differences": differences, **last}


def _display(value):
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def _last_change(client):
    """The newest history event of the client, its other spellings or its household."""
    events = []
    for model_name, lookup in [
        ("ClientEvent", {"pgh_obj_id": client.pk}),
        ("ClientAliasEvent", {"client_id": client.pk}),
        ("HouseholdMemberEvent", {"client_id": client.pk}),
    ]:
        model = apps.get_model("cases", model_name)
        event = model.objects.filter(**lookup).select_related("pgh_context").order_by("-pgh_created_at").first()
        if event is not None:
            events.append(event)
    if not events:
        return {"changed_at": None, "changed_by": ""}
    event = max(events, key=lambda item: item.pgh_created_at)
    metadata = event.pgh_context.metadata if event.pgh_context else {}
    user = User.objects.filter(pk=metadata.get("user")).first() if metadata.get("user") else None
    return {"changed_at": event.pgh_created_at, "changed_by": str(user) if user else metadata.get("actor", "")}


# --- Target groups -----------------------------------------------------------------------


@permission_required(("cases.view_client", "cases.view_targetgroupmembership"), raise_exception=True)
def client_target_groups(request, pk):
    """The client's target-group memberships: add one from a date, end one on a date."""
    user = request.user
    client = _visible_client(user, pk)
    join_form = TargetGroupJoinForm()
    leave_forms = {}
    if request.method == "POST":
        if not user.has_perms(["cases.add_targetgroupmembership", "cases.change_targetgroupmembership"]):
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "join":
            form = join_form = TargetGroupJoinForm(request.POST)
            message, error_field = _("The target group has been added."), None

            def save(form):
                data = form.cleaned_data
                return services.target_group_join(client=client, group=data["group"], start=data["start"])

        elif action == "leave":
            membership = get_object_or_404(
                TargetGroupMembership.objects.filter(client=client), pk=_int_or_none(request.POST.get("membership"))
            )
            form = leave_forms[membership.pk] = TargetGroupLeaveForm(request.POST, prefix=f"leave-{membership.pk}")
            message, error_field = _("The membership has been ended."), "end"

            def save(form):
                return services.target_group_leave(membership=membership, end=form.cleaned_data["end"])

        else:
            return HttpResponseBadRequest()
    else:
        log_access(request, AccessLog.Action.VIEW, client)
        form, save, message, error_field = join_form, None, "", None
    return edit_page(
        request,
        form,
        save=save,
        template="cases/client_target_groups.html",
        context=lambda: {"client": client, "rows": _membership_rows(client, leave_forms), "join_form": join_form},
        success_url=lambda _membership: reverse("cases:client_target_groups", args=[client.pk]),
        success_message=message,
        error_field=error_field,
    )


def _membership_rows(client, leave_forms):
    """The client's memberships, newest first, each with the form that ends it (the one sent, if any)."""
    today = timezone.localdate()
    return [
        {
            "membership": membership,
            "current": membership.start <= today and (membership.end is None or membership.end >= today),
            "leave_form": leave_forms.get(membership.pk) or TargetGroupLeaveForm(prefix=f"leave-{membership.pk}"),
        }
        for membership in client.target_group_memberships.order_by("-start", "group")
    ]


def _int_or_none(value):
    return int(value) if value and str(value).isdigit() else None


# --- Consents ----------------------------------------------------------------------------


@permission_required(("cases.view_client", "cases.add_consent"), raise_exception=True)
def consent_create(request, pk):
    """Record a consent of the client."""
    user = request.user
    client = _visible_client(user, pk)
    if request.method == "GET":
        log_access(request, AccessLog.Action.VIEW, client)
    return edit_page(
        request,
        ConsentForm(request.POST or None, user=user),
        save=lambda form: services.consent_record(client=client, actor=user, **form.cleaned_data),
        template="cases/consent_form.html",
        context={"client": client},
        success_url=lambda _consent: reverse("cases:client_detail", args=[client.pk]),
        success_message=_("The consent has been recorded."),
        creating=True,
    )


@require_POST
@permission_required(("cases.view_client", "cases.change_consent"), raise_exception=True)
def consent_withdraw(request, pk, consent_pk):
    """Record that the client withdrew a consent."""
    user = request.user
    client = _visible_client(user, pk)
    consent = get_object_or_404(Consent.objects.visible_to(user).filter(client=client), pk=consent_pk)
    form = ConsentWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.consent_withdraw(consent=consent, actor=user, withdrawn_on=form.cleaned_data["withdrawn_on"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The withdrawal of the consent has been recorded."))
    else:
        messages.error(request, _("Please enter a valid date of withdrawal (not in the future)."))
    return redirect("cases:client_detail", pk=client.pk)


# --- Links between records ---------------------------------------------------------------


def _links_of(client, user):
    """Links of the client in both directions whose other record the user may see."""
    visible = Client.objects.visible_to(user).values("pk")
    return ClientLink.objects.filter(
        Q(client=client, other__in=visible) | Q(other=client, client__in=visible)
    ).select_related("client", "other", "linked_by")


@permission_required(("cases.view_client", "cases.add_clientlink"), raise_exception=True)
def client_link(request, pk):
    """Search a record of the same person and link it (records are linked, never merged)."""
    user = request.user
    client = _visible_client(user, pk)
    if request.method == "POST":
        form = ClientLinkForm(request.POST, user=user, client=client)
        if form.is_valid():
            try:
                services.client_link(
                    client=client, other=form.cleaned_data["other"], actor=user, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The records have been linked."))
                return redirect("cases:client_detail", pk=client.pk)
        else:
            messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("cases:client_link", pk=client.pk)
    log_access(request, AccessLog.Action.VIEW, client)
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        found = search_clients(Client.objects.visible_to(user).exclude(pk=client.pk), query)
        results = list(found.order_by(F("relevance").desc(), *german_name_order())[:20])
        log_list_view(request, _("Link records"), shown=len(results), filters=[search_description(query)])
    linked = set()
    for link in _links_of(client, user):
        linked.add(link.other_id if link.client_id == client.pk else link.client_id)
    for result in results:
        result.already_linked = result.pk in linked
    return render(request, "cases/client_link.html", {"client": client, "query": query, "results": results})


@require_POST
@permission_required(("cases.view_client", "cases.delete_clientlink"), raise_exception=True)
def client_unlink(request, pk, link_pk):
    """Undo a link; the change history keeps both the link and its removal."""
    user = request.user
    client = _visible_client(user, pk)
    link = get_object_or_404(_links_of(client, user), pk=link_pk)
    services.client_unlink(link=link, actor=user)
    messages.success(request, _("The link has been removed."))
    return redirect("cases:client_detail", pk=client.pk)


# --- The person block of the client page -------------------------------------------------


def _consent_status(consent, today):
    if consent.withdrawn_on is not None and consent.withdrawn_on <= today:
        return "withdrawn"
    if consent.expires_on is not None and consent.expires_on < today:
        return "expired"
    if consent.given_on > today:
        return "future"
    return "valid"


def person_context(client, user):
    """What templates/cases/includes/client_person.html shows of a client (five queries, four on the client page).

    Personal data without health notes, other spellings, household, target groups (current,
    upcoming, past), consents with their status, and links to records the user may see.
    """
    today = timezone.localdate()
    # Newest first, then by group; the client page has read them already (prefetched), other callers read them here.
    memberships = sorted(client.target_group_memberships.all(), key=lambda m: (-m.start.toordinal(), m.group))
    consents = list(
        Consent.objects.visible_to(user).filter(client=client).select_related("partner").order_by("-given_on", "-pk")
    )
    for consent in consents:
        consent.status = _consent_status(consent, today)
    links = [
        {"link": link, "other": link.other if link.client_id == client.pk else link.client}
        for link in _links_of(client, user).order_by("linked_at", "pk")
    ]
    language_names = dict(LANGUAGES)
    return {
        "today": today,
        "languages": [language_names.get(code, code) for code in client.languages],
        "aliases": list(client.aliases.order_by("pk")),
        "household": list(client.household_members.order_by("pk")),
        "current_groups": [m for m in memberships if m.start <= today and (m.end is None or m.end >= today)],
        "upcoming_groups": [m for m in memberships if m.start > today],
        "past_groups": [m for m in memberships if m.end is not None and m.end < today],
        "consents": consents,
        "links": links,
    }


# --- Consents ending ----------------------------------------------------------------------


class ConsentEndingListView(PermissionRequiredMixin, ListView):
    """The team's consents that end within the next days or ended recently: renew them in time.

    After its end a consent no longer covers referrals (``cases.services.referrals``); the list shows
    the consents of every client the user may see, soonest first.
    """

    permission_required = "cases.view_consent"
    template_name = "cases/consent_ending_list.html"
    paginate_by = 50
    #: How far ahead and back the list looks.
    DAYS = 30

    def get_queryset(self):
        today = timezone.localdate()
        return (
            Consent.objects.visible_to(self.request.user)
            .filter(client__anonymised_at__isnull=True)
            .ending_between(today - timedelta(days=self.DAYS), today + timedelta(days=self.DAYS))
            .select_related("client", "partner")
            .order_by("expires_on", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        context["days"] = self.DAYS
        log_list_view(
            self.request,
            _("Consents ending"),
            shown=clients_in(context["object_list"]),
            page_number=context["page_obj"].number,
        )
        return context
