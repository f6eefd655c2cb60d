"""The state's overview: every municipality's newest submitted figures of a quarter and the state total.

Built only from :class:`~reports.models.ReportSubmission` rows (and the names of the organisations):
no query of the state's pages touches a client, case, contact, offer or any other personal record.
The figures are read from the submissions' JSON and the state total is summed in the database. Each
submission carries its quarter, the previous quarter and the year to date as the municipality computed
them (persons counted once per period), so those are read from it too, never added up from quarters.

The breakdown by target group is masked as in the published reports (``reports.masking``); the headline
numbers are never masked there either. Because the state total of a group is shown, a masked cell could be
computed back from the total minus the other municipalities; :func:`suppress_columns` then hides one more
cell of that column (``"x"``), the same secondary rule the report applies within a row.
"""

import io
from dataclasses import dataclass, field

from django.db.models import IntegerField, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from hagen_zuhause.codes import TargetGroup
from hagen_zuhause.models import Organisation
from hagen_zuhause.names import german_sort_key
from hagen_zuhause.spreadsheets import BOM, append_row, csv_writer
from reports import pdf
from reports.charts import Series, bar_chart
from reports.masking import SMALL, SUPPRESSED, is_masked, mask_map
from reports.models import ReportSubmission
from reports.periods import ComparedQuarter, Period
from reports.quarterly import FIRST_YEAR, PREVIOUS, REPORT, YEAR_TO_DATE


@dataclass(frozen=True)
class Column:
    key: str
    path: tuple
    label: str


#: The §4 headline figures the state compares, as paths into a submission's report.
COLUMNS = [
    Column("persons_with_contact", ("persons_with_contact", "total"), _("Persons with contact")),
    Column("contacts", ("contacts", "total"), _("Contacts")),
    Column("new_cases", ("new_cases", "total"), _("New cases")),
    Column("housing_secured", ("prevention", "housing_secured", "persons"), _("Homelessness prevented (persons)")),
    Column("placed_households", ("placements", "households"), _("Placed in housing (households)")),
    Column("placed_persons", ("placements", "persons"), _("Placed in housing (persons)")),
    Column("senior_flat_places", ("senior_flat", "places"), _("Senior flat places")),
]

#: The breakdown shown beside them: persons with contact by target group (masked like the published report).
GROUPS = [code.value for code in TargetGroup]
GROUP_LABELS = dict(TargetGroup.choices)
_GROUP_MAP = "figures__report__persons_with_contact__by_target_group"

#: Quarters offered for choice: the last ended one and this many before it.
QUARTERS_OFFERED = 12


#: The parts of a submission shown: the quarter, the previous quarter and the year to date.
PARTS = (REPORT, PREVIOUS, YEAR_TO_DATE)


def _number(path, part=REPORT):
    return Cast(KT("__".join(("figures", part, *path))), IntegerField())


def _key(column, part):
    return column.key if part == REPORT else f"{part}__{column.key}"


@dataclass
class Row:
    name: str
    municipality_key: str
    version: int
    submitted_at: object
    values: list
    groups: list
    previous: list
    year_to_date: list
    #: The breakdown before masking: only to decide the secondary suppression, never shown.
    raw_groups: list = field(default_factory=list, repr=False)


@dataclass
class Overview(ComparedQuarter):
    period: Period
    rows: list
    totals: list
    group_totals: list
    missing: list
    previous_totals: list
    year_to_date_totals: list

    @property
    def submitted_count(self):
        return len(self.rows)


def offered_quarters(today=None):
    """The quarters the state can choose: the last ended quarter first, then back in time."""
    period = Period.containing(today or timezone.localdate()).previous()
    quarters = []
    while len(quarters) < QUARTERS_OFFERED and period.year >= FIRST_YEAR:
        quarters.append(period)
        period = period.previous()
    return quarters


def overview(user, period):
    """The newest submitted version of every municipality for ``period``, their total, and who is missing."""
    submitted = ReportSubmission.objects.for_state(user).of_quarter(period.year, period.quarter)
    latest = submitted.latest_versions()
    numbers = {_key(column, part): _number(column.path, part) for part in PARTS for column in COLUMNS}
    fetched = list(
        latest.annotate(**numbers).values(
            "organisation_id",
            "organisation__name",
            "organisation__municipality_key",
            "version",
            "submitted_at",
            _GROUP_MAP,
            *numbers,
        )
    )
    rows = []
    for record in fetched:
        groups = record[_GROUP_MAP] or {}
        total = record["persons_with_contact"]
        masked = mask_map(groups, total) if groups else {}
        rows.append(
            Row(
                name=record["organisation__name"],
                municipality_key=record["organisation__municipality_key"],
                version=record["version"],
                submitted_at=record["submitted_at"],
                values=[record[column.key] for column in COLUMNS],
                groups=[masked.get(group, 0) for group in GROUPS],
                previous=[record[_key(column, PREVIOUS)] for column in COLUMNS],
                year_to_date=[record[_key(column, YEAR_TO_DATE)] for column in COLUMNS],
                raw_groups=[groups.get(group, 0) for group in GROUPS],
            )
        )
    rows.sort(key=lambda row: german_sort_key(row.name))
    sums = ReportSubmission.objects.filter(pk__in=latest.values("pk")).aggregate(
        **{_key(column, part): Sum(_number(column.path, part)) for part in PARTS for column in COLUMNS},
        **{f"group_{group}": Sum(_number(("persons_with_contact", "by_target_group", group))) for group in GROUPS},
    )
    group_totals = mask_map({group: sums[f"group_{group}"] or 0 for group in GROUPS}) if rows else {}
    shown_totals = [group_totals.get(group, 0) for group in GROUPS]
    suppress_columns(rows, shown_totals)
    submitted_ids = {record["organisation_id"] for record in fetched}
    missing = sorted(
        (
            name
            for pk, name in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).values_list("pk", "name")
            if pk not in submitted_ids
        ),
        key=german_sort_key,
    )
    return Overview(
        period=period,
        rows=rows,
        totals=[sums[column.key] or 0 for column in COLUMNS],
        group_totals=shown_totals,
        missing=missing,
        previous_totals=[sums[_key(column, PREVIOUS)] or 0 for column in COLUMNS],
        year_to_date_totals=[sums[_key(column, YEAR_TO_DATE)] or 0 for column in COLUMNS],
    )


def suppress_columns(rows, totals):
    """Hide one more cell of a group column whose hidden cells the visible state total would give away.

    ``rows`` carry the masked cells (``groups``) and the true ones (``raw_groups``). When the column's total
    is shown and only one of its cells is hidden, or all hidden cells are 1 or all are 2, total minus the
    visible cells tells them: the smallest visible cell above 2 is then shown as ``"x"`` as well. Hiding a
    further cell of a row never makes the row's own masking weaker, so one pass over the columns suffices.
    """
    for column, total in enumerate(totals):
        if is_masked(total):
            continue
        hidden = [row.raw_groups[column] for row in rows if is_masked(row.groups[column])]
        if not hidden:
            continue
        small_only = all(value in SMALL for value in hidden)
        if len(hidden) > 1 and not (small_only and sum(hidden) in (len(hidden), 2 * len(hidden))):
            continue
        visible = [row for row in rows if not is_masked(row.groups[column]) and row.raw_groups[column] > 2]
        if visible:
            smallest = min(visible, key=lambda row: (row.raw_groups[column], german_sort_key(row.name)))
            smallest.groups[column] = SUPPRESSED


# --- Exports -------------------------------------------------------------------------------------


def _header():
    return [
        str(_("Municipality")),
        str(_("Municipality key")),
        str(_("Version")),
        *(str(column.label) for column in COLUMNS),
        *(str(GROUP_LABELS[group]) for group in GROUPS),
        *(str(_("%(figure)s, previous quarter") % {"figure": column.label}) for column in COLUMNS),
        *(str(_("%(figure)s, year to date") % {"figure": column.label}) for column in COLUMNS),
    ]


def _table(result):
    yield _header()
    for row in result.rows:
        yield [row.name, row.municipality_key, row.version, *row.values, *row.groups, *row.previous, *row.year_to_date]
    yield [
        str(_("State total")),
        "",
        "",
        *result.totals,
        *result.group_totals,
        *result.previous_totals,
        *result.year_to_date_totals,
    ]
    for name in result.missing:
        yield [name, "", str(_("not submitted")), *([""] * (3 * len(COLUMNS) + len(GROUPS)))]


def figure_tables(result):
    """The quarter, the previous quarter and the year to date as three tables of the same columns."""
    parts = [
        (result.period, "values", result.totals),
        (result.previous_period, "previous", result.previous_totals),
        (result.year_to_date_period, "year_to_date", result.year_to_date_totals),
    ]
    titles = [_("This quarter"), _("Previous quarter"), _("Year to date")]
    return [
        {
            "id": attribute.replace("_", "-"),
            "title": title,
            "period": period,
            "rows": [(row.name, getattr(row, attribute), row.version, row.submitted_at) for row in result.rows],
            "totals": totals,
            "with_version": attribute == "values",  # the version and its date once, beside the quarter
        }
        for title, (period, attribute, totals) in zip(titles, parts, strict=True)
    ]


def charts(result, prefix="land"):
    """Inline SVG bar charts: the state total of each figure against the previous quarter, and the
    placed households of every municipality (the page and the PDF show the same)."""
    quarter, previous = result.period.label, result.previous_period.label
    totals = bar_chart(
        chart_id=f"{prefix}-totals",
        title=_("State total by figure"),
        categories=[column.label for column in COLUMNS],
        series=[Series(quarter, result.totals), Series(previous, result.previous_totals)],
    )
    placed = COLUMNS.index(next(column for column in COLUMNS if column.key == "placed_households"))
    by_municipality = bar_chart(
        chart_id=f"{prefix}-placed",
        title=_("Placed in housing (households) by municipality"),
        categories=[row.name for row in result.rows],
        series=[
            Series(quarter, [row.values[placed] for row in result.rows]),
            Series(previous, [row.previous[placed] for row in result.rows]),
        ],
    )
    return [
        {"title": _("State total by figure"), "svg": totals},
        {"title": _("Placed in housing (households) by municipality"), "svg": by_municipality},
    ]


def to_pdf(result, *, organisation=None):
    """The overview as a PDF for the state's files: the three tables, the breakdown and the charts."""
    context = {
        "result": result,
        "columns": COLUMNS,
        "groups": [GROUP_LABELS[group] for group in GROUPS],
        "tables": figure_tables(result),
        "charts": charts(result, prefix="pdf") if result.rows else [],
        "created_at": timezone.now(),
        "organisation": organisation,
        "project": pdf.PROJECT,
    }
    return pdf.render_template("reports/state_overview_pdf.html", context)


def to_csv(result):
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv_writer(buffer)
    writer.writerows(_table(result))
    return buffer.getvalue().encode("utf-8")


def to_xlsx(result):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{result.period.year}-Q{result.period.quarter}"
    for values in _table(result):
        append_row(sheet, values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(period, extension):
    return f"land-uebersicht-{period.year}-q{period.quarter}.{extension}"
