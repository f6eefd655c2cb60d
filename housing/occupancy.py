"""Figures of the senior shared flats: places against the goal, occupied today, occupancy in a period.

Computed in the database with range arithmetic over every record of the organisation (anonymous
counts: residents with a Sperrvermerk count too). Dates are inclusive on both ends, as in the
residencies' exclusion constraints: a resident occupies the place on the move-in and the move-out
day. The reports use the same function for the quarterly figure ``senior_flat``.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from housing.models import SENIOR_FLAT_PLACE_GOAL

_FIGURES_SQL = """
WITH period AS (
    SELECT daterange(%(start)s::date, %(end)s::date, '[]') AS span
),
places AS (
    SELECT place.id,
           place.created_on <= %(end)s::date
               AND (place.closed_on IS NULL OR place.closed_on >= %(end)s::date) AS exists_on_end,
           daterange(place.created_on, place.closed_on, '[]') * period.span AS span
    FROM housing_seniorflatplace place
    JOIN housing_seniorflat flat ON flat.id = place.flat_id
    CROSS JOIN period
    WHERE flat.organisation_id = %(organisation)s
),
stays AS (
    SELECT residency.place_id,
           residency.move_in <= %(end)s::date
               AND (residency.move_out IS NULL OR residency.move_out >= %(end)s::date) AS present_on_end,
           daterange(residency.move_in, residency.move_out, '[]') * places.span AS span
    FROM housing_seniorflatresidency residency
    JOIN places ON places.id = residency.place_id
)
SELECT
    (SELECT count(*) FROM places WHERE exists_on_end),
    (SELECT count(DISTINCT stays.place_id) FROM stays JOIN places ON places.id = stays.place_id
        WHERE stays.present_on_end AND places.exists_on_end),
    (SELECT coalesce(sum(upper(span) - lower(span)), 0) FROM places),
    (SELECT coalesce(sum(upper(span) - lower(span)), 0) FROM stays)
"""


@dataclass(frozen=True)
class SeniorFlatFigures:
    """Places and occupancy of an organisation's senior shared flats for a period."""

    start: date
    end: date
    places: int  # places existing on the period's last day
    occupied: int  # of those, occupied on the last day
    place_days: int  # days each place existed within the period, summed
    occupied_place_days: int  # days each place had a resident within the period, summed
    goal: int = SENIOR_FLAT_PLACE_GOAL

    @property
    def free(self):
        return self.places - self.occupied

    @property
    def goal_reached(self):
        return self.places >= self.goal

    @property
    def occupancy_percent(self):
        """Occupied place-days per place-day in percent (one decimal), or None without any place-day."""
        if not self.place_days:
            return None
        share = Decimal(self.occupied_place_days * 100) / Decimal(self.place_days)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def senior_flat_figures(organisation, start, end):
    """The figures for the period [start, end] (both inclusive); one query."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    organisation_id = getattr(organisation, "pk", organisation)
    with connection.cursor() as cursor:
        cursor.execute(_FIGURES_SQL, {"start": start, "end": end, "organisation": organisation_id})
        places, occupied, place_days, occupied_days = cursor.fetchone()
    return SeniorFlatFigures(
        start=start,
        end=end,
        places=places,
        occupied=occupied,
        place_days=int(place_days),
        occupied_place_days=int(occupied_days),
    )


def quarter_start(day):
    """The first day of the calendar quarter that contains ``day``."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
