"""Date arithmetic of legal deadlines (no dateutil: the rules are few and must be exact).

* The grace period (*Schonfrist*, § 569 Abs. 3 Nr. 2 BGB) ends two calendar months after the
  eviction suit was served. A month later than the last day of a shorter month ends on that
  month's last day (§ 188 Abs. 3 BGB): served 31.12. → 28.02. (29.02. in a leap year).
* The grace period can be used only once within two years: if an earlier notice's arrears were
  settled within its grace period no more than two years before this service, paying again does
  not make the new notice ineffective.
"""

import calendar
from datetime import date

SCHONFRIST_MONTHS = 2
SCHONFRIST_REUSE_YEARS = 2


def add_months(day, months):
    """The same day ``months`` calendar months later (or earlier), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def schonfrist_end(served_on):
    """Last day on which paying the arrears still makes the notice ineffective."""
    return add_months(served_on, SCHONFRIST_MONTHS)


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
