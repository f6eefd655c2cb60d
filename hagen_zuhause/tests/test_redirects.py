"""The ``next`` value of a form: back to a page of this site, never elsewhere, never an error."""

import pytest
from django.test import RequestFactory

from hagen_zuhause.redirects import next_url


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/clients/7/?tab=tasks", "/clients/7/?tab=tasks"),
        ("99999999999999999999", "/fallback/"),  # redirect() would look it up as a URL name
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("/\\evil.example", "/fallback/"),
        ("", "/fallback/"),
    ],
)
def test_next_is_a_path_of_this_site_or_the_default(value, expected):
    request = RequestFactory().post("/anywhere/", {"next": value})
    assert next_url(request, "/fallback/") == expected
