"""Clients files: checking the rows, recognising clients already present by their reference, and
the import service that creates clients, cases, target groups and assignments.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.imports.reading import CLIENT_COLUMNS, CLIENT_REQUIRED, name_columns_as_written, read_table_with_headers
from cases.imports.results import BATCH_SIZE, FileProblem, ImportReport, Kind, Problem, _refused
from cases.imports.values import (
    _RowChecker,
    _sort_problems,
    parse_code,
    parse_date,
    parse_nationality,
    parse_target_groups,
    parse_text,
)
from cases.models import Case, Client, TargetGroupMembership
from cases.services.clients import next_case_numbers, search_text_for
from hagen_zuhause import codes


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
        table, report.problems, headers = read_table_with_headers(data, CLIENT_COLUMNS, CLIENT_REQUIRED)
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
    report.problems = name_columns_as_written(report.problems, headers)
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
