"""The quarterly report as CSV, XLSX and JSON (the PDF comes from reports/pdf.py).

CSV: semicolon separated, UTF-8 with BOM, decimal comma: German Excel opens it as it is.
XLSX: one tidy sheet of all numbers, one sheet of definitions, one of facts about the report.
JSON: exactly the structure of DESIGN §4 (``period`` and one object per figure).
"""

import csv
import io
import json

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from reports import definitions, tables
from reports.masking import is_masked
from reports.quarterly import QuarterlyReport

BOM = "\ufeff"

FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json; charset=utf-8", "json"),
}


def file_name(period, extension):
    return f"quartalsbericht-{period.year}-q{period.quarter}.{extension}"


def export_detail(period, file_format):
    """The access log's description of an export, e.g. "Quartalsbericht 4/2026 (PDF)"."""
    return _("Quarterly report %(quarter)s/%(year)s (%(format)s)") % {
        "quarter": period.quarter,
        "year": period.year,
        "format": file_format.upper(),
    }


def _header():
    return [
        _("Figure"),
        _("Breakdown"),
        _("Code"),
        _("Label"),
        _("Value"),
        _("Previous quarter"),
        _("Year to date"),
    ]


def _rows(quarterly):
    return tables.flat_rows(quarterly.columns(masked=quarterly.masked))


def _csv_number(value):
    if isinstance(value, float):
        return f"{value:.4f}".replace(".", ",")
    return "" if value is None else str(value)


def to_csv(quarterly: QuarterlyReport):
    """Bytes of the CSV: figure; breakdown; code; German label; value; previous quarter; year to date."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(_header())
    for row in _rows(quarterly):
        writer.writerow(
            [
                row.figure,
                row.breakdown,
                row.code,
                str(row.label),
                *(_csv_number(value) for value in row.values),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def to_json(quarterly: QuarterlyReport):
    """Bytes of the JSON report with the keys of DESIGN §4 (masked cells as text)."""
    return json.dumps(quarterly.published_report(), ensure_ascii=False, indent=2).encode("utf-8")


def to_xlsx(quarterly: QuarterlyReport):
    """Bytes of the workbook: "Kennzahlen" (tidy), "Definitionen", "Angaben"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Figures")
    sheet.append(_header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(quarterly):
        sheet.append([row.figure, row.breakdown or None, row.code, str(row.label), *row.values])
        if (row.figure, row.path) == ("senior_flat", "occupancy_rate"):
            for cell in sheet[sheet.max_row][4:]:
                if not is_masked(cell.value):
                    cell.number_format = "0.0%"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _widths(sheet, [22, 24, 20, 48, 12, 16, 16])

    terms = workbook.create_sheet(_("Definitions"))
    terms.append([_("Figure"), _("Key"), _("Definition")])
    for cell in terms[1]:
        cell.font = Font(bold=True)
    for section in definitions.appendix():
        terms.append([section.title, section.key, section.text])
        terms.cell(row=terms.max_row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
    _widths(terms, [36, 22, 110])

    facts = workbook.create_sheet(_("Details"))
    snapshot = quarterly.snapshot
    for label, value in [
        (_("Office"), quarterly.organisation.name),
        (_("Period"), f"{quarterly.period.start:%d.%m.%Y} – {quarterly.period.end:%d.%m.%Y}"),
        (_("Columns"), " | ".join(str(title) for title in quarterly.column_titles())),
        (_("Status"), _status(snapshot)),
        (_("Small numbers masked"), _("yes") if quarterly.masked else _("no")),
    ]:
        facts.append([str(label), str(value)])
        facts.cell(row=facts.max_row, column=1).font = Font(bold=True)
    _widths(facts, [24, 90])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _status(snapshot):
    if snapshot is None:
        return _("provisional, computed on %(date)s") % {"date": f"{timezone.localtime():%d.%m.%Y %H:%M}"}
    return _("finalised on %(date)s by %(name)s") % {
        "date": f"{timezone.localtime(snapshot.finalised_at):%d.%m.%Y %H:%M}",
        "name": snapshot.finalised_by,
    }


def _widths(sheet, widths):
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
