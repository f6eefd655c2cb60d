"""The team lead's panel on the start page: the quarter so far, the year's headline figures, the
senior flat against its goal and the agreements due for review.

Counts are anonymous (restricted clients included) and about one organisation; the panel names no
person. A constant number of queries, whatever the amount of data.
"""

from datetime import timedelta

from cooperation.models import Agreement, AgreementStatus
from housing.occupancy import senior_flat_figures
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


def _counts(organisation, periods, placed):
    """The headline figures for each period; one query per figure for all periods."""
    persons = figures.persons_with_contact_totals(organisation, periods)
    contacts = figures.contacts_in_periods(organisation, periods)
    new_cases = figures.new_cases_in_periods(organisation, periods)
    return [
        {
            "persons_with_contact": persons[number],
            "contacts": contacts[number]["total"],
            "new_cases": new_cases[number]["total"],
            "placements": placed[number]["households"],
        }
        for number in range(len(periods))
    ]


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
    year = Period(today.year, None, current.start.replace(month=1), today)
    with figures.counting():
        periods = [so_far, _same_point(previous, current, today), previous]
        *placed, in_year = figures.placements_in_periods(organisation, [*periods, year])
        now, same_point, full = _counts(organisation, periods, placed)
        secured = figures.prevention_in_periods(organisation, [year])[0]["housing_secured"]
    quarter = {
        key: {"now": now[key], "previous_same_point": same_point[key], "previous_total": full[key]} for key in now
    }
    flat = senior_flat_figures(organisation, today, today)

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
            "placements_households": in_year["households"],
            "placements_persons": in_year["persons"],
        },
        "senior_flat": {"places": flat.places, "goal": flat.goal, "occupied": flat.occupied},
        "agreements_due": list(due),
    }
