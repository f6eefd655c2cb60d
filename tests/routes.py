"""The vocabulary of route lists: the permission matrix and the apps' ``<app>/tests/routes*.py``."""

from dataclasses import dataclass, field

LOGIN = "login"  # expected: redirect to the login page
ROLES = ("social_worker", "team_lead", "admin_staff", "outsider", "land")
#: What a user of the state (role Land) gets where a route does not say otherwise: the municipalities'
#: pages are closed to the state, which reads only the submitted figures at /land/.
STATE_DEFAULT = 403


@dataclass
class Route:
    """Expected status per role for one URL name; ``method`` is the main method of the route.

    A route that names no status for ``land`` expects :data:`STATE_DEFAULT` (403) for the state's user.

    ``setup(users)`` builds the object(s) the URL needs, in the organisation of ``users["team_lead"]``,
    and returns the URL kwargs; ``users`` holds the role fixtures by role name.
    ``data(kwargs)`` gives the POST body, when the route is tested with POST.
    """

    expect: dict
    anonymous: object = LOGIN
    method: str = "get"
    kwargs: dict = field(default_factory=dict)
    setup: object = None
    data: object = None
    get_not_allowed: bool = False

    def __post_init__(self):
        self.expect = {"land": STATE_DEFAULT, **self.expect}


def everyone(status):
    """Every account, the state's included (its own account pages, the start page)."""
    return dict.fromkeys(ROLES, status)


def every_municipal_role(status):
    """Every role of a municipality; the state's user gets :data:`STATE_DEFAULT`."""
    return dict.fromkeys((role for role in ROLES if role != "land"), status)
