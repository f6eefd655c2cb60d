"""Every route × every role: anonymous → login, wrong role → 403, POST-only → 405.

A route that is not listed here fails the test: new routes must state who may use them.
Object routes of later apps add ``outsider`` expectations (another organisation → 404).
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

LOGIN = "login"  # expected: redirect to the login page
ROLES = ("social_worker", "team_lead", "admin_staff", "outsider")


@dataclass
class Route:
    """Expected status per role for one URL name; ``method`` is the main method of the route."""

    expect: dict
    anonymous: object = LOGIN
    method: str = "get"
    kwargs: dict = field(default_factory=dict)
    get_not_allowed: bool = False


def everyone(status):
    return dict.fromkeys(ROLES, status)


MATRIX = {
    "dashboard": Route(everyone(200)),
    "healthz": Route(everyone(200), anonymous=200),
    "login": Route(everyone(302), anonymous=200),
    "logout": Route(everyone(302), anonymous=302, method="post", get_not_allowed=True),
    "password_change": Route(everyone(200)),
    "password_change_done": Route(everyone(200)),
    "audit:history": Route({"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200}),
    "audit:access": Route({"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200}),
}

#: Django's admin is tested in hagen_zuhause/tests/test_admin.py.
EXCLUDED_NAMESPACES = {"admin"}


def route_names(patterns=None, namespace=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"The route {pattern.pattern} has no name."
            yield f"{namespace}{pattern.name}"


def test_every_route_is_in_the_matrix():
    missing = sorted(set(route_names()) - set(MATRIX))
    assert not missing, f"Routes without an entry in the permission matrix: {missing}"


def test_matrix_has_no_stale_entries():
    stale = sorted(set(MATRIX) - set(route_names()))
    assert not stale, f"Matrix entries for routes that no longer exist: {stale}"


def _request(client, route, name, method=None):
    url = reverse(name, kwargs=route.kwargs)
    return getattr(client, method or route.method)(url)


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous(client, name):
    route = MATRIX[name]
    _check(_request(client, route, name), route.anonymous)


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_roles(role_users, client_of, name, role):
    route = MATRIX[name]
    _check(_request(client_of(role_users[role]), route, name), route.expect[role])


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.get_not_allowed))
def test_get_on_post_only_route_is_405(team_lead, client_of, name):
    response = _request(client_of(team_lead), MATRIX[name], name, method="get")
    assert response.status_code == 405
