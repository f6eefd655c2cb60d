"""The report as tables: one per figure, each number with its label and one value per column.

The page, the PDF, the CSV and the XLSX export all read these rows, so that they show the same
numbers under the same German labels. Columns are reports of the same shape (the quarter, the
previous quarter, the year to date), so the rows line up by path.
"""

from dataclasses import dataclass, field

from django.utils.formats import number_format

from reports import drilldown, figures, labels
from reports.masking import is_masked


@dataclass
class Row:
    """One number of a figure: its path in the JSON (``by_gender.female``), its label, a value per column."""

    figure: str
    path: str
    label: str
    values: list
    breakdown: str = ""
    code: str = ""
    drillable: bool = False

    @property
    def display(self):
        return [format_value(self.figure, self.path, value) for value in self.values]


@dataclass
class Section:
    """The single numbers of a figure (``title`` None) or one breakdown map."""

    title: object
    breakdown: str
    rows: list = field(default_factory=list)


@dataclass
class FigureTable:
    key: str
    title: object
    sections: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    definition: object = None

    @property
    def rows(self):
        return [row for section in self.sections for row in section.rows]

    @property
    def breakdowns(self):
        """The breakdown maps with one code per row, for charts (nested cohort maps included)."""
        return [section for section in self.sections if section.title is not None]


def format_value(figure, path, value):
    """German display: 1.234 for counts, 33,2 % for the occupancy rate, masks as they are."""
    if value is None:
        return "–"
    if is_masked(value):
        return value
    if (figure, path) == ("senior_flat", "occupancy_rate"):
        return f"{number_format(value * 100, decimal_pos=1, use_l10n=True)} %"
    return number_format(value, use_l10n=True, force_grouping=True)


def leaves(mapping, prefix=""):
    """(path, value) of every number of a figure, in the figure's order."""
    for key, value in mapping.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from leaves(value, f"{path}.")
        else:
            yield path, value


def _value(report, figure, path):
    value = report.get(figure, {})
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def build(columns):
    """Tables of every figure; ``columns`` are reports (dicts as from compute_report), the first leads."""
    lead = columns[0]
    tables = []
    for figure in figures.FIGURES:
        if figure not in lead:
            continue
        table = FigureTable(key=figure, title=labels.figure_title(figure))
        paths = [path for path, _value_ in leaves(lead[figure]) if path not in labels.REPEATED.get(figure, set())]
        scalars = [path for path in labels.SCALAR_LABELS.get(figure, {}) if path in paths]
        if scalars:
            table.sections.append(Section(title=None, breakdown=""))
            for path in scalars:
                breakdown, _dot, code = path.rpartition(".")
                table.sections[0].rows.append(_row(figure, path, columns, breakdown=breakdown, code=code))
        by_breakdown = {}
        for path in paths:
            if path in scalars or "." not in path:
                continue
            breakdown, _dot, code = path.rpartition(".")
            if breakdown not in by_breakdown:
                by_breakdown[breakdown] = Section(title=labels.breakdown_title(figure, breakdown), breakdown=breakdown)
                table.sections.append(by_breakdown[breakdown])
            by_breakdown[breakdown].rows.append(_row(figure, path, columns, breakdown=breakdown, code=code))
        tables.append(table)
    return tables


def _row(figure, path, columns, *, breakdown="", code=""):
    return Row(
        figure=figure,
        path=path,
        label=labels.label(figure, path),
        values=[_value(report, figure, path) for report in columns],
        breakdown=breakdown,
        code=code or path,
        drillable=drilldown.has_records(figure, path),
    )


def flat_rows(columns):
    """Every row of every figure, in order (for CSV and XLSX)."""
    return [row for table in build(columns) for row in table.rows]
