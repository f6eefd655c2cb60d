"""Permission matrix of the case-work routes (see tests/test_permission_matrix.py).

Objects are built in the team lead's organisation, about a client that is not restricted, so the
social worker sees them too; Verwaltung holds no case permission (403); the outsider, a team lead
of another organisation, finds none of them (404). Contacts are recorded by the social worker,
so that both the author and the team lead may edit them (someone else's contact: see
test_casework_views.py).
"""

from datetime import timedelta

from django.utils import timezone

from cases.services.cases import case_close
from hagen_zuhause.codes import CaseType, Outcome
from tests.builders import make_case, make_client, make_contact, make_notice, make_stay, make_task
from tests.routes import Route

OBJECT_GET = {"social_worker": 200, "team_lead": 200, "admin_staff": 403, "outsider": 404}
OBJECT_POST = {"social_worker": 302, "team_lead": 302, "admin_staff": 403, "outsider": 404}


def _today(days=0):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _client(users):
    return {"pk": make_client(users["team_lead"], first_name="Matrix", last_name="Fallarbeit").pk}


def _open_case(users):
    lead = users["team_lead"]
    return {"pk": make_case(make_client(lead), lead).pk}


def _closed_case(users):
    lead = users["team_lead"]
    case = make_case(make_client(lead), lead, case_type=CaseType.PREVENTION)
    case_close(case=case, outcome=Outcome.TENANCY_KEPT, actor=lead)
    return {"pk": case.pk}


def _stay(users):
    lead = users["team_lead"]
    return {"pk": make_stay(make_client(lead), lead).pk}


def _contact(users):
    client = make_client(users["team_lead"])
    return {"pk": make_contact(client, users["social_worker"], note="Matrix").pk}


def _task(users):
    lead = users["team_lead"]
    return {"pk": make_task(make_client(lead), lead, assignee=users["social_worker"]).pk}


def _notice(users):
    lead = users["team_lead"]
    return {"pk": make_notice(make_client(lead), lead, served_on=timezone.localdate()).pk}


ROUTES = {
    "cases:client_detail": Route(OBJECT_GET, setup=_client),
    "cases:client_health_notes": Route(OBJECT_GET, setup=_client),
    "cases:client_history": Route(OBJECT_GET, setup=_client),
    "cases:case_open": Route(
        OBJECT_POST,
        method="post",
        setup=_client,
        data=lambda kwargs: {
            "case_type": "prevention",
            "opened_on": _today(),
            "housing_situation": "threatened",
            "bagw_situation": "own_tenancy",
        },
    ),
    "cases:case_edit": Route(OBJECT_GET, setup=_open_case),
    "cases:case_close": Route(
        OBJECT_POST,
        method="post",
        setup=_open_case,
        data=lambda kwargs: {"outcome": "tenancy_kept", "closed_on": _today(), "confirmed": "on"},
    ),
    "cases:case_reopen": Route(OBJECT_POST, method="post", setup=_closed_case, get_not_allowed=True),
    "cases:stay_create": Route(
        OBJECT_POST,
        method="post",
        setup=_client,
        data=lambda kwargs: {"kind": "emergency_shelter", "provider_type": "municipal", "start": _today(-10)},
    ),
    "cases:stay_edit": Route(OBJECT_GET, setup=_stay),
    "cases:contact_create": Route(
        OBJECT_POST,
        method="post",
        setup=_client,
        data=lambda kwargs: {"date": _today(), "contact_type": "phone"},
        get_not_allowed=True,
    ),
    "cases:contact_edit": Route(OBJECT_GET, setup=_contact),
    "cases:task_list": Route({"social_worker": 200, "team_lead": 200, "admin_staff": 403, "outsider": 200}),
    "cases:task_create": Route(OBJECT_GET, setup=_client),
    "cases:task_edit": Route(OBJECT_GET, setup=_task),
    "cases:task_done": Route(OBJECT_POST, method="post", setup=_task, get_not_allowed=True),
    "cases:notice_create": Route(OBJECT_GET, setup=_client),
    "cases:notice_edit": Route(OBJECT_GET, setup=_notice),
}
