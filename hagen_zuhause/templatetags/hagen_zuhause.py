import re

from django import template
from django.urls import Resolver404, resolve
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def lockout_minutes(delta):
    """Whole minutes of a lockout period (a timedelta)."""
    return int(delta.total_seconds() // 60) if delta else 0


#: A path inside the app as services write it into a note ("… unter /housing/follow-ups/22/"). Its
#: characters are never special in HTML, so it reads the same before and after escaping.
_APP_PATH = re.compile(r"(?<![\w/.:])(/[A-Za-z0-9_\-/]*/)(?![\w/])")


@register.filter(needs_autoescape=True)
def link_app_paths(text, autoescape=True):
    """The text escaped, with every path of one of the app's pages made a link; no HTML from the text.

    Only paths Django resolves become links, so a path written by a person links at most to another
    page of the app (whose own permission check still applies), never to another site.
    """
    escaped = conditional_escape(text) if autoescape else str(text)

    def link(match):
        path = match.group(1)
        try:
            resolve(path)
        except Resolver404:
            return path
        return f'<a href="{path}">{path}</a>'

    return mark_safe(_APP_PATH.sub(link, escaped))  # escaped above; the paths carry no HTML
