"""The vocabulary of route lists: the permission matrix and the apps' ``<app>/tests/routes*.py``."""

from dataclasses import dataclass, field

LOGIN = "login"  # expected: redirect to the login page
ROLES = ("social_worker", "team_lead", "admin_staff", "outsider")


@dataclass
class Route:
    """Expected status per role for one URL name; ``method`` is the main method of the route.

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


def everyone(status):
    return dict.fromkeys(ROLES, status)
