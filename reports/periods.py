"""Reporting periods: calendar quarters and the year to date."""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    """A reporting period with inclusive start and end dates."""

    year: int
    quarter: int | None
    start: date
    end: date

    @classmethod
    def quarter_of(cls, year, quarter):
        if quarter not in (1, 2, 3, 4):
            raise ValueError("quarter must be 1 to 4")
        start = date(year, 3 * quarter - 2, 1)
        end = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(days=1)
        return cls(year, quarter, start, end)

    @classmethod
    def year_to_date(cls, year, quarter):
        """From 1 January to the end of the given quarter."""
        return cls(year, None, date(year, 1, 1), cls.quarter_of(year, quarter).end)

    @classmethod
    def containing(cls, day):
        return cls.quarter_of(day.year, (day.month - 1) // 3 + 1)

    def previous(self):
        if self.quarter is None:
            raise ValueError("only quarters have a previous quarter")
        if self.quarter == 1:
            return Period.quarter_of(self.year - 1, 4)
        return Period.quarter_of(self.year, self.quarter - 1)

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def as_json(self):
        return {
            "year": self.year,
            "quarter": self.quarter,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    @property
    def label(self):
        if self.quarter is None:
            return f"{self.start:%d.%m.}–{self.end:%d.%m.%Y}"
        return f"{self.quarter}. Quartal {self.year}"


class ComparedQuarter:
    """The periods a quarter's figures are shown beside: the previous quarter and the year to date.

    For a class with a ``period`` (a quarter): the quarterly report and the state's overview.
    """

    @property
    def previous_period(self):
        return self.period.previous()

    @property
    def year_to_date_period(self):
        return Period.year_to_date(self.period.year, self.period.quarter)
