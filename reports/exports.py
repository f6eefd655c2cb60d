"""The quarterly report as CSV, XLSX and JSON (the PDF comes from reports/pdf.py).

CSV: semicolon separated, UTF-8 with BOM, decimal comma: German Excel opens it as it is.
XLSX: one tidy sheet of all numbers, one sheet of definitions, one of facts about the report.
Both write their text cells through ``hagen_zuhause.spreadsheets`` (no formula from entered text).
JSON: exactly the structure of DESIGN §4 (``period`` and one object per figure).
"""

import io
import json

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from hagen_zuhause.spreadsheets import BOM, append_row, csv_writer
from reports import definitions, tables
from reports.masking import is_masked
from reports.quarterly import QuarterlyReport

FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json; charset=utf-8", "json"),
}


def file_name(period, extension):
    return f"quartalsbericht-{period.year}-q{period.quarter}.{extension}"


#: The access log's record type of an export made before the quarter was finalised (no snapshot yet).
PRELIMINARY_REPORT = "reports.preliminary_report"


def export_record(report):
    """What the access log names as exported: the finalised snapshot, or the preliminary figures of the quarter."""
    if report.is_final:
        return {"object_type": "reports.reportsnapshot", "object_id": str(report.snapshot.pk)}
    return {"object_type": PRELIMINARY_REPORT, "object_id": f"{report.period.year}-{report.period.quarter}"}


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
    # Counts stay numbers (the CSV writer spells them), so that only text is checked for formulas.
    return "" if value is None else value


def to_csv(quarterly: QuarterlyReport):
    """Bytes of the CSV: figure; breakdown; code; German label; value; previous quarter; year to date."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv_writer(buffer, lineterminator="\r\n")
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
    """Bytes of the workbook: "Kennzahlen", "Definitionen", "Angaben".

    Every sheet opens with a title row (office, period, state of the data) above its German header
    row; the codes of DESIGN §4 stand in the last column, for whoever processes the file further.
    """
    workbook = Workbook()
    title = _title(quarterly)
    sheet = workbook.active
    sheet.title = _("Figures")
    _start_sheet(sheet, title, _figure_header(quarterly))
    for table in tables.build(quarterly.columns(masked=quarterly.masked)):
        for section in table.sections:
            breakdown = str(section.title) if section.title is not None else None
            for row in section.rows:
                code = f"{row.figure}.{row.path}"
                append_row(sheet, [str(table.title), breakdown, str(row.label), *row.values, code])
                if (row.figure, row.path) == ("senior_flat", "occupancy_rate"):
                    for cell in sheet[sheet.max_row][3:-1]:
                        if not is_masked(cell.value):
                            cell.number_format = "0.0%"
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    _widths(sheet, [36, 30, 48, 14, 18, 18, 40])

    terms = workbook.create_sheet(_("Definitions"))
    _start_sheet(terms, title, [_("Figure"), _("Definition"), _("Code")])
    for section in definitions.appendix():
        append_row(terms, [section.title, section.text, section.key])
        terms.cell(row=terms.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    terms.freeze_panes = "A3"
    _widths(terms, [36, 110, 22])

    facts = workbook.create_sheet(_("Details"))
    append_row(facts, [title])
    facts.cell(row=1, column=1).font = Font(bold=True, size=12)
    for label, value in [
        (_("Office"), quarterly.organisation.name),
        (_("Period"), f"{quarterly.period.start:%d.%m.%Y} – {quarterly.period.end:%d.%m.%Y}"),
        (_("Columns"), " | ".join(str(title) for title in quarterly.column_titles())),
        (_("Status"), _status(quarterly.snapshot)),
        (_("Small numbers masked"), _("yes") if quarterly.masked else _("no")),
    ]:
        append_row(facts, [str(label), str(value)])
        facts.cell(row=facts.max_row, column=1).font = Font(bold=True)
    _widths(facts, [24, 90])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _figure_header(quarterly):
    return [
        _("Figure"),
        _("Breakdown"),
        _("Label"),
        *(str(title) for title in quarterly.column_titles()),
        _("Code"),
    ]


def _title(quarterly):
    """ "Quarterly report 3. Quartal 2026 – Fachstelle … – 01.07.2026 – 30.09.2026 – provisional, computed on …"."""
    return _("Quarterly report %(period)s – %(office)s – %(dates)s – %(status)s") % {
        "period": quarterly.period.label,
        "office": quarterly.organisation.name,
        "dates": f"{quarterly.period.start:%d.%m.%Y} – {quarterly.period.end:%d.%m.%Y}",
        "status": _status(quarterly.snapshot),
    }


def _start_sheet(sheet, title, header):
    """The title row and the bold header row below it."""
    append_row(sheet, [title])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=12)
    append_row(sheet, [str(name) for name in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)


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
