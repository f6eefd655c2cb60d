"""Permission matrix of the access pages (see tests/test_permission_matrix.py).

Requests are made by Verwaltung (``admin_staff``) in the team lead's organisation; the team lead
decides them. The outsider, a team lead of another organisation, finds none of them (404); pages
of Verwaltung answer 403 to every other role. The one-time link pages need no login and answer 404
for an unknown token or without an opened link.
"""

from hagen_zuhause.tests.factories import make_lock, make_role_request
from tests.routes import Route, everyone

ADMINISTRATION_GET = {"social_worker": 403, "team_lead": 403, "admin_staff": 200, "outsider": 403}
ADMINISTRATION_POST = {"social_worker": 403, "team_lead": 403, "admin_staff": 302, "outsider": 403}


def _pending(users):
    return {"pk": make_role_request(users["admin_staff"]).pk}


def _social_worker(users):
    return {"pk": users["social_worker"].pk}


def _lock(users):
    return {"pk": make_lock(users["social_worker"].username).pk}


ROUTES = {
    "access:request_list": Route({"social_worker": 403, "team_lead": 200, "admin_staff": 200, "outsider": 200}),
    "access:request_detail": Route(
        {"social_worker": 403, "team_lead": 200, "admin_staff": 200, "outsider": 404}, setup=_pending
    ),
    # The team lead's confirmation shows the new account's one-time link in the response (200).
    "access:request_confirm": Route(
        {"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 404},
        method="post",
        setup=_pending,
        get_not_allowed=True,
    ),
    "access:request_refuse": Route(
        {"social_worker": 403, "team_lead": 302, "admin_staff": 403, "outsider": 404},
        method="post",
        setup=_pending,
        data=lambda kwargs: {"reason": "Keine Stelle frei"},
        get_not_allowed=True,
    ),
    "access:request_withdraw": Route(ADMINISTRATION_POST, method="post", setup=_pending, get_not_allowed=True),
    "access:user_list": Route(ADMINISTRATION_GET),
    "access:user_create": Route(ADMINISTRATION_GET),
    "access:user_detail": Route(ADMINISTRATION_GET, setup=_social_worker),
    "access:user_role": Route(
        ADMINISTRATION_POST,
        method="post",
        setup=_social_worker,
        data=lambda kwargs: {"role": ""},
        get_not_allowed=True,
    ),
    "access:user_active": Route(
        ADMINISTRATION_POST,
        method="post",
        setup=_social_worker,
        data=lambda kwargs: {"active": "0"},
        get_not_allowed=True,
    ),
    "access:user_password_reset": Route(ADMINISTRATION_POST, method="post", setup=_social_worker, get_not_allowed=True),
    "access:user_second_factor_reset": Route(
        ADMINISTRATION_POST, method="post", setup=_social_worker, get_not_allowed=True
    ),
    "access:lock_list": Route(ADMINISTRATION_GET),
    "access:organisation_settings": Route(ADMINISTRATION_GET),
    "access:lock_lift": Route(
        ADMINISTRATION_POST,
        method="post",
        setup=_lock,
        data=lambda kwargs: {"reason": "Kollegin hat sich vertippt, telefonisch bestätigt"},
        get_not_allowed=True,
    ),
    "access:password_set_link": Route(everyone(404), anonymous=404, kwargs={"token": "unbekannt"}),
    "access:password_set": Route(everyone(404), anonymous=404),
    "access:notices_acknowledge": Route(everyone(302), method="post", get_not_allowed=True),
}
