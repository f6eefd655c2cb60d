from tests.builders import make_client
from tests.routes import Route


def _client(users):
    """A client created (and so assigned to) the team lead; the social worker is not assigned."""
    return {"pk": make_client(users["team_lead"], first_name="Matrix", last_name="Auskunft").pk}


ROUTES = {
    "cases:client_export": Route(
        {"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200},
    ),
    "cases:client_data_export": Route(
        {"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 404}, setup=_client
    ),
}
