"""Who may use the report pages (see tests/test_permission_matrix.py).

Social work and the team lead read the report and the lists behind it; only the team lead exports,
finalises and downloads the federal statistic; Verwaltung reads no case data (403 everywhere). A team
lead of another organisation sees that organisation's own report (200), never this one's snapshot (404).
"""

from django.utils import timezone

from reports import snapshots
from reports.periods import Period
from tests.routes import Route


def ended_quarter(users=None):
    """The last quarter that has ended (the only kind that can be finalised)."""
    period = Period.containing(timezone.localdate()).previous()
    return {"year": period.year, "quarter": period.quarter}


def _records(users):
    return {**ended_quarter(), "figure": "persons_with_contact"}


def _finalised(users):
    kwargs = ended_quarter()
    lead = users["team_lead"]
    snapshots.finalise(organisation=lead.organisation, period=Period.quarter_of(**kwargs), actor=lead)
    return kwargs


_READERS = {"social_worker": 200, "team_lead": 200, "admin_staff": 403, "outsider": 200}
_TEAM_LEAD = {"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200}

ROUTES = {
    "reports:index": Route(_READERS),
    "reports:quarterly": Route(_READERS, setup=ended_quarter),
    "reports:quarterly_figures": Route(_READERS, setup=ended_quarter),
    "reports:records": Route(_READERS, setup=_records),
    "reports:finalise": Route(
        {"social_worker": 403, "team_lead": 302, "admin_staff": 403, "outsider": 302},
        method="post",
        setup=ended_quarter,
        get_not_allowed=True,
    ),
    "reports:snapshot": Route(
        {"social_worker": 200, "team_lead": 200, "admin_staff": 403, "outsider": 404}, setup=_finalised
    ),
    "reports:federal_statistic": Route(_TEAM_LEAD),
    "reports:dashboard_panel": Route(_TEAM_LEAD),
}

# Submissions to the state: the team lead reads and submits; another organisation's team lead finds no
# finalised quarter here (404), and its own quarter is not finalised (the submission is refused: 302).
ROUTES["reports:submission"] = Route(
    {"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 404}, setup=_finalised
)
ROUTES["reports:submit"] = Route(
    {"social_worker": 403, "team_lead": 302, "admin_staff": 403, "outsider": 302},
    method="post",
    setup=_finalised,
    data=lambda kwargs: {"version": "1", "confirmed": "on"},
    get_not_allowed=True,
)

# The state's overview: only the state's user (role Land) reads it; every municipal role gets 403.
ROUTES["land:overview"] = Route(
    {"social_worker": 403, "team_lead": 403, "admin_staff": 403, "outsider": 403, "land": 200}
)
