"""Helpers for markup written in Python — the rows of the longest lists (template tags of the apps), where
a template's tags, filters and translations per row were most of a page's time.

What comes from a record or a translation goes through :func:`text`, which escapes as a template writes
``{{ value }}`` (Django's ``escape`` is ``html.escape``); the rest is the markup itself and numbers.
"""

import html

from django.utils.translation import get_language


def text(value):
    """A record's or a translation's text, escaped."""
    return html.escape(str(value))


def day(value):
    """A date as ``value|date:"d.m.Y"`` writes it."""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def csrf_input(context):
    """What ``{% csrf_token %}`` writes in ``context``."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{text(token)}">'


class Words:
    """The texts of a row (lazy translations), translated and escaped once per language, not once per row.

    ``WORDS = Words({"edit": gettext_lazy("Edit")})`` at module level; ``WORDS()["edit"]`` in the tag.
    """

    def __init__(self, texts):
        self._texts = texts
        self._by_language = {}

    def __call__(self):
        language = get_language()
        words = self._by_language.get(language)
        if words is None:
            words = self._by_language[language] = {key: text(value) for key, value in self._texts.items()}
        return words
