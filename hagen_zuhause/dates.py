"""Dates and times as the office sees them (Europe/Berlin)."""

import calendar
from datetime import date, datetime, time

from django.utils import timezone


def local_midnight(day):
    """The start of ``day`` in the office's time zone, as an aware date-time.

    A filter "from day A to day B" on a time column is ``>= local_midnight(A)`` and
    ``< local_midnight(B + 1 day)``: bounds on the column itself, which its index can find.
    """
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def add_months(day, months):
    """The same day ``months`` calendar months later (or earlier), clamped to the end of a shorter month
    (31.12. + 2 → 28./29.02.)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
