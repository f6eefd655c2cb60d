"""Retention (Löschkonzept, docs/data-protection.md): anonymising clients whose period has ended.

A client is due when the organisation's ``retention_client_years`` have passed since the later of
the last case closed and the last contact (with neither: since the record was created), no case is
open, and the person neither lives in a senior shared flat, waits for a place nor is proposed for a
flat. Anonymising keeps what the statistics count — gender, nationality, birth year, target groups,
the dates and codes of cases, stays, contacts, placements — and removes or replaces every name,
other spelling, birth day and month, address, phone number, free text and document.

**The history forgets too.** The same fields are redacted in the pghistory event rows of those
records, and the access log's entries about them lose their free-text detail. Event tables and the
access log refuse UPDATE and DELETE to the application's role. The history is redacted by one database
function, :data:`HISTORY_FUNCTION`, owned by the owning role (SECURITY DEFINER) and generated from
``REDACTIONS``, which refuses every client not yet marked anonymised; both ``apply_retention`` and an
erasure on request (``cases.services.erasure``) call it. ``apply_retention`` still runs as the owning role
(``owner_connection``) for the access log, whose entries it redacts and deletes with the append-only
trigger named in ``pgtrigger.ignore`` (allowed only to members of the owning role,
``hagen_zuhause.database``); the command records its run (``JobRun``).

Clients are handled in batches, each in its own transaction that locks only the batch's clients: a
crash loses at most the batch in progress, which the next run does again (a client counts as done
only when ``anonymised_at`` is set, in the same transaction as everything else).
"""

from dataclasses import dataclass, field

import pgtrigger
from django.apps import apps
from django.db import connection, connections, transaction
from django.db.models import Case as SqlCase
from django.db.models import CharField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, ExtractYear, Lower
from django.db.models.sql import subqueries as sql
from django.utils import timezone
from django.utils.translation import gettext_lazy
from pghistory.models import Event as PghistoryEvent

from cases.models import Case, Client, Contact
from hagen_zuhause.audit import system_context
from hagen_zuhause.database import owner_connection
from hagen_zuhause.dates import local_midnight
from hagen_zuhause.models import AccessLog

#: What a required text field holds once its content is gone.
ANONYMISED = "[anonymisiert]"

#: Clients per transaction: short locks, flat memory.
BATCH_SIZE = 500

#: Access-log rows deleted per statement.
ACCESS_LOG_BATCH = 5000


@dataclass(frozen=True)
class Redaction:
    """The fields of one kind of record that anonymising empties or replaces, and how to find the records.

    ``paths`` lead from the record to its client (several: either end of a link counts). The same
    fields are redacted in the record's history (its pghistory event table), where the event model has
    them. ``category`` names the count the command prints.
    """

    model: str
    paths: tuple
    fields: dict
    category: str


def _client_fields():
    """The client's own fields (also in its history); the live row also gets its search key recomputed."""
    return {
        "first_name": "",
        "last_name": ANONYMISED,
        "reference": "",
        "phone": "",
        "postal_address": "",
        "health_notes": "",
        # The year of birth stays for the age bands; the day and month go.
        "birth_year_estimated": Coalesce(
            ExtractYear("birth_date"), F("birth_year_estimated"), output_field=IntegerField()
        ),
        "birth_date": None,
    }


#: Everything that anonymising changes, record kind by record kind (documents are deleted instead).
REDACTIONS = (
    Redaction("cases.Client", ("pk",), _client_fields(), "clients"),
    Redaction("cases.Document", ("client",), {"description": "", "original_name": ANONYMISED}, "documents"),
    Redaction("cases.ClientAlias", ("client",), {"first_name": "", "last_name": "", "note": ""}, "other_spellings"),
    Redaction("cases.HouseholdMember", ("client",), {"first_name": "", "last_name": ""}, "household_members"),
    Redaction("cases.Consent", ("client",), {"note": ""}, "consents"),
    Redaction("cases.ClientLink", ("client", "other"), {"note": ""}, "links"),
    Redaction("cases.AccommodationStay", ("client",), {"provider_name": ""}, "stays"),
    Redaction("cases.Contact", ("client",), {"note": "", "place": ""}, "contacts"),
    Redaction("cases.Task", ("client",), {"title": ANONYMISED, "note": ""}, "tasks"),
    Redaction("cases.Appointment", ("client",), {"place": "", "note": ""}, "appointments"),
    Redaction("cases.Notice", ("client",), {"note": "", "landlord_name": "", "court_file_number": ""}, "notices"),
    Redaction(
        "cases.Referral",
        ("client",),
        # A referral without consent keeps that it had a reason (a database constraint), not its words.
        {
            "note": "",
            "consent_override_reason": SqlCase(
                When(consent_override_reason="", then=Value("")), default=Value(ANONYMISED)
            ),
        },
        "referrals",
    ),
    Redaction("housing.HousingSearch", ("client",), {"note": ""}, "housing_searches"),
    Redaction("housing.Placement", ("client",), {"decline_note": ""}, "placements"),
    Redaction(
        "housing.PlacementStepRecord",
        ("placement__client",),
        # A skipped step keeps that it had a reason (a database constraint), not its words.
        {"note": SqlCase(When(skipped=True, then=Value(ANONYMISED)), default=Value(""))},
        "placements",
    ),
    Redaction("housing.FollowUp", ("placement__client",), {"note": ""}, "placements"),
    Redaction("housing.WaitingListEntry", ("client",), {"note": ""}, "waiting_list"),
)


#: Categories in the order the summary names them.
CATEGORIES = (
    ("clients", gettext_lazy("clients anonymised")),
    ("other_spellings", gettext_lazy("other spellings")),
    ("household_members", gettext_lazy("household members")),
    ("consents", gettext_lazy("consents")),
    ("links", gettext_lazy("links between records")),
    ("stays", gettext_lazy("accommodation stays")),
    ("contacts", gettext_lazy("contacts")),
    ("tasks", gettext_lazy("tasks")),
    ("appointments", gettext_lazy("appointments")),
    ("notices", gettext_lazy("notices")),
    ("referrals", gettext_lazy("referrals")),
    ("housing_searches", gettext_lazy("housing searches")),
    ("placements", gettext_lazy("placement records")),
    ("waiting_list", gettext_lazy("waiting-list entries")),
    ("documents", gettext_lazy("documents deleted")),
    ("history", gettext_lazy("history entries redacted")),
    ("access_log_redacted", gettext_lazy("access-log entries redacted")),
    ("access_log_deleted", gettext_lazy("old access-log entries deleted")),
)


@dataclass
class RetentionResult:
    """How many records of each category a run anonymised, deleted or redacted (or would have: dry run)."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(key for key, _label in CATEGORIES))

    def add(self, category, count):
        self.counts[category] = (self.counts[category] or 0) + count

    def summary(self, *, compact=False):
        """One line of counts per category, never a name; ``compact`` leaves out the categories at zero."""
        shown = [(key, label) for key, label in CATEGORIES if not compact or key == "clients" or self.counts[key]]
        return "; ".join(f"{label}: {self.counts[key] or 0}" for key, label in shown)


def years_before(day, years):
    """The same calendar day ``years`` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def client_cutoff(organisation, today=None):
    """The day before which a client's last activity must lie for the client to be due."""
    return years_before(today or timezone.localdate(), organisation.retention_client_years)


def access_log_cutoff(organisation, today=None):
    """Access-log entries from before this moment are deleted."""
    day = years_before(today or timezone.localdate(), organisation.retention_access_log_years)
    return local_midnight(day)


def due_clients(organisation, today=None):
    """The organisation's clients whose retention period has ended and who are not anonymised yet.

    Due: no restriction of processing; no open case; the last case closed and the last contact both
    before the cutoff (without any case or contact: created before it); no appointment on or after the
    cutoff; no accommodation stay, senior-flat residency, waiting-list entry or placement that is still
    current or ended after it.
    """
    cutoff = client_cutoff(organisation, today)
    client = OuterRef("pk")
    residency = apps.get_model("housing", "SeniorFlatResidency")
    waiting = apps.get_model("housing", "WaitingListEntry")
    placement = apps.get_model("housing", "Placement")
    stay = apps.get_model("cases", "AccommodationStay")
    appointment = apps.get_model("cases", "Appointment")
    restriction = apps.get_model("cases", "ProcessingRestriction")
    recent = (
        # A restriction of processing (Art. 18 GDPR) keeps the data as they are until it is lifted.
        restriction.objects.filter(client=client, lifted_at__isnull=True),
        Case.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=cutoff), client=client),
        Contact.objects.filter(client=client, date__gte=cutoff),
        appointment.objects.filter(client=client, date__gte=cutoff),
        stay.objects.filter(Q(end__isnull=True) | Q(end__gte=cutoff), client=client),
        residency.objects.filter(Q(move_out__isnull=True) | Q(move_out__gte=cutoff), client=client),
        waiting.objects.filter(Q(removed_on__isnull=True) | Q(removed_on__gte=cutoff), client=client),
        placement.objects.filter(client=client).filter(
            Q(step_changed_on__gte=cutoff) | ~Q(step__in=["moved_in", "declined"])
        ),
    )
    queryset = Client.objects.filter(organisation=organisation).not_anonymised()
    for records in recent:
        queryset = queryset.filter(~Exists(records))
    any_activity = Exists(Case.objects.filter(client=client)) | Exists(Contact.objects.filter(client=client))
    return queryset.filter(any_activity | Q(created_at__lt=local_midnight(cutoff)))


def apply_retention(*, organisation, dry_run=False, today=None, batch_size=BATCH_SIZE):
    """Anonymise the organisation's due clients and delete its old access-log entries; returns the counts.

    With ``dry_run`` nothing changes (it runs as the application's role and only counts). Otherwise it
    switches to the owning role; it must not be called inside a transaction.
    """
    result = RetentionResult()
    if dry_run:
        last = 0
        while ids := _next_batch(organisation, today, last, batch_size, lock=False):
            _anonymise(ids, organisation, result, dry_run=True)
            last = ids[-1]
        result.add("access_log_deleted", _old_access_log(organisation, today).count())
        return result
    with owner_connection(), pgtrigger.ignore(*_append_only_triggers()):
        last = 0
        while True:
            with transaction.atomic(), system_context("apply_retention", organisation):
                ids = _next_batch(organisation, today, last, batch_size, lock=True)
                if not ids:
                    break
                _anonymise(ids, organisation, result, dry_run=False)
            last = ids[-1]
        result.add("access_log_deleted", _delete_old_access_log(organisation, today))
    return result


def _next_batch(organisation, today, after, size, *, lock):
    queryset = due_clients(organisation, today).filter(pk__gt=after).order_by("pk")
    if lock:
        # Another process (a second run, an edit) holding a client: skip it now, the next run takes it.
        queryset = queryset.select_for_update(of=("self",), skip_locked=True)
    return list(queryset.values_list("pk", flat=True)[:size])


def _anonymise(ids, organisation, result, *, dry_run):
    """Anonymise the clients ``ids`` (one batch, in the caller's transaction): access log, records, history.

    The history rows are counted before the records change, so that a dry run counts the same rows as a
    real run; the real run then redacts them with the database function that an erasure on request uses
    too (:data:`HISTORY_FUNCTION`), once the clients are marked anonymised. It also redacts the events
    that the changes themselves added (the client's update, a document's deletion).
    """
    _redact_access_log(ids, organisation, result, dry_run=dry_run)
    _count_history(ids, result)
    _redact_records(ids, result, dry_run=dry_run)
    if not dry_run:
        _redact_history_in_database(ids)


def _redact_access_log(ids, organisation, result, *, dry_run):
    # The access log first: it finds a document's entries through the document, which goes at the end.
    for redaction in REDACTIONS:
        model = apps.get_model(redaction.model)
        # The records' keys read first and given as a list: the access log's index of records
        # (organisation, type, key) then finds their entries whatever the planner believes about the
        # log's size. As a subquery, a log that had grown since it was last analysed was joined row by row
        # (about 6 s per batch of 500 clients, docs/decisions.md).
        keys = [str(pk) for pk in _records(redaction, ids).values_list("pk", flat=True)]
        about = AccessLog.objects.filter(
            organisation=organisation, object_type=model._meta.label_lower, object_id__in=keys
        ).exclude(detail="")
        result.add("access_log_redacted", about.count() if dry_run else about.update(detail=""))


def _count_history(ids, result):
    """Count the history rows of the clients ``ids`` that hold what anonymising redacts."""
    for redaction in REDACTIONS:
        event_model = _event_model(apps.get_model(redaction.model))
        result.add("history", event_model.objects.filter(_history_condition(redaction, event_model, ids)).count())


def _event_values(redaction, event_model):
    """The redaction's values for the fields that ``event_model`` records."""
    names = {f.name for f in event_model._meta.concrete_fields}
    return {name: value for name, value in redaction.fields.items() if name in names}


def _redact_records(ids, result, *, dry_run):
    """Empty or replace the fields of the clients ``ids`` and of their records; mark them anonymised."""
    now = timezone.now()
    for redaction in REDACTIONS:
        records = _records(redaction, ids)
        values = dict(redaction.fields)
        if redaction.category == "clients":
            values.update(search_text=Lower("case_number"), anonymised_at=Value(now))
        count = records.count() if dry_run else records.update(**values)
        if redaction.category == "documents":
            # Redacted first, so that the deletion's history event holds no file name either.
            count = count if dry_run else _delete_documents(records)
        result.add(redaction.category, count)


def _records(redaction, ids):
    model = apps.get_model(redaction.model)
    condition = Q()
    for path in redaction.paths:
        condition |= Q(**{f"{path}__in": ids})
    return model._base_manager.filter(condition)


def _history_condition(redaction, event_model, ids):
    """The event rows of the batch's records, also of records deleted since (the event keeps the client)."""
    condition = Q()
    for path in redaction.paths:
        if path == "pk":
            condition |= Q(pgh_obj__in=ids)
        elif "__" in path:
            # Through a parent record (a placement's steps): find the parent in its own history.
            parent, rest = path.split("__", 1)
            parent_model = event_model._meta.get_field(parent).related_model
            parents = _event_model(parent_model).objects.filter(**{f"{rest}__in": ids}).values("pgh_obj_id")
            condition |= Q(**{f"{parent}__in": parents})
        else:
            condition |= Q(**{f"{path}__in": ids})
    return condition


def _delete_documents(records):
    """Delete the files from storage, then the rows; a crash in between leaves rows the next run deletes."""
    count = 0
    for document in records.select_for_update().only("pk", "file").iterator():
        if document.file.name:
            document.file.storage.delete(document.file.name)
        count += 1
    records.delete()
    return count


def _old_access_log(organisation, today):
    return AccessLog.objects.filter(organisation=organisation, at__lt=access_log_cutoff(organisation, today))


def _delete_old_access_log(organisation, today):
    """Delete the expired access-log entries in short transactions (as the owning role)."""
    deleted = 0
    queryset = _old_access_log(organisation, today)
    while True:
        with transaction.atomic():
            ids = list(queryset.values_list("pk", flat=True)[:ACCESS_LOG_BATCH])
            if not ids:
                return deleted
            deleted += AccessLog.objects.filter(pk__in=ids).delete()[0]


def _event_model(model):
    """The pghistory event model that records ``model``'s history."""
    for candidate in apps.get_models():
        if issubclass(candidate, PghistoryEvent) and getattr(candidate, "pgh_tracked_model", None) is model:
            return candidate
    raise LookupError(model._meta.label)


def _append_only_triggers():
    """The triggers that keep the history and the access log append-only, as pgtrigger names them."""
    uris = [f"{_event_model(apps.get_model(r.model))._meta.label}:append_only" for r in REDACTIONS]
    return sorted({*uris, "hagen_zuhause.AccessLog:append_only"})


# --- The history of clients anonymised on request ------------------------------------------------
#
# Erasure on request (cases.services.erasure) runs as the application's role, which may not change the
# history. It anonymises the live records as ``apply_retention`` does (``_redact_records``) and then has
# the history redacted by a SECURITY DEFINER function that the owning role installs after every migrate
# (``install_history_function``): the same fields of the same event rows (built from ``REDACTIONS``),
# and the access log's free-text detail about those records; ``apply_retention`` calls it too. The
# function refuses any client that is not marked anonymised, so the application's role cannot use it to
# rewrite anyone else's history.

#: The database function, owned by the owning role; the application's role may only EXECUTE it.
HISTORY_FUNCTION = "hz_redact_client_history"


def anonymise_clients_now(*, ids):
    """Anonymise the clients ``ids`` at once, as the application's role, history included.

    In the caller's transaction. Returns a :class:`RetentionResult` with the counts.
    """
    result = RetentionResult()
    ids = list(ids)
    _redact_records(ids, result, dry_run=False)
    result.add("history", _redact_history_in_database(ids))
    return result


def _redact_history_in_database(ids):
    """Redact the history of the clients ``ids``, already marked anonymised; returns the rows changed."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {HISTORY_FUNCTION}(%s::bigint[])", [list(ids)])
        return cursor.fetchone()[0]


def _update_statement(queryset, values, using):
    """The SQL of ``queryset.update(**values)``, its parameters written in as literals."""
    query = queryset.query.chain(sql.UpdateQuery)
    query.add_update_values(values)
    compiler = query.get_compiler(using=using)
    compiler.pre_sql_setup()
    statement, params = compiler.as_sql()
    with connections[using].cursor() as cursor:
        return cursor.mogrify(statement, params).decode()


def history_function_sql(using="default"):
    """The CREATE FUNCTION statement of :data:`HISTORY_FUNCTION`, generated from ``REDACTIONS``."""
    clients = RawSQL("SELECT unnest(p_clients)", ())
    statements = []
    for redaction in REDACTIONS:
        event_model = _event_model(apps.get_model(redaction.model))
        condition = _history_condition(redaction, event_model, clients)
        events = event_model.objects.filter(condition)
        statements.append((_update_statement(events, _event_values(redaction, event_model), using), True))
        # The access-log entries about any record the client ever had (found through its history).
        keys = events.annotate(key=Cast("pgh_obj_id", CharField())).values("key")
        about = AccessLog.objects.filter(
            # The organisation first: the access log's index of records starts with it.
            organisation__in=Client.objects.filter(pk__in=clients).values("organisation"),
            object_type=apps.get_model(redaction.model)._meta.label_lower,
            object_id__in=Subquery(keys),
        ).exclude(detail="")
        statements.append((_update_statement(about, {"detail": ""}, using), False))
    ignore = "{" + ",".join(_append_only_pgids()) + "}"
    # Counted: the history rows; the access log's entries are redacted alongside, not counted.
    body = "\n".join(
        f"    {statement};\n    GET DIAGNOSTICS changed = ROW_COUNT;\n    redacted := redacted + changed;"
        if counted
        else f"    {statement};"
        for statement, counted in statements
    )
    client_table = Client._meta.db_table
    return f"""
CREATE OR REPLACE FUNCTION {HISTORY_FUNCTION}(p_clients bigint[]) RETURNS integer AS $function$
-- Generated by cases.services.retention.history_function_sql from REDACTIONS; installed by migrate.
DECLARE
    redacted integer := 0;
    changed integer;
    saved text := current_setting('pgtrigger.ignore', true);
BEGIN
    IF EXISTS (SELECT 1 FROM unnest(p_clients) AS wanted(id)
               WHERE NOT EXISTS (SELECT 1 FROM {client_table} AS client
                                 WHERE client.id = wanted.id AND client.anonymised_at IS NOT NULL)) THEN
        RAISE EXCEPTION 'Nur der Verlauf anonymisierter Klient*innen kann geschwärzt werden.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('pgtrigger.ignore', '{ignore}', true);
{body}
    PERFORM set_config('pgtrigger.ignore', saved, true);
    RETURN redacted;
END;
$function$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION {HISTORY_FUNCTION}(bigint[]) FROM PUBLIC;
"""


def install_history_function(connection, application_role):
    """Install :data:`HISTORY_FUNCTION` as the owning role; only ``application_role`` may call it."""
    with connection.cursor() as cursor:
        cursor.execute(history_function_sql(connection.alias))
        if application_role:
            role = connection.ops.quote_name(application_role)
            cursor.execute(f"GRANT EXECUTE ON FUNCTION {HISTORY_FUNCTION}(bigint[]) TO {role}")


def _append_only_pgids():
    """The database names of the append-only triggers the function passes (the owner's switch)."""
    return sorted(trigger.get_pgid(model) for model, trigger in pgtrigger.registered(*_append_only_triggers()))
