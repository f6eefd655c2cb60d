"""What both kinds of import share: the kinds, the problems of a file, the report of a preview or a
run (and of a run the database refused), and the batch size of the bulk inserts.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class Kind(models.TextChoices):
    CLIENTS = "clients", gettext_lazy("Clients")
    CONTACTS = "contacts", gettext_lazy("Contacts")


BATCH_SIZE = 2000


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
