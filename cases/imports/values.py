"""Single values of a row: dates, codes, nationality, target groups, text and durations.

Pure: every refusal is a FieldProblem with a German reason; _RowChecker collects them per row.
"""

import re
from datetime import date
from functools import cache

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from cases.imports.results import FieldProblem, Problem
from hagen_zuhause import codes
from hagen_zuhause.countries import NATIONALITY_CHOICES, UNKNOWN

EARLIEST_DATE = date(1900, 1, 1)
MAX_DURATION_MINUTES = 24 * 60

_NATIONALITY_CODES = frozenset(code for code, _label in NATIONALITY_CHOICES)
_NATIONALITY_WORDS = {label.lower(): code for code, label in NATIONALITY_CHOICES}

#: Short German words a German Excel user writes for a code, beside the app's German labels
#: ("weiblich", "Wohnraumsicherung (Prävention)"), which are accepted as well (DESIGN §5).
_SHORT_WORDS = {
    codes.CaseType: {
        "prävention": "prevention",
        "wohnraumsicherung": "prevention",
        "versorgung": "provision",
    },
    codes.ContactType: {
        "beratung": "office",
        "aufsuchend": "outreach",
        "telefonisch": "phone",
    },
    codes.TargetGroup: {
        "ältere": "seniors",
        "senioren": "seniors",
        "psychisch erkrankt": "mental_health",
        "frauen": "women",
        "eu-2": "eu2",
    },
}


def _words(value):
    return " ".join(value.lower().split())


@cache
def german_words(choices):
    """``{German word: code}`` of a TextChoices list: its German labels and the short words above."""
    with override("de"):
        words = {_words(str(label)): code for code, label in choices.choices}
    return {**words, **_SHORT_WORDS.get(choices, {})}


def _code(value, choices):
    """The code a cell names (the code itself or a German word), or None."""
    code = value.lower()
    return code if code in choices.values else german_words(choices).get(_words(value))


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
    if not value:
        if default is None:
            raise FieldProblem(_("This field must not be empty."))
        return default
    code = _code(value, choices)
    if code is None:
        raise FieldProblem(
            _("Unknown value “%(value)s”. Allowed: %(allowed)s or the German words %(words)s.")
            % {"value": value, "allowed": ", ".join(choices.values), "words": _german_labels(choices)}
        )
    return code


def _german_labels(choices):
    with override("de"):
        return ", ".join(f"„{label}“" for label in choices.labels)


def parse_nationality(value):
    if not value:
        return UNKNOWN
    code = value.lower() if value.lower() in ("unknown", "stateless") else value.upper()
    if code in _NATIONALITY_CODES:
        return code
    if _words(value) in _NATIONALITY_WORDS:
        return _NATIONALITY_WORDS[_words(value)]
    raise FieldProblem(
        _(
            "Unknown nationality “%(value)s”. Allowed: two-letter ISO 3166 country codes "
            "(DE, BG, RO, TR, PL, SY, UA …) or the German country names (Deutschland, Bulgarien …), "
            "unknown or stateless."
        )
        % {"value": value}
    )


def parse_target_groups(value):
    groups = []
    for part in value.split("|"):
        if not part.strip():
            continue
        code = _code(part.strip(), codes.TargetGroup)
        if code is None:
            raise FieldProblem(
                _("Unknown target group “%(value)s”. Allowed, separated by |: %(allowed)s or %(words)s.")
                % {
                    "value": part.strip(),
                    "allowed": ", ".join(codes.TargetGroup.values),
                    "words": _german_labels(codes.TargetGroup),
                }
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
