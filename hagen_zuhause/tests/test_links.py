"""Paths resolved once per view (hagen_zuhause.links) are the paths ``reverse`` writes, for every route."""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse, set_script_prefix
from django.urls.base import get_script_prefix

from hagen_zuhause.links import page_path, record_path


def _view_names(patterns=None, namespace=""):
    """Every named route of the project, with its namespaces (``cases:client_detail``)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _view_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def _reversed(name, args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


VIEW_NAMES = sorted(set(_view_names()))
RECORD_VIEWS = [name for name in VIEW_NAMES if _reversed(name, [42]) is not None]
PAGE_VIEWS = [name for name in VIEW_NAMES if _reversed(name, []) is not None]


def test_the_routes_are_found():
    """The comparisons below would pass on no route at all."""
    assert {"cases:client_detail", "cases:task_edit", "cases:contact_edit", "housing:offer_detail"} <= set(RECORD_VIEWS)
    assert {"cases:client_list", "cases:task_list", "admin:index"} <= set(PAGE_VIEWS)


@pytest.mark.parametrize("name", RECORD_VIEWS)
@pytest.mark.parametrize("key", [0, 7, 42, 123456789])
def test_a_records_path_is_the_one_reverse_writes(name, key):
    assert record_path(name, key) == reverse(name, args=[key])


@pytest.mark.parametrize("name", PAGE_VIEWS)
def test_a_pages_path_is_the_one_reverse_writes(name):
    assert page_path(name) == reverse(name)


def test_paths_follow_the_script_prefix():
    """Behind a proxy that serves the application under a path of its own, every link carries it."""
    before = get_script_prefix()
    try:
        set_script_prefix("/zuhause/")
        assert record_path("cases:client_detail", 5) == reverse("cases:client_detail", args=[5])
        assert record_path("cases:client_detail", 5).startswith("/zuhause/")
        assert page_path("cases:task_list") == reverse("cases:task_list") == "/zuhause/tasks/"
    finally:
        set_script_prefix(before)
    assert not record_path("cases:client_detail", 5).startswith("/zuhause/")


def test_anything_but_a_whole_number_is_reversed_as_usual():
    assert record_path("cases:client_detail", "5") == reverse("cases:client_detail", args=["5"])
    for key in ["fünf", -1, None]:
        with pytest.raises(NoReverseMatch):
            record_path("cases:client_detail", key)
