"""Permission matrix of erasure on request (see tests/test_permission_matrix.py).

Only team leads request and decide. The requests of the confirm and refuse routes are made by a second
team lead (nobody decides their own); the withdraw route's by the matrix's team lead.
"""

from cases.services.restriction import processing_restrict
from tests.builders import make_client, make_erasure_request, make_second_team_lead
from tests.routes import Route

LEAD_ONLY = {"social_worker": 403, "team_lead": 200, "admin_staff": 403}
LEAD_POST = {"social_worker": 403, "team_lead": 302, "admin_staff": 403, "outsider": 404}


def _client(users):
    return {"pk": make_client(users["team_lead"], first_name="Matrix", last_name="Löschung").pk}


def _by_other_lead(users):
    other = make_second_team_lead(users["team_lead"].organisation)
    return {"pk": make_erasure_request(other).pk}


def _by_team_lead(users):
    return {"pk": make_erasure_request(users["team_lead"]).pk}


ROUTES = {
    "cases:erasure_request_create": Route({**LEAD_ONLY, "outsider": 404}, setup=_client),
    "cases:erasure_request_list": Route({**LEAD_ONLY, "outsider": 200}),
    "cases:erasure_request_detail": Route({**LEAD_ONLY, "outsider": 404}, setup=_by_other_lead),
    "cases:erasure_request_confirm": Route(LEAD_POST, method="post", setup=_by_other_lead, get_not_allowed=True),
    "cases:erasure_request_refuse": Route(
        LEAD_POST,
        method="post",
        setup=_by_other_lead,
        data=lambda kwargs: {"reason": "Aufbewahrungspflicht wegen laufenden Verfahrens"},
        get_not_allowed=True,
    ),
    "cases:erasure_request_withdraw": Route(LEAD_POST, method="post", setup=_by_team_lead, get_not_allowed=True),
}


def _restricted(users):
    client = make_client(users["team_lead"], first_name="Matrix", last_name="Einschränkung")
    processing_restrict(client=client, actor=users["team_lead"], reason="Richtigkeit bestritten")
    return {"pk": client.pk}


ROUTES.update(
    {
        "cases:processing_restrict": Route({**LEAD_ONLY, "outsider": 404}, setup=_client),
        "cases:processing_restriction_lift": Route({**LEAD_ONLY, "outsider": 404}, setup=_restricted),
    }
)
