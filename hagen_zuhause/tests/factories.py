"""Building access state for tests through the real services."""

import itertools

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from hagen_zuhause import services
from hagen_zuhause.roles import Role

_numbers = itertools.count(1)


def make_account(actor, role=None, **fields):
    """A new account opened by ``actor`` (Verwaltung) on the page's service; returns (account, outcome)."""
    number = next(_numbers)
    fields.setdefault("username", f"konto{number}")
    fields.setdefault("first_name", "Kim")
    fields.setdefault("last_name", f"Neumann{number}")
    return services.account_create(actor=actor, role=role, **fields)


def make_role_request(requester, role=Role.SOCIAL_WORKER, receiver=None):
    """A pending role request by ``requester`` (Verwaltung), for a new account unless ``receiver`` is given."""
    if receiver is None:
        _account, outcome = make_account(requester, role=role)
    else:
        outcome = services.role_change(user=receiver, role=role, actor=requester)
    assert outcome.change.is_pending
    return outcome.change


def make_lock(username, ip_address="10.0.0.7"):
    """A login lock as django-axes records it after too many wrong passwords."""
    return AccessAttempt.objects.create(
        username=username,
        ip_address=ip_address,
        user_agent="Firefox",
        http_accept="text/html",
        path_info="/accounts/login/",
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
