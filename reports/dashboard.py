"""The team lead's panel on the start page: the quarter so far, the year's headline figures, the
senior flat against its goal and the agreements due for review.

Counts are anonymous (restricted clients included) and about one organisation; the panel names no
person. A constant number of queries, whatever the amount of data.
"""

from datetime import timedelta

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from cooperation.models import Agreement, AgreementStatus
from housing.models import SENIOR_FLAT_PLACE_GOAL
from reports import figures
from reports.periods import Period

REVIEW_WITHIN_DAYS = 30


def _so_far(period, day):
    """The period from its start up to ``day`` (both inclusive, never beyond the period)."""
    return Period(period.year, period.quarter, period.start, min(day, period.end))


def _same_point(previous, current, day):
    """The previous quarter up to the same day number as ``day`` in the current quarter."""
    elapsed = (day - current.start).days
    end = min(previous.start + timedelta(days=elapsed), previous.end)
    return Period(previous.year, previous.quarter, previous.start, end)


def _counts(organisation, period):
    placed = figures.placement_records(organisation, period).aggregate(households=Count("pk"))
    return {
        "persons_with_contact": figures.persons_with_contact_records(organisation, period).count(),
        "contacts": figures.contact_records(organisation, period).count(),
        "new_cases": figures.new_case_records(organisation, period).count(),
        "placements": placed["households"],
    }


def team_lead_panel(organisation, today):
    """What the team lead sees first: a dict of plain numbers, dates and agreements.

    * ``quarter``: the running quarter from its first day to ``today`` against the previous quarter,
      both up to the same day of the quarter (``previous_same_point``) and in full
      (``previous_total``), for persons_with_contact, contacts, new_cases and placements (households);
    * ``year_to_date``: homelessness prevented (persons) and placements (households, persons) from
      1 January to ``today``;
    * ``senior_flat``: places today, the goal, places occupied today;
    * ``agreements_due``: agreements (signed or in negotiation) whose review date falls within the
      next 30 days (today included), soonest first.
    """
    current = Period.containing(today)
    previous = current.previous()
    so_far = _so_far(current, today)
    now = _counts(organisation, so_far)
    same_point = _counts(organisation, _same_point(previous, current, today))
    full = _counts(organisation, previous)
    quarter = {
        key: {"now": now[key], "previous_same_point": same_point[key], "previous_total": full[key]} for key in now
    }

    year = Period(today.year, None, current.start.replace(month=1), today)
    secured = figures.prevention(organisation, year)["housing_secured"]
    placed = figures.placement_records(organisation, year).aggregate(
        households=Count("pk"), persons=Coalesce(Sum("household_size"), 0)
    )

    on_today = Period(today.year, None, today, today)
    places = figures.senior_flat_place_records(organisation, on_today).count()
    occupied = figures.senior_flat_resident_records(organisation, on_today).count()

    due = (
        Agreement.objects.all_of_organisation(organisation)
        .filter(
            review_on__range=(today, today + timedelta(days=REVIEW_WITHIN_DAYS)),
            status__in=[AgreementStatus.SIGNED, AgreementStatus.NEGOTIATING],
        )
        .select_related("partner")
        .order_by("review_on", "pk")
    )
    return {
        "today": today,
        "quarter": {
            "period": so_far,
            "previous_period": previous,
            "figures": quarter,
        },
        "year_to_date": {
            "period": year,
            "homelessness_prevented_persons": secured["persons"],
            "placements_households": placed["households"],
            "placements_persons": placed["persons"],
        },
        "senior_flat": {"places": places, "goal": SENIOR_FLAT_PLACE_GOAL, "occupied": occupied},
        "agreements_due": list(due),
    }
