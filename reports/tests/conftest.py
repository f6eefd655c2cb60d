import pytest

from reports.tests.factories import make_report_data


@pytest.fixture
def report_data(social_worker, team_lead, admin_staff):
    """A quarter of case work in Q3 2026 (see factories.make_report_data)."""
    return make_report_data(social_worker, team_lead, admin_staff)
