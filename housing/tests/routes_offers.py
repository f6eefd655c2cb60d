"""Who may use the landlord, offer, matching and KdU pages (see tests/test_permission_matrix.py).

Verwaltung maintains landlords and offers but reads no client data: matching, a client's offers and
the housing search answer 403. Social workers and the team lead read landlords (403 on create/edit)
and work with offers. Objects of another organisation answer 404.
"""

from tests.builders import make_client, make_landlord, make_offer
from tests.routes import Route, every_municipal_role


def _landlord(users):
    return {"pk": make_landlord(users["admin_staff"]).pk}


def _offer(users):
    return {"pk": make_offer(users["admin_staff"]).pk}


def _client(users):
    return {"pk": make_client(users["team_lead"]).pk}


_VERWALTUNG_ONLY = {"social_worker": 403, "team_lead": 403, "admin_staff": 200, "outsider": 403}
_OBJECT = {"social_worker": 200, "team_lead": 200, "admin_staff": 200, "outsider": 404}
_CLIENT_DATA = {"social_worker": 200, "team_lead": 200, "admin_staff": 403, "outsider": 404}

ROUTES = {
    "housing:landlord_list": Route(every_municipal_role(200)),
    "housing:landlord_create": Route(_VERWALTUNG_ONLY),
    "housing:landlord_detail": Route(_OBJECT, setup=_landlord),
    "housing:landlord_edit": Route(_VERWALTUNG_ONLY, setup=_landlord),
    "housing:offer_list": Route(every_municipal_role(200)),
    "housing:offer_create": Route(every_municipal_role(200)),
    "housing:offer_detail": Route(_OBJECT, setup=_offer),
    "housing:offer_edit": Route(_OBJECT, setup=_offer),
    "housing:offer_withdraw": Route(
        {"social_worker": 302, "team_lead": 302, "admin_staff": 302, "outsider": 404},
        method="post",
        setup=_offer,
        data=lambda kwargs: {"confirmed": "on"},
        get_not_allowed=True,
    ),
    "housing:offer_matches": Route(_CLIENT_DATA, setup=_offer),
    "housing:client_offers": Route(_CLIENT_DATA, setup=_client),
    "housing:housing_search_edit": Route(_CLIENT_DATA, setup=_client),
    "housing:kdu_overview": Route(every_municipal_role(200)),
    "housing:districts": Route(_VERWALTUNG_ONLY),
}
