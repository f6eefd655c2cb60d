"""The contact timeline's entries, written in Python: the client page shows up to 50 contacts, and the
template's markup per contact (its tags, filters and translations) was half of the page's time.

Written with plain strings through :mod:`hagen_zuhause.markup`, which escapes every text from a record or
a translation.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy

from hagen_zuhause import markup
from hagen_zuhause.links import record_path

register = template.Library()


#: The words of a row, translated once per language.
_WORDS = markup.Words(
    {
        "min": gettext_lazy("min"),
        "with interpreter": gettext_lazy("with interpreter"),
        "Edit": gettext_lazy("Edit"),
        "contact of": gettext_lazy("contact of"),
        "Topics": gettext_lazy("Topics"),
    }
)


@register.simple_tag
def timeline_contact(contact, user_id, may_change_any, read_only):
    """One contact: day, kind, duration and interpreter; the edit link for its worker (or whoever may change
    any contact) unless the file is read only; worker and place; topics; the note.

    ``contact.type_label`` and ``contact.topic_labels`` are set by the view (cases.views.casework._timeline).
    """
    words = _WORDS()
    day = markup.day(contact.date)
    parts = [
        f'<li class="border-start border-3 ps-3 pb-3{" border-primary" if contact.worker_id == user_id else ""}"'
        f' id="contact-{contact.pk}"><div class="d-flex flex-wrap justify-content-between gap-2">'
        f'<div><time datetime="{contact.date.isoformat()}" class="fw-semibold">{day}</time>'
        f" · {markup.text(contact.type_label)}"
    ]
    if contact.duration_minutes:
        parts.append(f" · {int(contact.duration_minutes)} {words['min']}")
    if contact.interpreter_used:
        parts.append(f' <span class="badge text-bg-light border">{words["with interpreter"]}</span>')
    parts.append("</div>")
    if (contact.worker_id == user_id or may_change_any) and not read_only:
        parts.append(
            f'<a class="small" href="{markup.text(record_path("cases:contact_edit", contact.pk))}">{words["Edit"]}'
            f'<span class="visually-hidden"> – {words["contact of"]} {day}</span></a>'
        )
    parts.append(f'</div><div class="small text-body-secondary">{markup.text(contact.worker)}')
    if contact.place:
        parts.append(f" · {markup.text(contact.place)}")
    parts.append("</div>")
    if contact.topics:
        badge = '<li class="list-inline-item"><span class="badge rounded-pill text-bg-light border">{}</span></li>'
        badges = "".join(badge.format(markup.text(topic)) for topic in contact.topic_labels)
        parts.append(f'<ul class="list-inline mb-1" aria-label="{words["Topics"]}">{badges}</ul>')
    if contact.note:
        note = markup.text(normalize_newlines(contact.note)).replace("\n", "<br>")
        parts.append(f'<div class="contact-note">{note}</div>')
    parts.append("</li>")
    return mark_safe("".join(parts))
