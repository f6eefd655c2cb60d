"""The file format (DESIGN §5) and reading a CSV file into rows of stripped values.

Pure: nothing here knows the database. A file that cannot be used at all raises FileProblem.
"""

import csv
import io
from collections import Counter
from dataclasses import replace

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.imports.results import FileProblem, Problem

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

#: The column names a German Excel user writes, beside the codes above (DESIGN §5); compared
#: case-insensitively with spaces collapsed, never more loosely.
CLIENT_GERMAN_COLUMNS = {
    "aktenzeichen": "reference",
    "vorname": "first_name",
    "nachname": "last_name",
    "geburtsdatum": "birth_date",
    "geschlecht": "gender",
    "staatsangehörigkeit": "nationality",
    "zielgruppen": "target_groups",
    "zielgruppe": "target_groups",
    "aufnahmedatum": "intake_date",
    "fallart": "case_type",
    "wohnungslos seit": "homeless_since",
}
CONTACT_GERMAN_COLUMNS = {
    "aktenzeichen": "client_reference",
    "datum": "date",
    "art": "type",
    "kontaktart": "type",
    "dauer": "duration_minutes",
    "dauer (minuten)": "duration_minutes",
    "dauer in minuten": "duration_minutes",
    "notiz": "note",
}
GERMAN_COLUMNS = {CLIENT_COLUMNS: CLIENT_GERMAN_COLUMNS, CONTACT_COLUMNS: CONTACT_GERMAN_COLUMNS}

#: Larger files are refused by the web upload (a 10,000-row file is well under 1 MB).
MAX_FILE_SIZE = 20 * 1024 * 1024


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
    rows, problems, _headers = read_table_with_headers(data, columns, required)
    return rows, problems


def read_table_with_headers(data, columns, required):
    """As :func:`read_table`, and ``{column: header as written}`` for the columns named in German."""
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
    german = GERMAN_COLUMNS.get(columns, {})
    written = [" ".join(cell.strip().strip("\ufeff").split()) for cell in header]
    names = [german.get(name.lower(), name.lower()) for name in written]
    _check_header(names, columns, required, header_line, german)
    headers = {name: as_written for name, as_written in zip(names, written, strict=True) if as_written.lower() != name}

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
    return rows, problems, headers


def name_columns_as_written(problems, headers):
    """The problems with each column named as the file's header row names it ("Geschlecht", not "gender")."""
    return [replace(problem, column=headers.get(problem.column, problem.column)) for problem in problems]


def _check_header(names, columns, required, line, german):
    named = [name for name in names if name]
    unknown = [name for name in named if name not in columns]
    if unknown:
        raise FileProblem(
            ngettext(
                "Unknown column: %(columns)s. Allowed columns: %(allowed)s, or in German: %(german)s.",
                "Unknown columns: %(columns)s. Allowed columns: %(allowed)s, or in German: %(german)s.",
                len(unknown),
            )
            % {
                "columns": ", ".join(unknown),
                "allowed": ", ".join(columns),
                "german": ", ".join(_german_names(german, columns)),
            },
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


def _german_names(german, columns):
    """The first German name of each column, in the format's order, as a user would write it."""
    first = {}
    for name, column in german.items():
        first.setdefault(column, name[:1].upper() + name[1:])
    return [first[column] for column in columns if column in first]


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
