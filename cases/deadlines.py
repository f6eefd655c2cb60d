"""Date arithmetic of legal deadlines (no dateutil: the rules are few and must be exact).

* The grace period (*Schonfrist*, § 569 Abs. 3 Nr. 2 BGB) ends two calendar months after the
  eviction suit was served. A month later than the last day of a shorter month ends on that
  month's last day (§ 188 Abs. 3 BGB): served 31.12. → 28.02. (29.02. in a leap year).
* A deadline whose last day is a Saturday, a Sunday or a public holiday at the place of performance
  ends on the next working day (§ 193 BGB). The place is the organisation's state
  (``Organisation.holiday_state``); its holidays come from the ``holidays`` package. Court dates
  (hearing, eviction) are set by the court and never move.
* The grace period can be used only once within two years: if an earlier notice's arrears were
  settled within its grace period no more than two years before this service, paying again does
  not make the new notice ineffective.
"""

import functools
from datetime import timedelta

import holidays

from hagen_zuhause.codes import LEGAL_DEADLINE_KINDS
from hagen_zuhause.dates import add_months

SCHONFRIST_MONTHS = 2
SCHONFRIST_REUSE_YEARS = 2
#: Legal deadlines this many days ahead (or fewer) are warned about.
WARNING_DAYS = 7


@functools.cache
def _public_holidays(state, year):
    """{day: German name} of the public holidays of one German state (ISO subdivision code) in one year."""
    return dict(holidays.country_holidays("DE", subdiv=state, years=year, language="de"))


def public_holiday(day, state):
    """The German name of the public holiday ``day`` is in ``state``, or ""."""
    return _public_holidays(state, day.year).get(day, "")


def is_working_day(day, state):
    """Monday to Friday and not a public holiday of ``state``."""
    return day.weekday() < 5 and not public_holiday(day, state)


def next_working_day(day, *, state):
    """``day`` itself if it is a working day, else the next one (§ 193 BGB)."""
    while not is_working_day(day, state):
        day += timedelta(days=1)
    return day


def schonfrist_last_calendar_day(served_on):
    """The last day of the two months, before § 193 BGB moves it off a weekend or holiday."""
    return add_months(served_on, SCHONFRIST_MONTHS)


def schonfrist_end(served_on, *, state):
    """Last day on which paying the arrears still makes the notice ineffective."""
    return next_working_day(schonfrist_last_calendar_day(served_on), state=state)


def schonfrist_reuse_window(served_on):
    """(first, last) day of the two years before service in which a used grace period counts."""
    return add_months(served_on, -12 * SCHONFRIST_REUSE_YEARS), served_on


def schonfrist_blocker(notice, notices):
    """The earlier notice whose used grace period makes ``notice``'s unusable, or None.

    ``notices`` are the client's notices (``notice`` itself may be among them and is skipped).
    """
    if notice.served_on is None:
        return None
    first, last = schonfrist_reuse_window(notice.served_on)
    candidates = [
        other
        for other in notices
        if other.pk != notice.pk and other.schonfrist_used_on and first <= other.schonfrist_used_on <= last
    ]
    return max(candidates, key=lambda other: other.schonfrist_used_on, default=None)


def deadline_warnings(tasks, today):
    """(passed, soon) of open legal-deadline tasks: passed and not done, or due within WARNING_DAYS.

    Each task gets ``days`` (until it is due) and ``days_overdue`` (since it passed). Tasks further ahead,
    done tasks and follow-ups are left out.
    """
    passed, soon = [], []
    for task in tasks:
        if task.done_at is not None or task.kind not in LEGAL_DEADLINE_KINDS:
            continue
        task.days = (task.due_on - today).days
        task.days_overdue = -task.days
        if task.days < 0:
            passed.append(task)
        elif task.days <= WARNING_DAYS:
            soon.append(task)
    return passed, soon
