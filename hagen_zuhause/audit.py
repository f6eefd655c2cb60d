"""Writing the access log and giving commands a history actor."""

import contextlib
import datetime

import pghistory
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Exists
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hagen_zuhause.history_rows import NOT_VISIBLE
from hagen_zuhause.models import AccessLog

SYSTEM_ACTOR = "system"
#: The record type of access-log entries about a client (``AccessLog.object_type``).
CLIENT = "cases.client"


def log_access(request, action, obj=None, *, detail="", object_type="", object_id=""):
    """Record that the requesting user viewed, downloaded or exported something.

    ``obj`` is the record looked at (its type and id are stored, never its content);
    ``detail`` describes an export ("Quartalsbericht 2026/4, PDF") and must not contain
    personal data.
    """
    user = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        cover = cover_note(user, obj)
        if cover:
            detail = _shorten(f"{cover}; {detail}" if detail else cover, _DETAIL_LENGTH)
    return AccessLog.objects.create(
        organisation_id=user.organisation_id,
        user=user,
        actor=user.get_username(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        request_id=getattr(request, "request_id", ""),
    )


def cover_note(user, obj):
    """ "In cover for …" when ``user`` sees ``obj`` (a client, or a record of one) as a deputy: the client
    is assigned to a colleague the user stands in for today, and not to the user.

    Every such view is cover, whether the client is restricted or not: the deputy opens the file because
    of the cover. Costs no query for a team lead (who sees every file anyway) or a record without a
    client; otherwise one.
    """
    if not getattr(user, "is_authenticated", False) or user.has_perm("cases.view_restricted_client"):
        return ""
    client_model = apps.get_model("cases", "Client")
    client_id = obj.pk if isinstance(obj, client_model) else getattr(obj, "client_id", None)
    if client_id is None:
        return ""
    assigned = client_model.assigned_workers.through.objects.filter(client_id=client_id)
    absent = (
        _covered_colleagues(user).filter(pk__in=assigned.values("user")).filter(~Exists(assigned.filter(user=user)))
    )
    return _names_note(absent)


def deputy_note(user):
    """ "In cover for …" while ``user`` stands in for colleagues today: their lists show the colleagues'
    clients, tasks and appointments too. One query (none for a team lead), also when there is no cover,
    so that a list costs the same number of queries with and without one."""
    if not getattr(user, "is_authenticated", False) or user.has_perm("cases.view_restricted_client"):
        return ""
    return _names_note(_covered_colleagues(user))


def _covered_colleagues(user):
    """The colleagues ``user`` stands in for today, with what their names need."""
    from cases.models.cover import covered_workers

    return get_user_model().objects.filter(pk__in=covered_workers(user)).only("username", "first_name", "last_name")


def _names_note(colleagues):
    names = sorted({str(colleague) for colleague in colleagues})
    if not names:
        return ""
    return _("In cover for %(names)s") % {"names": ", ".join(names)}


def log_list_view(request, page, *, shown, filters=(), filterset=None, page_number=1):
    """Record that the requesting user saw a page listing clients: one row per page view, not one per client.

    ``page`` names the page ("Klient*innen-Liste"), ``shown`` is the number of clients it showed, and
    ``filters`` (with the bound ``filterset``'s filters described by :func:`describe_filters`) say what it
    was narrowed to. A search text is recorded as its length only, never as itself: the log must not
    become a second place where names are kept.
    """
    parts = [str(part) for part in (*describe_filters(filterset), *filters) if part]
    if page_number and page_number > 1:
        parts.append(_("page %(number)s") % {"number": page_number})
    count = ngettext("%(count)s client shown", "%(count)s clients shown", shown) % {"count": shown}
    detail = "; ".join(part for part in (deputy_note(request.user), str(page), ", ".join(parts), count) if part)
    return log_access(request, AccessLog.Action.VIEW_LIST, object_type=CLIENT, detail=_shorten(detail, _DETAIL_LENGTH))


def clients_in(records, attribute="client_id"):
    """How many different clients the records on a page belong to (records without a client do not count)."""
    return len({getattr(record, attribute) for record in records} - {None})


def describe_filters(filterset):
    """The filters of a bound, valid django-filter FilterSet in words, without the search text or a name.

    A text field reads "Suche (12 Zeichen)"; a choice reads "Zielgruppe: Frauen"; a colleague chosen in a
    list reads with the colleague's name; a client chosen in a list by the case number.
    """
    if filterset is None or not filterset.is_bound or not filterset.form.is_valid():
        return []
    described = []
    for name, value in filterset.form.cleaned_data.items():
        if value is None or value is False or (isinstance(value, (str, list, tuple)) and not value):
            continue
        field = filterset.form.fields[name]
        described.append(_describe_value(field, value))
    return described


def search_description(text):
    """A search as the access log keeps it: how long it was, never what was searched for."""
    return _("Search (%(count)s characters)") % {"count": len(text)}


def _describe_value(field, value):
    label = str(field.label or "")
    if isinstance(field, forms.ModelMultipleChoiceField):
        shown = ", ".join(_record_in_words(record) for record in value)
    elif isinstance(field, forms.ModelChoiceField):
        shown = _record_in_words(value)
    elif isinstance(field, forms.MultipleChoiceField):
        labels = dict(field.choices)
        shown = ", ".join(str(labels.get(item, item)) for item in value)
    elif isinstance(field, forms.ChoiceField):
        shown = str(dict(field.choices).get(value, value))
    elif isinstance(field, (forms.BooleanField, forms.NullBooleanField)):
        return label
    elif isinstance(value, datetime.date):
        shown = date_format(value, "d.m.Y")
    elif isinstance(value, str):
        return search_description(value) if not getattr(field, "choices", None) else label
    else:
        shown = str(value)
    return f"{label}: {shown}" if label else shown


def _record_in_words(record):
    # A client is named by the case number; colleagues, partners, landlords as they are named.
    return getattr(record, "case_number", None) or str(record)


_DETAIL_LENGTH = AccessLog._meta.get_field("detail").max_length


def _shorten(text, length):
    return text if len(text) <= length else text[: length - 1] + "…"


def name_records(entries, viewer):
    """The access-log entries, each with ``record_label``: a client by its case number, never by its id.

    The case number is read through ``visible_to(viewer)`` (one query for the page); a client the viewer
    may not see (or one deleted since) reads "nicht sichtbar". Other records keep their number.
    """
    entries = list(entries)
    client_ids = {entry.object_id for entry in entries if entry.object_type == CLIENT and entry.object_id.isdigit()}
    numbers = {}
    if client_ids:
        clients = apps.get_model("cases", "Client").objects.visible_to(viewer).filter(pk__in=client_ids)
        numbers = {str(pk): number for pk, number in clients.values_list("pk", "case_number")}
    for entry in entries:
        if entry.object_type == CLIENT and entry.object_id:
            entry.record_label = numbers.get(entry.object_id) or str(NOT_VISIBLE)
        else:
            entry.record_label = entry.object_id
    return entries


def log_system_access(organisation, action, *, detail="", object_type="", object_id=""):
    """Record an export or read made by a management command."""
    return AccessLog.objects.create(
        organisation=organisation,
        user=None,
        actor=SYSTEM_ACTOR,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


@contextlib.contextmanager
def system_context(command, organisation=None):
    """History context for changes made by a management command: the actor is ``system``."""
    with pghistory.context(
        user=None,
        actor=SYSTEM_ACTOR,
        command=command,
        organisation=organisation.pk if organisation is not None else None,
    ):
        yield
