"""Single values of a row: dates, codes, nationality, target groups, text and durations.

Pure: every refusal is a FieldProblem with a German reason; _RowChecker collects them per row.
"""

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from cases import codes
from cases.countries import NATIONALITY_CHOICES, UNKNOWN
from cases.imports.results import FieldProblem, Problem

EARLIEST_DATE = date(1900, 1, 1)
MAX_DURATION_MINUTES = 24 * 60

_NATIONALITY_CODES = frozenset(code for code, _label in NATIONALITY_CHOICES)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


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
