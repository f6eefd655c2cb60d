"""The calendar week's entries, written in Python: a team's week holds a few hundred appointments and
legal deadlines, and the template's markup per entry (links, badges, the name in Latin letters) was
most of the page's time."""

from functools import cache

from django import template
from django.template.defaultfilters import time as time_filter
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def calendar_deadline(task, user, show_worker):
    """A legal deadline of the week: its kind, the client it protects, whose task it is."""
    return format_html(
        '<li class="d-flex flex-wrap gap-2 py-1 border-bottom">'
        '<span class="badge text-bg-danger align-self-start">{}</span>'
        '<span class="flex-grow-1">{}{}</span>{}</li>',
        gettext("legal deadline"),
        _display(task, "kind"),
        _client(task, "tasks"),
        _worker(task.assignee, task.assignee_id, user, show_worker),
    )


@register.simple_tag
def calendar_appointment(appointment, user, show_worker, last, may_change):
    """An appointment of the week: time, kind and state, client or flat, place, worker, the edit link."""
    status = appointment.status
    times = time_filter(appointment.start_time, "H:i")
    if appointment.end_time:
        times = f"{times}–{time_filter(appointment.end_time, 'H:i')}"
    kind = conditional_escape(_display(appointment, "kind"))
    if status == "cancelled":
        kind = format_html('<del>{}</del> <span class="badge text-bg-secondary">{}</span>', kind, gettext("cancelled"))
    elif status == "done":
        kind = format_html('{} <span class="badge text-bg-success">{}</span>', kind, gettext("took place"))
    offer = ""
    if appointment.offer:
        offer = format_html(
            ' · <a href="{}">{}</a>',
            reverse("housing:offer_detail", args=[appointment.offer.pk]),
            appointment.offer.street,
        )
    place = ""
    if appointment.place:
        place = format_html('<span class="d-block small text-body-secondary">{}</span>', appointment.place)
    edit = ""
    if status == "planned" and may_change and not appointment.client_read_only:
        edit = format_html(
            '<a class="small" href="{}">{}<span class="visually-hidden"> – {}</span></a>',
            reverse("cases:appointment_edit", args=[appointment.pk]),
            gettext("Edit"),
            appointment,
        )
    classes = "d-flex flex-wrap gap-2 py-1"
    if not last:
        classes += " border-bottom"
    if status == "cancelled":
        classes += " text-body-secondary"
    return format_html(
        '<li class="{}"><span class="fw-semibold text-nowrap">{}</span>'
        '<span class="flex-grow-1">{}{}{}{}</span>{}{}</li>',
        classes,
        times,
        kind,
        _client(appointment, "appointments"),
        offer,
        place,
        _worker(appointment.worker, appointment.worker_id, user, show_worker),
        edit,
    )


def _display(record, field):
    """``get_<field>_display()`` for many rows: Django's hashes every label of the field's choices on each
    call, and a lazy label is translated to be hashed (eight translations per entry of the week)."""
    return str(_labels(type(record), field).get(getattr(record, field), getattr(record, field)))


@cache
def _labels(model, field):
    return dict(model._meta.get_field(field).flatchoices)


def _client(record, anchor):
    """ " · name (case number)" linking to the file's section, the Latin spelling, "read only"."""
    client = record.client
    if not client:
        return ""
    latin = ""
    if client.latin_name:
        latin = format_html(' <span class="small text-body-secondary" lang="und-Latn">({})</span>', client.latin_name)
    read_only = mark_safe(f" {_read_only_badge()}") if record.client_read_only else ""
    return format_html(
        ' · <a href="{}#{}">{} ({})</a>{}{}',
        reverse("cases:client_detail", args=[client.pk]),
        anchor,
        client.full_name,
        client.case_number,
        latin,
        read_only,
    )


def _read_only_badge():
    return render_to_string("cases/includes/read_only_badge.html")


def _worker(worker, worker_id, user, show_worker):
    """The worker in a week not one's own; in one's own, whom an entry of a cover belongs to."""
    if show_worker:
        return format_html('<span class="small text-body-secondary">{}</span>', worker)
    if worker_id != user.pk:
        cover = gettext("cover for %(name)s") % {"name": conditional_escape(worker)}
        return format_html('<span class="badge text-bg-info align-self-start">{}</span>', mark_safe(cover))
    return ""
