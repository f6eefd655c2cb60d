"""The quarterly report of one organisation: the quarter, the previous quarter and the year to date.

A finalised quarter is read from its snapshot (frozen figures); any other quarter is computed now.
Page, PDF, CSV, XLSX and JSON are all built from :class:`QuarterlyReport`.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from reports import charts, definitions, figures, tables
from reports.masking import mask_report
from reports.models import ReportSnapshot
from reports.periods import ComparedQuarter, Period

#: The keys of a snapshot's ``figures`` JSON.
REPORT, PREVIOUS, YEAR_TO_DATE = "report", "previous_quarter", "year_to_date"
#: The earliest year a report can be asked for.
FIRST_YEAR = 2000


def compute_bundle(organisation, period):
    """The three reports a quarter's page and PDF show, keyed as a snapshot stores them."""
    periods = [period, period.previous(), Period.year_to_date(period.year, period.quarter)]
    return dict(zip((REPORT, PREVIOUS, YEAR_TO_DATE), figures.compute_reports(organisation, periods), strict=True))


def quarter_or_none(year, quarter, today=None):
    """The quarter, if it is a real quarter that has begun (reports of the future do not exist)."""
    today = today or timezone.localdate()
    if quarter not in (1, 2, 3, 4) or not FIRST_YEAR <= year <= today.year:
        return None
    period = Period.quarter_of(year, quarter)
    return period if period.start <= today else None


def has_ended(period, today=None):
    return period.end < (today or timezone.localdate())


def short_column_titles(period):
    """The columns' short names: the quarter, the previous quarter, the year to date."""
    return [period.label, period.previous().label, _("Year to date")]


def column_headers(period):
    """(main line, second line) of each column, for narrow tables on the page."""
    year_to_date = Period.year_to_date(period.year, period.quarter)
    return [
        (period.label, ""),
        (period.previous().label, _("previous quarter")),
        (year_to_date.label, _("year to date")),
    ]


@dataclass
class QuarterlyReport(ComparedQuarter):
    """The figures of a quarter with the columns they are compared with, frozen or fresh."""

    organisation: object
    period: Period
    bundle: dict
    snapshot: ReportSnapshot | None = None

    @classmethod
    def load(cls, organisation, period):
        """From the snapshot when the quarter is finalised, else computed now."""
        snapshot = ReportSnapshot.objects.all_of_organisation(organisation).of_quarter(period.year, period.quarter)
        snapshot = snapshot.select_related("organisation", "finalised_by").first()
        return cls.from_snapshot(snapshot) if snapshot else cls.fresh(organisation, period)

    @classmethod
    def fresh(cls, organisation, period):
        return cls(organisation, period, compute_bundle(organisation, period))

    @classmethod
    def from_snapshot(cls, snapshot):
        """The frozen figures, with every key back in the report's order (jsonb keeps no order)."""
        bundle = {key: figures.ordered_report(report) for key, report in snapshot.figures.items()}
        period = Period.quarter_of(snapshot.year, snapshot.quarter)
        return cls(snapshot.organisation, period, bundle, snapshot)

    @property
    def is_final(self):
        return self.snapshot is not None

    @property
    def masked(self):
        return bool(self.snapshot and self.snapshot.masked)

    @property
    def report(self):
        return self.bundle[REPORT]

    def columns(self, *, masked=False):
        """The three reports in column order, masked for publication when asked."""
        reports = [self.bundle[REPORT], self.bundle[PREVIOUS], self.bundle[YEAR_TO_DATE]]
        return [mask_report(report) for report in reports] if masked else reports

    def published_report(self):
        """The quarter's figures as exported: masked when the snapshot was finalised with masking."""
        return mask_report(self.report) if self.masked else self.report

    def column_titles(self):
        return [
            self.period.label,
            _("%(quarter)s (previous quarter)") % {"quarter": self.previous_period.label},
            _("Year to date %(period)s") % {"period": self.year_to_date_period.label},
        ]

    def short_column_titles(self):
        return short_column_titles(self.period)

    def column_headers(self):
        return column_headers(self.period)

    def figure_tables(self, *, masked=False, chart_prefix="chart"):
        """Tables of every figure with their bar charts (quarter against previous quarter) and definition."""
        built = tables.build(self.columns(masked=masked))
        names = [self.period.label, self.previous_period.label]
        sections = definitions.sections_by_key()
        for table in built:
            table.charts = [
                _chart(table, section, names, f"{chart_prefix}-{table.key}-{index}")
                for index, section in enumerate(table.breakdowns)
                if section.breakdown.startswith("by_")
                and not section.breakdown.startswith("by_follow_up")
                and not _all_zero(section, len(names))
            ]
            table.definition = sections.get(table.key)
        return built


def _all_zero(section, columns):
    """Nothing to compare: every bar of the chart would be 0 (a masked cell is not zero)."""
    return all(row.values[column] in (0, None) for row in section.rows for column in range(columns))


def _chart(table, section, names, chart_id):
    categories = [row.label for row in section.rows]
    series = [charts.Series(name, [row.values[column] for row in section.rows]) for column, name in enumerate(names)]
    title = f"{table.title} – {section.title}"
    svg = charts.bar_chart(
        chart_id=chart_id,
        title=title,
        categories=categories,
        series=series,
        formatter=lambda value: tables.format_value(table.key, section.breakdown, value),
    )
    return {"title": title, "svg": svg}
