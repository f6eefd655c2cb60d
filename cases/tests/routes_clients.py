"""Permission matrix of the client routes (see tests/test_permission_matrix.py).

Objects are built in the team lead's organisation; the client is not restricted, so the social
worker sees it too. The outsider (team lead of another organisation) gets 404 on every object.
"""

from datetime import date

from cases.services.clients import client_link, consent_record
from hagen_zuhause.codes import ConsentScope
from tests.builders import make_client
from tests.routes import Route

WORKERS = {"social_worker": 200, "team_lead": 200, "admin_staff": 403}
WORKERS_POST = {"social_worker": 302, "team_lead": 302, "admin_staff": 403, "outsider": 404}


def _client(users):
    return {"pk": make_client(users["team_lead"], first_name="Matrix", last_name="Klientin").pk}


def _consent(users):
    lead = users["team_lead"]
    client = make_client(lead, first_name="Matrix", last_name="Einwilligung")
    consent = consent_record(client=client, actor=lead, scope=ConsentScope.REFERRAL, given_on=date(2026, 1, 5))
    return {"pk": client.pk, "consent_pk": consent.pk}


def _link(users):
    lead = users["team_lead"]
    first = make_client(lead, first_name="Matrix", last_name="Eins")
    second = make_client(lead, first_name="Matrix", last_name="Zwei")
    link = client_link(client=first, other=second, actor=lead)
    return {"pk": first.pk, "link_pk": link.pk}


ROUTES = {
    "cases:client_list": Route({**WORKERS, "outsider": 200}),
    "cases:consent_ending_list": Route({**WORKERS, "outsider": 200}),
    "cases:client_create": Route({**WORKERS, "outsider": 200}),
    "cases:client_open_existing": Route(
        WORKERS_POST,
        method="post",
        setup=_client,
        data=lambda kwargs: {"candidate": [kwargs["pk"]]},
        get_not_allowed=True,
    ),
    "cases:client_edit": Route({**WORKERS, "outsider": 404}, setup=_client),
    "cases:client_target_groups": Route({**WORKERS, "outsider": 404}, setup=_client),
    "cases:consent_create": Route({**WORKERS, "outsider": 404}, setup=_client),
    "cases:consent_withdraw": Route(
        WORKERS_POST,
        method="post",
        setup=_consent,
        data=lambda kwargs: {"withdrawn_on": "2026-02-01"},
        get_not_allowed=True,
    ),
    "cases:client_link": Route({**WORKERS, "outsider": 404}, setup=_client),
    "cases:client_unlink": Route(WORKERS_POST, method="post", setup=_link, get_not_allowed=True),
}
