import pytest

from tests.builders import make_client


@pytest.fixture
def client_record(social_worker):
    """An ordinary client of the social worker (assigned to them)."""
    return make_client(social_worker, first_name="Georgi", last_name="Ivanov")


@pytest.fixture
def restricted_client(team_lead):
    """A woman with a protected address: visible to the team lead (assigned) only."""
    return make_client(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
