"""CSV imports of clients and contacts (DESIGN §5: the file format is a promise to users).

A file is read and checked completely before anything is written: every bad row is reported with
its line number as in the file (the header is line 1), the column and a German reason. Without
``skip_invalid`` one bad row means nothing is imported; with it the valid rows are imported and the
bad ones reported. Importing the same file again creates nothing new: clients are recognised by
their ``reference`` (old file number, unique per organisation), contacts by ``Contact.import_key``.
Everything a run writes happens in one transaction, with bulk inserts, so that 10,000 rows take
seconds and a refusal of the database at the very end still leaves nothing behind.

The pure functions (``read_table``, ``parse_date``, ``check_client_row`` …) know nothing of the
database; ``validate_*`` add what the database already holds, ``import_*`` are the services.
"""

import csv
import hashlib
import io
import re
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases import codes
from cases.countries import NATIONALITY_CHOICES, UNKNOWN
from cases.models import Case, Client, Contact, TargetGroupMembership
from cases.services.clients import next_case_numbers, search_text_for
from hagen_zuhause.models import User
from hagen_zuhause.roles import Role


class Kind(models.TextChoices):
    CLIENTS = "clients", gettext_lazy("Clients")
    CONTACTS = "contacts", gettext_lazy("Contacts")


CLIENT_COLUMNS = (
    "reference",
    "first_name",
    "last_name",
    "birth_date",
    "gender",
    "nationality",
    "target_groups",
    "intake_date",
    "case_type",
    "homeless_since",
)
CLIENT_REQUIRED = ("reference", "last_name")
CONTACT_COLUMNS = ("client_reference", "date", "type", "duration_minutes", "note")
CONTACT_REQUIRED = ("client_reference", "date", "type")

#: Larger files are refused by the web upload (a 10,000-row file is well under 1 MB).
MAX_FILE_SIZE = 20 * 1024 * 1024
BATCH_SIZE = 2000
EARLIEST_DATE = date(1900, 1, 1)
MAX_DURATION_MINUTES = 24 * 60

_NATIONALITY_CODES = frozenset(code for code, _label in NATIONALITY_CHOICES)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


# --- Results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why a row (or the whole file, ``line`` 1 or None) cannot be imported."""

    line: int | None
    column: str
    message: str

    def __str__(self):
        if self.line is None:
            return self.message
        if self.column:
            return _("Line %(line)s, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportReport:
    """What an import found and did; a preview is a report that was not applied."""

    kind: str
    rows: int = 0
    created: int = 0
    existing: int = 0
    problems: list = field(default_factory=list)
    #: The file as a whole cannot be imported (encoding, header, empty, database refusal).
    fatal: bool = False
    applied: bool = False

    @property
    def invalid(self):
        """Number of bad rows (a row with several problems counts once)."""
        return len({problem.line for problem in self.problems if problem.line and problem.line > 1})

    @property
    def invalid_lines(self):
        return sorted({problem.line for problem in self.problems if problem.line and problem.line > 1})

    def can_apply(self, skip_invalid):
        return not self.fatal and (skip_invalid or not self.problems)

    def summary(self):
        counts = {"created": self.created, "existing": self.existing, "invalid": self.invalid}
        if self.applied:
            return (
                _("Import finished: %(created)s created, %(existing)s already present, %(invalid)s invalid.") % counts
            )
        if self.fatal:
            return _("Import cancelled: the file cannot be imported. Nothing was imported.")
        return (
            ngettext(
                "Import cancelled: %(invalid)s invalid row, nothing was imported.",
                "Import cancelled: %(invalid)s invalid rows, nothing was imported.",
                self.invalid,
            )
            % counts
        )


class FileProblem(Exception):
    """The file as a whole cannot be read as an import file."""

    def __init__(self, message, line=None, column=""):
        super().__init__(message)
        self.problem = Problem(line, column, message)


class FieldProblem(ValueError):
    """One value cannot be used; the message says why, in German."""


# --- Reading the file ---------------------------------------------------------------------


def decode(data):
    """The file's text: UTF-8 with or without BOM; anything else is refused with advice."""
    if not data.strip(b" \t\r\n\x00") or data.strip(b" \t\r\n") == b"\xef\xbb\xbf":
        raise FileProblem(_("The file is empty."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(_("The file is not UTF-8 encoded. Please save it in Excel as 'CSV UTF-8'.")) from None
    if "\x00" in text:
        raise FileProblem(_("The file is not UTF-8 encoded. Please save it in Excel as 'CSV UTF-8'."))
    if not text.strip():
        raise FileProblem(_("The file is empty."))
    return text


def detect_delimiter(text):
    """``;`` (German Excel) or ``,``: whichever separates the header row more often."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return "," if header.count(",") > header.count(";") else ";"


def read_table(data, columns, required):
    """Rows of a CSV file as ``(line, {column: stripped value})``, checked against the allowed columns.

    Raises FileProblem when the file cannot be used at all; problems of single rows (too many
    fields) come back as a list beside the rows.
    """
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
    except StopIteration:
        raise FileProblem(_("The file is empty.")) from None
    except csv.Error:
        raise FileProblem(_("The header row cannot be read."), line=1) from None
    header_line = reader.line_num
    names = [cell.strip().strip("\ufeff").lower() for cell in header]
    _check_header(names, columns, required, header_line)

    rows, problems = [], []
    previous_end = header_line
    try:
        for cells in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            row, row_problems = _row_values(cells, names, line)
            rows.append((line, row))
            problems.extend(row_problems)
    except csv.Error:
        raise FileProblem(
            _("The file cannot be read from line %(line)s on (a quotation mark is not closed?).")
            % {"line": previous_end + 1},
            line=previous_end + 1,
        ) from None
    if not rows:
        raise FileProblem(_("The file contains only the header row and no data rows."), line=header_line)
    return rows, problems


def _check_header(names, columns, required, line):
    named = [name for name in names if name]
    unknown = [name for name in named if name not in columns]
    if unknown:
        raise FileProblem(
            ngettext(
                "Unknown column: %(columns)s. Allowed columns: %(allowed)s.",
                "Unknown columns: %(columns)s. Allowed columns: %(allowed)s.",
                len(unknown),
            )
            % {"columns": ", ".join(unknown), "allowed": ", ".join(columns)},
            line=line,
            column=", ".join(unknown),
        )
    duplicated = sorted(name for name, count in Counter(named).items() if count > 1)
    if duplicated:
        raise FileProblem(
            _("The header row names a column twice: %(columns)s.") % {"columns": ", ".join(duplicated)},
            line=line,
            column=", ".join(duplicated),
        )
    missing = [name for name in required if name not in named]
    if missing:
        raise FileProblem(
            ngettext(
                "Required column missing: %(columns)s.",
                "Required columns missing: %(columns)s.",
                len(missing),
            )
            % {"columns": ", ".join(missing)},
            line=line,
            column=", ".join(missing),
        )


def _row_values(cells, names, line):
    problems = []
    extra = [cell for cell in cells[len(names) :] if cell.strip()]
    if extra:
        problems.append(
            Problem(
                line,
                "",
                _(
                    "The row has more fields (%(found)s) than the header row (%(expected)s). "
                    "Does a value contain the separator without quotation marks?"
                )
                % {"found": len(cells), "expected": len(names)},
            )
        )
    row = {}
    for position, name in enumerate(names):
        value = cells[position].strip() if position < len(cells) else ""
        if not name:
            if value:
                problems.append(
                    Problem(
                        line,
                        "",
                        _("Field %(position)s has a value but its column has no heading.") % {"position": position + 1},
                    )
                )
            continue
        row[name] = value
    return row, problems


# --- Values -------------------------------------------------------------------------------


def parse_date(value, *, today=None, allow_future=False):
    """A date written ``YYYY-MM-DD`` or ``TT.MM.JJJJ``; impossible, too old and future dates are refused."""
    iso, german = _ISO_DATE.match(value), _GERMAN_DATE.match(value)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif german:
        day, month, year = (int(part) for part in german.groups())
    else:
        raise FieldProblem(_("“%(value)s” is not a date. Please write DD.MM.YYYY or YYYY-MM-DD.") % {"value": value})
    try:
        result = date(year, month, day)
    except ValueError:
        raise FieldProblem(_("The date %(value)s does not exist.") % {"value": value}) from None
    if result < EARLIEST_DATE:
        raise FieldProblem(_("The date %(value)s lies before 1900.") % {"value": value})
    if not allow_future and result > (today or timezone.localdate()):
        raise FieldProblem(_("The date %(value)s lies in the future.") % {"value": value})
    return result


def parse_code(value, choices, *, default=None):
    """One code of a TextChoices list (case-insensitive); empty gives ``default`` (or is refused)."""
    code = value.lower()
    if not code:
        if default is None:
            raise FieldProblem(_("This field must not be empty."))
        return default
    if code not in choices.values:
        raise FieldProblem(
            _("Unknown code “%(value)s”. Allowed: %(allowed)s.")
            % {"value": value, "allowed": ", ".join(choices.values)}
        )
    return code


def parse_nationality(value):
    if not value:
        return UNKNOWN
    code = value.lower() if value.lower() in ("unknown", "stateless") else value.upper()
    if code not in _NATIONALITY_CODES:
        raise FieldProblem(
            _(
                "Unknown nationality “%(value)s”. Allowed: two-letter ISO 3166 country codes "
                "(DE, BG, RO, TR, PL, SY, UA …), unknown or stateless."
            )
            % {"value": value}
        )
    return code


def parse_target_groups(value):
    groups = []
    for part in value.split("|"):
        code = part.strip().lower()
        if not code:
            continue
        if code not in codes.TargetGroup.values:
            raise FieldProblem(
                _("Unknown target group “%(value)s”. Allowed: %(allowed)s, separated by |.")
                % {"value": part.strip(), "allowed": ", ".join(codes.TargetGroup.values)}
            )
        if code not in groups:
            groups.append(code)
    return tuple(groups)


def parse_text(value, *, max_length, required=False):
    text = " ".join(value.split())
    if required and not text:
        raise FieldProblem(_("This field must not be empty."))
    if len(text) > max_length:
        raise FieldProblem(_("Too long: at most %(max)s characters.") % {"max": max_length})
    return text


def parse_duration(value):
    if not value:
        return None
    if not value.isdigit():
        raise FieldProblem(_("“%(value)s” is not a whole number of minutes.") % {"value": value})
    minutes = int(value)
    if minutes > MAX_DURATION_MINUTES:
        raise FieldProblem(_("At most %(max)s minutes (one day).") % {"max": MAX_DURATION_MINUTES})
    return minutes


def _sort_problems(problems, columns):
    """File order: by line, then by the column's place in the format."""
    problems.sort(
        key=lambda problem: (problem.line or 0, columns.index(problem.column) if problem.column in columns else -1)
    )


class _RowChecker:
    """Collects the problems of one row while its values are parsed column by column."""

    def __init__(self, line, row):
        self.line, self.row, self.problems = line, row, []

    def value(self, column, parse, **kwargs):
        try:
            return parse(self.row.get(column, ""), **kwargs)
        except FieldProblem as problem:
            self.problems.append(Problem(self.line, column, str(problem)))
            return None

    def problem(self, column, message):
        self.problems.append(Problem(self.line, column, message))


# --- Clients ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientRow:
    line: int
    reference: str
    first_name: str
    last_name: str
    birth_date: date | None
    gender: str
    nationality: str
    target_groups: tuple
    intake_date: date | None
    case_type: str
    homeless_since: date | None


def check_client_row(line, row, *, today):
    """A ClientRow, or the list of this row's problems (pure: no database)."""
    check = _RowChecker(line, row)
    reference = check.value("reference", parse_text, max_length=60, required=True)
    first_name = check.value("first_name", parse_text, max_length=120)
    last_name = check.value("last_name", parse_text, max_length=120, required=True)
    optional_date = _optional(parse_date)
    birth_date = check.value("birth_date", optional_date, today=today)
    gender = check.value("gender", parse_code, choices=codes.Gender, default=codes.Gender.UNKNOWN)
    nationality = check.value("nationality", parse_nationality)
    target_groups = check.value("target_groups", parse_target_groups)
    intake_date = check.value("intake_date", optional_date, today=today)
    case_type = check.value("case_type", parse_code, choices=codes.CaseType, default="")
    homeless_since = check.value("homeless_since", optional_date, today=today)

    if row.get("intake_date") and not row.get("case_type"):
        check.problem(
            "case_type", _("An intake date opens a case: please give the case type (prevention or provision).")
        )
    if row.get("homeless_since") and not row.get("case_type"):
        check.problem("homeless_since", _("“Homeless since” belongs to a case: please give the case type as well."))
    if homeless_since and intake_date and homeless_since > intake_date:
        check.problem("homeless_since", _("“Homeless since” lies after the intake date."))
    if birth_date and intake_date and birth_date > intake_date:
        check.problem("birth_date", _("The date of birth lies after the intake date."))
    if check.problems:
        return check.problems
    return ClientRow(
        line=line,
        reference=reference,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        gender=gender,
        nationality=nationality,
        target_groups=target_groups,
        intake_date=intake_date,
        case_type=case_type,
        homeless_since=homeless_since,
    )


def _optional(parse):
    def parse_optional(value, **kwargs):
        return parse(value, **kwargs) if value else None

    return parse_optional


def validate_clients(*, organisation, data, today=None):
    """Read and check a clients file against the organisation's records; writes nothing.

    Returns the report (counts as they would be) and the rows that would be created.
    """
    today = today or timezone.localdate()
    report = ImportReport(kind=Kind.CLIENTS)
    try:
        table, report.problems = read_table(data, CLIENT_COLUMNS, CLIENT_REQUIRED)
    except FileProblem as error:
        report.problems, report.fatal = [error.problem], True
        return report, []
    report.rows = len(table)
    bad_lines = {problem.line for problem in report.problems}
    checked, first_line = [], {}
    for line, row in table:
        result = check_client_row(line, row, today=today)
        problems = result if isinstance(result, list) else []
        reference = " ".join(row.get("reference", "").split())
        if reference in first_line:
            problems.append(
                Problem(
                    line,
                    "reference",
                    _("The reference “%(value)s” appears already in line %(line)s.")
                    % {"value": reference, "line": first_line[reference]},
                )
            )
        elif reference:
            first_line[reference] = line
        if problems:
            report.problems.extend(problems)
        elif line not in bad_lines:
            checked.append(result)

    present = _existing_references(organisation, [row.reference for row in checked])
    new_rows = [row for row in checked if row.reference not in present]
    report.existing = len(checked) - len(new_rows)
    report.created = len(new_rows)
    _sort_problems(report.problems, CLIENT_COLUMNS)
    return report, new_rows


def _existing_references(organisation, references):
    present = set()
    for start in range(0, len(references), 5000):
        chunk = references[start : start + 5000]
        present.update(
            Client.objects.filter(organisation=organisation, reference__in=chunk).values_list("reference", flat=True)
        )
    return present


def import_clients(*, organisation, data, actor=None, assign_to=(), skip_invalid=False, today=None):
    """Import a clients file (DESIGN §5): all valid rows in one transaction, or nothing.

    ``actor`` is recorded as creator (None for commands: the history names the system);
    ``assign_to`` are the workers the new clients get (none unless asked for).
    An intake date (or a case type alone: today) opens a case; target groups start on the intake
    date, or today. Case numbers carry the year of the intake (else the current year).
    """
    today = today or timezone.localdate()
    report, rows = validate_clients(organisation=organisation, data=data, today=today)
    if not report.can_apply(skip_invalid):
        report.created = 0
        return report
    try:
        with transaction.atomic():
            _create_clients(organisation, rows, actor=actor, assign_to=assign_to, today=today)
    except DatabaseError:
        return _refused(report)
    report.applied = True
    return report


def _create_clients(organisation, rows, *, actor, assign_to, today):
    by_year = defaultdict(list)
    for row in sorted(rows, key=lambda row: row.line):
        by_year[(row.intake_date or today).year].append(row)
    clients = []
    for year, year_rows in sorted(by_year.items()):
        numbers = next_case_numbers(organisation, year, len(year_rows))
        for row, number in zip(year_rows, numbers, strict=True):
            client = Client(
                organisation=organisation,
                case_number=number,
                reference=row.reference,
                first_name=row.first_name,
                last_name=row.last_name,
                birth_date=row.birth_date,
                gender=row.gender,
                nationality=row.nationality,
                created_by=actor,
            )
            client.search_text = search_text_for(client)
            clients.append((row, client))
    Client.objects.bulk_create([client for _row, client in clients], batch_size=BATCH_SIZE)

    cases, memberships, assignments = [], [], []
    through = Client.assigned_workers.through
    for row, client in clients:
        start = row.intake_date or today
        if row.case_type:
            cases.append(
                Case(
                    client=client,
                    case_type=row.case_type,
                    opened_on=start,
                    homeless_since=row.homeless_since,
                    opened_by=actor,
                )
            )
        memberships += [TargetGroupMembership(client=client, group=group, start=start) for group in row.target_groups]
        assignments += [through(client_id=client.pk, user_id=worker.pk) for worker in assign_to]
    Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)
    TargetGroupMembership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    through.objects.bulk_create(assignments, batch_size=BATCH_SIZE)


def _refused(report):
    report.created = 0
    report.fatal = True
    report.problems.append(
        Problem(
            None,
            "",
            _(
                "The database refused the import (perhaps another import ran at the same time). "
                "Nothing was imported; please try again."
            ),
        )
    )
    return report


# --- Contacts -----------------------------------------------------------------------------


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
        table, report.problems = read_table(data, CONTACT_COLUMNS, CONTACT_REQUIRED)
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


# --- One entry point per kind -------------------------------------------------------------


def validate(kind, *, organisation, data, today=None):
    """Preview: the report an import of this file would give now."""
    if kind == Kind.CLIENTS:
        return validate_clients(organisation=organisation, data=data, today=today)[0]
    return validate_contacts(organisation=organisation, data=data, today=today)[0]


def run_import(kind, *, organisation, data, actor=None, assign_to=(), worker=None, skip_invalid=False):
    if kind == Kind.CLIENTS:
        return import_clients(
            organisation=organisation, data=data, actor=actor, assign_to=assign_to, skip_invalid=skip_invalid
        )
    return import_contacts(organisation=organisation, data=data, actor=actor, worker=worker, skip_invalid=skip_invalid)


# --- Uploaded files waiting for confirmation ----------------------------------------------

PENDING_DIR = "imports"
PENDING_MAX_AGE = timedelta(days=1)


def _pending_name(token):
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise FileNotFoundError(token)
    return f"{PENDING_DIR}/{token}.csv"


def pending_store(data):
    """Keep an uploaded file in private storage until it is confirmed; returns its random token."""
    pending_prune()
    token = secrets.token_hex(16)
    default_storage.save(_pending_name(token), ContentFile(data))
    return token


def pending_read(token):
    """The bytes of a pending upload; FileNotFoundError when it was consumed or never existed."""
    name = _pending_name(token)
    if not default_storage.exists(name):
        raise FileNotFoundError(token)
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def pending_discard(token):
    try:
        name = _pending_name(token)
    except FileNotFoundError:
        return
    default_storage.delete(name)


def pending_prune():
    """Remove uploads nobody confirmed within a day (they hold personal data)."""
    try:
        _dirs, files = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - PENDING_MAX_AGE
    for name in files:
        path = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except FileNotFoundError:
            continue


@transaction.atomic
def pending_import(kind, *, token, organisation, actor, expected_digest, assign_to=(), skip_invalid=False):
    """Import a pending upload exactly once (service of the confirm page).

    Concurrent confirmations of the same token are serialised by an advisory lock; the file is
    removed as soon as it was imported, so a second confirmation finds nothing to do and returns
    None. A file that changed since its preview (``expected_digest``) is not imported.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"import:{token}"])
    try:
        data = pending_read(token)
    except FileNotFoundError:
        return None
    if hashlib.sha256(data).hexdigest() != expected_digest:
        return None
    report = run_import(
        kind, organisation=organisation, data=data, actor=actor, assign_to=assign_to, skip_invalid=skip_invalid
    )
    if report.applied:
        pending_discard(token)
    return report


def digest(data):
    return hashlib.sha256(data).hexdigest()
