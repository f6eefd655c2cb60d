"""Contacts files: checking the rows, recognising contacts already imported by their import key, and
the import service that records each contact for a worker and the case open on its date.
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.imports.reading import CONTACT_COLUMNS, CONTACT_REQUIRED, name_columns_as_written, read_table_with_headers
from cases.imports.results import BATCH_SIZE, FieldProblem, FileProblem, ImportReport, Kind, Problem, _refused
from cases.imports.values import _RowChecker, _sort_problems, parse_code, parse_date, parse_duration, parse_text
from cases.models import Case, Client, Contact
from hagen_zuhause import codes
from hagen_zuhause.models import User
from hagen_zuhause.roles import Role


@dataclass(frozen=True)
class ContactRow:
    line: int
    client_reference: str
    date: date
    contact_type: str
    duration_minutes: int | None
    note: str

    def identity(self):
        """The row's content as it enters the import key (dates normalised to ISO)."""
        duration = "" if self.duration_minutes is None else str(self.duration_minutes)
        return "|".join([self.client_reference, self.date.isoformat(), self.contact_type, duration, self.note])


def import_key(identity, occurrence):
    """A stable key of a contact row: the same row of the same file always gives the same key.

    ``occurrence`` counts identical rows within one file (two equal phone calls on one day are
    two contacts), so that a re-import recognises each of them.
    """
    return hashlib.sha256(f"{identity}|{occurrence}".encode()).hexdigest()


def check_contact_row(line, row, *, today):
    """A ContactRow, or the list of this row's problems (pure: no database)."""
    check = _RowChecker(line, row)
    reference = check.value("client_reference", parse_text, max_length=60, required=True)
    day = check.value("date", _required(parse_date), today=today)
    contact_type = check.value("type", parse_code, choices=codes.ContactType)
    duration = check.value("duration_minutes", parse_duration)
    note = row.get("note", "").strip()
    if check.problems:
        return check.problems
    return ContactRow(line, reference, day, contact_type, duration, note)


def _required(parse):
    def parse_required(value, **kwargs):
        if not value:
            raise FieldProblem(_("This field must not be empty."))
        return parse(value, **kwargs)

    return parse_required


@dataclass
class _ContactPlan:
    rows: list
    keys: dict
    clients: dict


def validate_contacts(*, organisation, data, today=None):
    """Read and check a contacts file against the organisation's clients; writes nothing."""
    today = today or timezone.localdate()
    report = ImportReport(kind=Kind.CONTACTS)
    plan = _ContactPlan(rows=[], keys={}, clients={})
    try:
        table, report.problems, headers = read_table_with_headers(data, CONTACT_COLUMNS, CONTACT_REQUIRED)
    except FileProblem as error:
        report.problems, report.fatal = [error.problem], True
        return report, plan
    report.rows = len(table)
    references = sorted({" ".join(row.get("client_reference", "").split()) for _line, row in table} - {""})
    plan.clients = _clients_by_reference(organisation, references)
    bad_lines = {problem.line for problem in report.problems}
    occurrences = Counter()
    keyed = []
    for line, row in table:
        result = check_contact_row(line, row, today=today)
        problems = result if isinstance(result, list) else []
        reference = " ".join(row.get("client_reference", "").split())
        if reference and reference not in plan.clients:
            problems.append(
                Problem(
                    line,
                    "client_reference",
                    _("There is no client with the reference “%(value)s”.") % {"value": reference},
                )
            )
        if problems:
            report.problems.extend(problems)
            continue
        identity = result.identity()
        key = import_key(identity, occurrences[identity])
        occurrences[identity] += 1
        if line not in bad_lines:
            keyed.append((result, key))

    present = _existing_import_keys(
        [plan.clients[row.client_reference] for row, _key in keyed], [key for _row, key in keyed]
    )
    for row, key in keyed:
        if (plan.clients[row.client_reference], key) in present:
            report.existing += 1
        else:
            plan.rows.append(row)
            plan.keys[row.line] = key
    report.created = len(plan.rows)
    _sort_problems(report.problems, CONTACT_COLUMNS)
    report.problems = name_columns_as_written(report.problems, headers)
    return report, plan


def _clients_by_reference(organisation, references):
    found = {}
    for start in range(0, len(references), 5000):
        chunk = references[start : start + 5000]
        found.update(
            Client.objects.filter(organisation=organisation, reference__in=chunk).values_list("reference", "pk")
        )
    return found


def _existing_import_keys(client_ids, keys):
    present = set()
    for start in range(0, len(keys), 5000):
        present.update(
            Contact.objects.filter(
                client_id__in=set(client_ids[start : start + 5000]), import_key__in=keys[start : start + 5000]
            ).values_list("client_id", "import_key")
        )
    return present


def import_contacts(*, organisation, data, actor=None, worker=None, skip_invalid=False, today=None):
    """Import a contacts file (DESIGN §5): all valid rows in one transaction, or nothing.

    The worker of an imported contact is ``worker`` when given, else the client's assigned
    worker, else ``actor`` (the importing team lead), else a team lead of the organisation.
    Each contact is linked to the client's case that was open on its date, if there is one.
    """
    today = today or timezone.localdate()
    report, plan = validate_contacts(organisation=organisation, data=data, today=today)
    fallback = None
    if report.can_apply(skip_invalid) and plan.rows and worker is None:
        fallback = actor or default_worker(organisation)
        if fallback is None:
            report.fatal = True
            report.problems.append(
                Problem(None, "", _("The organisation has no user account to record the contacts for."))
            )
    if not report.can_apply(skip_invalid):
        report.created = 0
        return report
    try:
        with transaction.atomic():
            _create_contacts(plan, worker=worker, fallback=fallback)
    except DatabaseError:
        return _refused(report)
    report.applied = True
    return report


def default_worker(organisation):
    """Who records imported contacts when nobody else is known: a team lead, else a social worker."""
    users = User.objects.filter(organisation=organisation, is_active=True).order_by("pk")
    return users.with_role(Role.TEAM_LEAD).first() or users.with_role(Role.SOCIAL_WORKER).first()


def _create_contacts(plan, *, worker, fallback):
    client_ids = set(plan.clients.values())
    assigned = {}
    if worker is None:
        through = Client.assigned_workers.through
        for client_id, user_id in (
            through.objects.filter(client_id__in=client_ids, user__is_active=True)
            .order_by("-pk")
            .values_list("client_id", "user_id")
        ):
            assigned[client_id] = user_id
    cases = defaultdict(list)
    for case in (
        Case.objects.filter(client_id__in=client_ids)
        .order_by("opened_on", "pk")
        .only("pk", "client_id", "opened_on", "closed_on")
    ):
        cases[case.client_id].append(case)
    contacts = []
    for row in sorted(plan.rows, key=lambda row: row.line):
        client_id = plan.clients[row.client_reference]
        contacts.append(
            Contact(
                client_id=client_id,
                case_id=_case_on(cases[client_id], row.date),
                date=row.date,
                contact_type=row.contact_type,
                duration_minutes=row.duration_minutes,
                note=row.note,
                worker_id=worker.pk if worker else assigned.get(client_id, fallback.pk),
                import_key=plan.keys[row.line],
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)


def _case_on(cases, day):
    """The case of the client that was open on the day (the latest opened), else None."""
    found = None
    for case in cases:
        if case.opened_on <= day and (case.closed_on is None or case.closed_on >= day):
            found = case.pk
    return found
