"""Paths of pages and records for long lists and the navigation, without matching the URL patterns anew
for every link.

Django's ``reverse`` (behind ``{% url %}``) looks the view up among the patterns, fills in and checks
the arguments and quotes the result on every call: about a tenth of a millisecond on the machines the
city runs. The task list writes three links in each of its 50 rows, the contact timeline one per
contact, and the navigation sixteen on every page. A record's path differs from row to row only in its
key, so it is reversed once per view (with a stand-in key) and the key is written into the place of the
stand-in; a page without arguments is reversed once. Both are kept per script prefix and URL
configuration, which is all a path depends on besides the view and the key.

Anything else — a key that is not a whole number, a view whose path does not carry the key as it is
(a converter of its own) — is reversed as usual. ``hagen_zuhause/tests/test_links.py`` compares with
``reverse`` for every route that takes one key.
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

#: A key no record has, written once into each view's path to find where the key goes.
_STAND_IN = 918_273_645_546_372_819


def page_path(viewname):
    """``reverse(viewname)`` for a page without arguments."""
    return _page_path(viewname, get_script_prefix(), get_urlconf())


def record_path(viewname, key):
    """``reverse(viewname, args=[key])`` for a record's page."""
    if type(key) is int and key >= 0:
        parts = _key_parts(viewname, get_script_prefix(), get_urlconf())
        if parts is not None:
            return f"{parts[0]}{key}{parts[1]}"
    return reverse(viewname, args=[key])


@functools.lru_cache(maxsize=256)
def _page_path(viewname, prefix, urlconf):
    return reverse(viewname, urlconf=urlconf)


@functools.lru_cache(maxsize=256)
def _key_parts(viewname, prefix, urlconf):
    """The path of ``viewname`` before and after its key; None when the key is not written as it is."""
    path = reverse(viewname, args=[_STAND_IN], urlconf=urlconf)
    before, found, after = path.partition(str(_STAND_IN))
    if not found or str(_STAND_IN) in after:
        return None
    return before, after
