"""Every route × every role: anonymous → login, wrong role → 403, POST-only → 405, objects of
another organisation → 404.

A route that is not listed fails the test: new routes must state who may use them. The routes of
the foundation are listed here; each app lists its own in ``<app>/tests/routes*.py`` as a dict
``ROUTES`` of URL name → :class:`Route`.
"""

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.routes import LOGIN, ROLES, Route, everyone

FOUNDATION = {
    # The state's users have one page: the start page sends them to it.
    "dashboard": Route({**everyone(200), "land": 302}),
    "healthz": Route(everyone(200), anonymous=200),
    "login": Route(everyone(302), anonymous=200),
    "logout": Route(everyone(302), anonymous=302, method="post", get_not_allowed=True),
    "password_change": Route(everyone(200)),
    "password_change_done": Route(everyone(200)),
    "account_reminders": Route(everyone(302), method="post", get_not_allowed=True),
    "audit:history": Route({"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200}),
    "audit:access": Route({"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200}),
    "audit:history_export": Route({"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200}),
    "audit:access_export": Route({"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200}),
}


def _app_routes():
    routes = {}
    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.glob("*/tests/routes*.py")):
        module = importlib.import_module(".".join(path.relative_to(root).with_suffix("").parts))
        duplicated = set(routes) & set(module.ROUTES)
        assert not duplicated, f"Routes listed twice: {duplicated}"
        routes.update(module.ROUTES)
    return routes


MATRIX = {**FOUNDATION, **_app_routes()}

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


def _request(client, route, name, kwargs, method=None):
    url = reverse(name, kwargs=kwargs)
    method = method or route.method
    if method == "post":
        return client.post(url, route.data(kwargs) if route.data else {})
    return client.get(url)


def _kwargs(route, users):
    return route.setup(users) if route.setup else route.kwargs


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous(client, role_users, name):
    route = MATRIX[name]
    _check(_request(client, route, name, _kwargs(route, role_users)), route.anonymous)


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_roles(role_users, client_of, name, role):
    route = MATRIX[name]
    kwargs = _kwargs(route, role_users)
    _check(_request(client_of(role_users[role]), route, name, kwargs), route.expect[role])


@pytest.mark.parametrize("name", sorted(n for n, r in MATRIX.items() if r.get_not_allowed))
def test_get_on_post_only_route_is_405(role_users, client_of, name):
    route = MATRIX[name]
    kwargs = _kwargs(route, role_users)
    response = _request(client_of(role_users["team_lead"]), route, name, kwargs, method="get")
    assert response.status_code == 405
