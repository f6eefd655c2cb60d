"""Permission matrix of appointments, the week view and the calendar subscription.

Objects are built in the team lead's organisation about a client that is not restricted. The feed
answers without a session: its secret address is the key, whoever fetches it (anonymous too).
"""

from cases.services.appointments import calendar_feed_renew
from tests.builders import make_appointment, make_client
from tests.routes import Route, everyone

OBJECT_GET = {"social_worker": 200, "team_lead": 200, "admin_staff": 403, "outsider": 404}
OBJECT_POST = {"social_worker": 302, "team_lead": 302, "admin_staff": 403, "outsider": 404}
CASE_WORKERS = {"social_worker": 200, "team_lead": 200, "admin_staff": 403, "outsider": 200}


def _client(users):
    return {"pk": make_client(users["team_lead"], first_name="Matrix", last_name="Termin").pk}


def _appointment(users):
    lead = users["team_lead"]
    return {"pk": make_appointment(make_client(lead), lead, worker=users["social_worker"]).pk}


def _feed(users):
    return {"token": calendar_feed_renew(user=users["team_lead"])}


ROUTES = {
    "cases:appointment_create": Route(OBJECT_GET, setup=_client),
    "cases:appointment_edit": Route(OBJECT_GET, setup=_appointment),
    "cases:appointment_done": Route(OBJECT_POST, method="post", setup=_appointment, get_not_allowed=True),
    "cases:appointment_cancel": Route(OBJECT_POST, method="post", setup=_appointment, get_not_allowed=True),
    "cases:calendar": Route(CASE_WORKERS),
    "cases:calendar_feed_renew": Route(CASE_WORKERS, method="post", get_not_allowed=True),
    "cases:calendar_feed_revoke": Route(
        {"social_worker": 302, "team_lead": 302, "admin_staff": 403, "outsider": 302},
        method="post",
        get_not_allowed=True,
    ),
    # The feed opens with its secret token alone, whoever holds it (case numbers and kinds only).
    "cases:calendar_feed": Route(everyone(200), anonymous=200, setup=_feed),
}
