"""Permission matrix of the placement, board and senior-flat routes (see tests/test_permission_matrix.py).

Objects are built in the team lead's organisation; clients are not restricted, so the social worker
sees them too. Verwaltung holds no case work permissions (403); the outsider (team lead of another
organisation) gets 404 on every object and its own, empty board and senior-flat page.
"""

from datetime import date

from django.utils import timezone

from housing.services.senior_flat import resident_move_in, waiting_add
from tests.builders import make_flat, make_offer, make_placement, make_seeker, make_senior
from tests.routes import Route

WORKERS = {"social_worker": 200, "team_lead": 200, "admin_staff": 403}
OBJECT_GET = {**WORKERS, "outsider": 404}
OBJECT_POST = {"social_worker": 302, "team_lead": 302, "admin_staff": 403, "outsider": 404}
PAGE = {**WORKERS, "outsider": 200}


def _today():
    return timezone.localdate().isoformat()


#: Ids made by a setup that the POST body needs (the URL kwargs hold only the object's pk).
_made = {}


def _offer(users):
    lead = users["team_lead"]
    offer = make_offer(lead)
    _made["client"] = make_seeker(lead, first_name="Matrix", last_name="Haushalt").pk
    return {"pk": offer.pk}


def _placement(users):
    return {"pk": make_placement(users["team_lead"]).pk}


def _follow_up(users):
    placement = make_placement(users["team_lead"], step="moved_in")
    return {"pk": placement.follow_ups.get(months=3).pk}


def _place(users):
    lead = users["team_lead"]
    flat = make_flat(lead.organisation, places=1)
    _made["client"] = make_senior(lead).pk
    return {"pk": flat.places.get().pk}


def _flat(users):
    return {"pk": make_flat(users["team_lead"].organisation).pk}


def _residency(users):
    lead = users["team_lead"]
    flat = make_flat(lead.organisation, places=1)
    residency = resident_move_in(
        place=flat.places.get(), client=make_senior(lead), move_in=date(2025, 6, 1), actor=lead
    )
    return {"pk": residency.pk}


def _waiting_entry(users):
    lead = users["team_lead"]
    entry = waiting_add(flat=make_flat(lead.organisation), client=make_senior(lead), actor=lead)
    return {"pk": entry.pk}


ROUTES = {
    "housing:placement_propose": Route(
        OBJECT_POST,
        method="post",
        setup=_offer,
        data=lambda kwargs: {"client": _made["client"]},
        get_not_allowed=True,
    ),
    "housing:placement_detail": Route(OBJECT_GET, setup=_placement),
    "housing:placement_advance": Route(
        OBJECT_POST,
        method="post",
        setup=_placement,
        data=lambda kwargs: {"step": "viewing", "on": _today(), "expected_step": "proposed"},
        get_not_allowed=True,
    ),
    "housing:placement_decline": Route(
        OBJECT_POST,
        method="post",
        setup=_placement,
        data=lambda kwargs: {"reason": "client_declined", "on": _today(), "note": "Zu weit weg"},
        get_not_allowed=True,
    ),
    "housing:placement_plan_step": Route(
        OBJECT_POST,
        method="post",
        setup=_placement,
        data=lambda kwargs: {"step": "viewing", "on": _today(), "start_time": "23:30", "expected_step": "proposed"},
        get_not_allowed=True,
    ),
    "housing:follow_up_answer": Route(OBJECT_GET, setup=_follow_up),
    "housing:board": Route(PAGE),
    "housing:board_column": Route(PAGE, kwargs={"column": "viewing"}),
    "housing:stall_thresholds": Route({"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200}),
    "housing:senior_flat": Route(PAGE),
    "housing:resident_add": Route(OBJECT_GET, setup=_place),
    "housing:resident_move_out": Route(
        OBJECT_POST,
        method="post",
        setup=_residency,
        data=lambda kwargs: {"move_out": "2025-12-31", "confirmed": "on"},
        get_not_allowed=True,
    ),
    "housing:waiting_add": Route(OBJECT_GET, setup=_flat),
    "housing:waiting_remove": Route(
        OBJECT_POST,
        method="post",
        setup=_waiting_entry,
        data=lambda kwargs: {"reason": "withdrawn"},
        get_not_allowed=True,
    ),
}
