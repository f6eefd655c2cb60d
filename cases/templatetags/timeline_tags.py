"""The contact timeline's entries, written in Python: the client page shows up to 50 contacts, and the
template's markup per contact (its tags, filters and translations) was half of the page's time.

Written with plain strings: every text that comes from a record or a translation goes through
:func:`_text` (Django's ``escape``, which is ``html.escape``); the rest is the markup itself and numbers.
"""

import html
from functools import lru_cache

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import get_language, gettext

from hagen_zuhause.links import record_path

register = template.Library()


def _text(value):
    """A record's or a translation's text, escaped as a template writes ``{{ value }}``."""
    return html.escape(str(value))


@lru_cache(maxsize=8)
def _labels(language):
    """The timeline's words in ``language`` (the active one), escaped: translated once, not once per contact."""
    return {
        "min": _text(gettext("min")),
        "with interpreter": _text(gettext("with interpreter")),
        "Edit": _text(gettext("Edit")),
        "contact of": _text(gettext("contact of")),
        "Topics": _text(gettext("Topics")),
    }


def _day(day):
    """``day|date:"d.m.Y"``."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


@register.simple_tag
def timeline_contact(contact, user_id, may_change_any, read_only):
    """One contact: day, kind, duration and interpreter; the edit link for its worker (or whoever may change
    any contact) unless the file is read only; worker and place; topics; the note.

    ``contact.type_label`` and ``contact.topic_labels`` are set by the view (cases.views.casework._timeline).
    """
    words = _labels(get_language())
    day = _day(contact.date)
    parts = [
        f'<li class="border-start border-3 ps-3 pb-3{" border-primary" if contact.worker_id == user_id else ""}"'
        f' id="contact-{contact.pk}"><div class="d-flex flex-wrap justify-content-between gap-2">'
        f'<div><time datetime="{contact.date.isoformat()}" class="fw-semibold">{day}</time>'
        f" · {_text(contact.type_label)}"
    ]
    if contact.duration_minutes:
        parts.append(f" · {int(contact.duration_minutes)} {words['min']}")
    if contact.interpreter_used:
        parts.append(f' <span class="badge text-bg-light border">{words["with interpreter"]}</span>')
    parts.append("</div>")
    if (contact.worker_id == user_id or may_change_any) and not read_only:
        parts.append(
            f'<a class="small" href="{_text(record_path("cases:contact_edit", contact.pk))}">{words["Edit"]}'
            f'<span class="visually-hidden"> – {words["contact of"]} {day}</span></a>'
        )
    parts.append(f'</div><div class="small text-body-secondary">{_text(contact.worker)}')
    if contact.place:
        parts.append(f" · {_text(contact.place)}")
    parts.append("</div>")
    if contact.topics:
        badge = '<li class="list-inline-item"><span class="badge rounded-pill text-bg-light border">{}</span></li>'
        badges = "".join(badge.format(_text(topic)) for topic in contact.topic_labels)
        parts.append(f'<ul class="list-inline mb-1" aria-label="{words["Topics"]}">{badges}</ul>')
    if contact.note:
        note = _text(normalize_newlines(contact.note)).replace("\n", "<br>")
        parts.append(f'<div class="contact-note">{note}</div>')
    parts.append("</li>")
    return mark_safe("".join(parts))
