"""No input answers 500: every GET route of the permission matrix, for every role, with hostile query values.

Page numbers far beyond any integer type, negative and non-numeric ones, very long strings, NUL bytes,
unknown filter codes, malformed dates and repeated keys must get a page, a German message, a redirect
or a 4xx — never a server error. The parameters tried on a route are the ones its page offers (the
names of its forms' fields and of the query strings in its links) and the ones its view module reads
from ``request.GET``. Explicit worst cases first, then hypothesis with a fixed seed
(``derandomize``) and a bounded number of examples, so that the run is reproducible and quick.
"""

import functools
import importlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.routes import ROLES
from tests.test_permission_matrix import MATRIX

HUGE = "99999999999999999999"
#: Sent in every parameter of a route at once, one value a request.
HOSTILE = [HUGE, "-" + HUGE, "x" * 3000, "a\x00b", "31.02.2026", "unknown-code"]
#: What hypothesis draws from besides integers, dates and text of its own.
SAMPLES = [*HOSTILE, "1e400", "-1", "0", "NaN", "abc", "2026-13-45", "0000-00-00", "' OR 1=1 --", "%", ""]

_READ_FROM_GET = re.compile(r"""GET\.(?:get|getlist)\(\s*["'](\w+)["']""")


@functools.cache
def _names_read_in(module_name):
    """The query parameters a view module reads with request.GET.get("…") or .getlist("…")."""
    path = Path(importlib.import_module(module_name).__file__)
    return frozenset(_READ_FROM_GET.findall(path.read_text(encoding="utf-8")))


def _view_module(url):
    view = resolve(urlsplit(url).path).func
    return getattr(view, "view_class", view).__module__


class _QueryNames(HTMLParser):
    """Names of the fields of a page's GET forms and of the query parameters of its links."""

    def __init__(self):
        super().__init__()
        self.names = set()
        self._get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._get_form and attrs.get("name"):
            self.names.add(attrs["name"])
        elif tag == "a" and attrs.get("href"):
            self.names.update(key for key, _value in parse_qsl(urlsplit(attrs["href"]).query, keep_blank_values=True))

    def handle_endtag(self, tag):
        if tag == "form":
            self._get_form = False


def _names_on(response):
    if "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return set()
    parser = _QueryNames()
    parser.feed(response.content.decode("utf-8", errors="replace"))
    return parser.names - {"csrfmiddlewaretoken"}


def _get(client, url, query):
    response = client.get(url, query)
    if getattr(response, "streaming", False):
        # A streamed export fails while it is read, not when the view returns.
        b"".join(response.streaming_content)
    assert response.status_code < 500, (url, query, response.status_code)
    return response


GET_ROUTES = sorted(name for name, route in MATRIX.items() if route.method == "get")


def _query_strategy(names):
    value = st.one_of(
        st.sampled_from(SAMPLES),
        st.integers().map(str),
        st.text(max_size=40),
        st.dates().map(lambda day: day.isoformat()),
    )
    # A list of values is a repeated key (?page=1&page=x).
    return st.dictionaries(
        st.sampled_from(names), st.one_of(value, st.lists(value, min_size=2, max_size=3)), max_size=4
    )


@pytest.mark.parametrize("name", GET_ROUTES)
def test_no_query_value_makes_a_get_route_fail(role_users, client_of, name):
    route = MATRIX[name]
    kwargs = route.setup(role_users) if route.setup else route.kwargs
    url = reverse(name, kwargs=kwargs)
    read_by_view = _names_read_in(_view_module(url))
    allowed = [role for role in ROLES if route.expect[role] == 200]
    for role in ROLES:
        client = client_of(role_users[role])
        if role not in allowed:
            # Refused before anything is read; no value may turn the refusal into an error.
            _get(client, url, dict.fromkeys(read_by_view or ["page"], HUGE))
        elif role != allowed[0]:
            # The same code as for the first role, with other permissions or another organisation.
            _get(client, url, dict.fromkeys(read_by_view or ["page"], HUGE))
        else:
            _walk(client, url, read_by_view)


def _walk(client, url, read_by_view):
    names = sorted(_names_on(_get(client, url, {})) | read_by_view) or ["page"]
    for value in HOSTILE:
        _get(client, url, dict.fromkeys(names, value))
    # One parameter at a time, the others valid (absent): the value reaches the code that uses it.
    for single in names:
        _get(client, url, {single: HUGE})
    for single in read_by_view:
        for value in ("\x00", "1\x00", "%"):  # read straight from the query string, not through a form
            _get(client, url, {single: value})
    _hypothesis_walk(client, url, names)


def _hypothesis_walk(client, url, names):
    @settings(
        max_examples=5,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=_query_strategy(names))
    def walk(query):
        _get(client, url, query)

    walk()


@pytest.mark.parametrize("name", sorted(name for name in GET_ROUTES if MATRIX[name].setup or MATRIX[name].kwargs))
def test_numbers_in_the_path_beyond_any_record_are_not_found(role_users, client_of, name):
    """``/clients/99999999999999999999/`` and ``/reports/quarterly/99999/1/`` are 404, not 500."""
    route = MATRIX[name]
    kwargs = route.setup(role_users) if route.setup else dict(route.kwargs)
    client = client_of(role_users["team_lead"])
    for key, value in kwargs.items():
        if isinstance(value, int):
            for number in (int(HUGE), 0, 10**7):
                response = client.get(reverse(name, kwargs={**kwargs, key: number}))
                assert response.status_code < 500, (name, key, number)
