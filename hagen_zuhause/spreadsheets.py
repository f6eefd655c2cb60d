"""Cells of CSV and XLSX files that are safe to open in a spreadsheet.

A name, a note or a file number is text someone typed. Written into an export unchanged, a value such
as ``=HYPERLINK("http://x.example","y")``, ``@SUM(1+1)`` or ``+cmd|' /C calc'!A0`` is a formula to
Excel and LibreOffice: it runs when the team lead opens the file (CSV injection). Every CSV and XLSX
writer of the application writes its cells through :func:`neutralise`, as OWASP recommends: a text
that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so
that the spreadsheet shows it as text. Numbers, dates and empty cells are left as they are: a count
stays a number, a date stays a date, and only text that someone could have typed is changed.
"""

import csv

from django.utils.functional import Promise

BOM = "\ufeff"

#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"), plus the line feed and the
#: full-width forms of the signs, which some spreadsheet programs fold to the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value):
    """The cell to write for ``value``: text that a spreadsheet would run as a formula gets a leading ``'``."""
    if isinstance(value, Promise):
        value = str(value)  # a translated label, as the file will hold it
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(values):
    return [neutralise(value) for value in values]


class SafeCsvWriter:
    """``csv.writer`` whose rows are written through :func:`neutralise`.

    Pass numbers and dates as numbers and dates (or format them after the text has been checked): a
    negative number formatted as text would be read as text someone typed.
    """

    def __init__(self, target, **options):
        self._writer = csv.writer(target, **options)

    def writerow(self, values):
        return self._writer.writerow(neutralise_row(values))

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)


def csv_writer(target, *, delimiter=";", **options):
    """The CSV writer of every export: semicolons (German Excel), cells neutralised."""
    return SafeCsvWriter(target, delimiter=delimiter, **options)


class _Echo:
    """A file-like object whose write returns the line, for a CSV writer in a generator."""

    def write(self, value):
        return value


def csv_lines(rows):
    """The lines of a streamed CSV export: the BOM (so that Excel reads UTF-8), then one line per row."""
    writer = csv_writer(_Echo())
    yield BOM
    for values in rows:
        yield writer.writerow(values)


def append_row(sheet, values):
    """Append a row to an openpyxl worksheet, its text neutralised (openpyxl writes "=…" as a formula)."""
    sheet.append(neutralise_row(values))
