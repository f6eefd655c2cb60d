"""Login locks (django-axes) of an organisation's accounts, as Verwaltung sees and lifts them."""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from hagen_zuhause.models import User


@dataclass
class Lock:
    """One locked pair of user name and address (the lock is per pair, see settings.AXES_LOCKOUT_PARAMETERS)."""

    attempt_id: int
    username: str
    ip_address: str
    failures: int
    last_attempt: datetime
    account: User | None

    @property
    def locked_until(self):
        """When the lock ends at the latest: the cool-off after the last failed attempt."""
        return self.last_attempt + settings.AXES_COOLOFF_TIME


def attempts_of_organisation(organisation_id):
    """Every recorded login attempt (locked or not) under a user name of the organisation."""
    if organisation_id is None:
        return AccessAttempt.objects.none()  # platform superusers: no organisation, no one's locks
    usernames = User.objects.filter(organisation_id=organisation_id).values("username")
    return AccessAttempt.objects.filter(username__in=usernames)


def locks_of_organisation(organisation_id, limit=None):
    """The organisation's accounts that are locked now, the latest lock first (two queries)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    # Failures of one pair are summed over the browsers it used, as django-axes counts them.
    rows = (
        attempts_of_organisation(organisation_id)
        .filter(attempt_time__gte=since)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"), attempt_id=Max("id"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt", "username")
    )
    rows = list(rows[:limit] if limit else rows)
    accounts = User.objects.filter(organisation_id=organisation_id, username__in=[row["username"] for row in rows])
    by_username = {account.username: account for account in accounts} if rows else {}
    return [Lock(account=by_username.get(row["username"]), **row) for row in rows]
