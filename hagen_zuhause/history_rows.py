"""The change history as people read it: one rule for the audit page, a client's history, the start page
and the audit export.

A history event stores codes, keys and ISO timestamps ("lease_signed", "closed_by: 1", "consent: 96",
"2026-12-06T07:08:01+00:00"). :func:`describe_events` turns a page of events into rows with German
labels for codes (the fields' ``choices``), German dates and date-times (Europe/Berlin), and referenced
records by their case number or name — read through ``visible_to(viewer)``, so that a record the viewer
may not see reads "nicht sichtbar" and never leaks its name. Fields a model declares restricted
(``RESTRICTED_FIELDS``, e.g. a client's health notes) are masked in every row: their values are shown
only through the logged on-request view of the record itself.

The cost follows the kinds of records a page names, not its rows: one query per kind (users, clients,
cases, …), and one more per kind whose named records are gone or out of sight.
"""

import json
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.roles import Role

LABELS = {
    "insert": _("created"),
    "update": _("changed"),
    "delete": _("deleted"),
    "role.add": _("role added"),
    "role.remove": _("role removed"),
}

#: Shown instead of a restricted value (e.g. health notes).
MASKED = _("(protected)")
#: Shown instead of a record the viewer may not see.
NOT_VISIBLE = _("not visible")
DELETED = _("deleted record")
EMPTY = "–"

#: Columns that tell a reader nothing: keys, the organisation, the search index, import keys, secrets,
#: stored file paths, the creation time (the event's own time says it). The client a record belongs to
#: is named in the record column of the row.
HIDDEN_FIELDS = frozenset(
    {"id", "organisation_id", "client_id", "search_text", "import_key", "token", "file", "created_at"}
)


def restricted_fields(model):
    """The fields of ``model`` that every history view and export masks (declared on the model)."""
    return frozenset(getattr(model, "RESTRICTED_FIELDS", ())) if model is not None else frozenset()


def is_restricted(model, field_name):
    """Whether a column (name or attname) of ``model`` holds restricted data."""
    field = _field(model, field_name)
    return field is not None and field.name in restricted_fields(model)


def describe_events(events, viewer):
    """The rows of a history page for ``viewer``, in the order of ``events``.

    Each row: ``at``, ``actor``, ``command``, ``request_id``, ``record_type``, ``record`` (the record in
    words), ``client`` (the case number of the client it belongs to, or ""), ``label`` (created, changed,
    …), ``values_only`` (a creation: values, no "before"), ``changes`` (``field``, ``before``, ``after``,
    ``masked``) and ``masked`` (the row touches restricted data).
    """
    events = list(events)
    references = _References(viewer)
    prepared = []
    for event in events:
        model = _model(event.pgh_obj_model)
        changes = [change for change in _changes(event) if change[0] not in HIDDEN_FIELDS]
        references.want_record(model, event)
        references.want(_user_model(), (event.pgh_context or {}).get("user"))
        for name, before, after in changes:
            field = _field(model, name)
            if field is not None and field.is_relation and not is_restricted(model, name):
                references.want(field.related_model, before)
                references.want(field.related_model, after)
        prepared.append((event, model, changes))
    references.resolve()
    return [_row(event, model, changes, references) for event, model, changes in prepared]


def _row(event, model, changes, references):
    context = event.pgh_context or {}
    # Who acted: a colleague, read with the users the rows name; else the user name the context kept.
    user = references.found.get(_user_model(), {}).get(context.get("user"))
    order = {field.attname: index for index, field in enumerate(model._meta.concrete_fields)} if model else {}
    rows = []
    for name, before, after in sorted(changes, key=lambda change: order.get(change[0], len(order))):
        field = _field(model, name)
        masked = is_restricted(model, name)
        rows.append(
            {
                "field": field.verbose_name if field is not None else name,
                "before": MASKED if masked else _readable(field, before, references),
                "after": MASKED if masked else _readable(field, after, references),
                "masked": masked,
            }
        )
    record, client = references.record(model, event)
    about = record if model is _client_model() else client
    return {
        "at": event.pgh_created_at,
        "actor": str(user) if user else context.get("actor") or _("unknown"),
        "command": context.get("command", ""),
        "request_id": context.get("request_id", ""),
        "record_type": model._meta.verbose_name if model else event.pgh_obj_model,
        "record": record,
        "client": client,
        # The client the row is about, for counting the clients a page shows (the access log).
        "client_number": "" if about in ("", str(NOT_VISIBLE), str(DELETED)) else about,
        "label": LABELS.get(event.pgh_label, event.pgh_label),
        "values_only": not event.pgh_diff,
        "changes": rows,
        "masked": any(change["masked"] for change in rows),
    }


def _changes(event):
    """(column, before, after) of an event: the diff of a change, else the values it recorded."""
    if event.pgh_diff:
        return [(name, before, after) for name, (before, after) in event.pgh_diff.items()]
    return [(name, None, value) for name, value in (event.pgh_data or {}).items() if value not in (None, "", [])]


# --- Values ---------------------------------------------------------------------------------


def _readable(field, value, references):
    """A stored value as people read it: a record in words, labels for codes, German dates and amounts."""
    if value in (None, "", []):
        return EMPTY
    if field is None:
        return _plain(value)
    if field.is_relation:
        return references.label(field.related_model, value)
    choices = _choices(field)
    if choices:
        if isinstance(value, list):
            return ", ".join(str(choices.get(item, item)) for item in value)
        return str(choices.get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    try:
        if isinstance(field, models.DateTimeField):
            return date_format(timezone.localtime(field.to_python(value)), "d.m.Y H:i")
        if isinstance(field, models.DateField):
            return date_format(field.to_python(value), "d.m.Y")
        if isinstance(field, models.DecimalField):
            return number_format(Decimal(str(value)), field.decimal_places, force_grouping=True)
    except (ValidationError, ValueError, TypeError, InvalidOperation):
        return _plain(value)
    return _plain(value)


def _plain(value):
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _choices(field):
    """The labels of a field's codes; of the item's codes for a list (ArrayField)."""
    base = getattr(field, "base_field", None)
    source = base if base is not None and base.choices else field
    return dict(source.flatchoices) if source.choices else {}


# --- Referenced records ---------------------------------------------------------------------


class _References:
    """The records a page of events names, read once per model through ``visible_to(viewer)``."""

    def __init__(self, viewer):
        self.viewer = viewer
        self.wanted = defaultdict(set)
        self.records = defaultdict(set)
        self.found = {}
        self.existing = {}

    def want(self, model, value):
        key = _key(model, value)
        if key is not None:
            self.wanted[model].add(key)

    def want_record(self, model, event):
        """The event's own record, and the client its data names."""
        if model is None:
            return
        key = _key(model, event.pgh_obj_id)
        if key is not None:
            self.wanted[model].add(key)
            self.records[model].add(key)
        client_id = (event.pgh_data or {}).get("client_id")
        if client_id is not None and model is not _client_model():
            self.want(_client_model(), client_id)

    def resolve(self):
        for model, keys in self.wanted.items():
            queryset = _scoped(model, self.viewer).filter(pk__in=keys).select_related(*_label_relations(model))
            self.found[model] = {record.pk: record for record in queryset}
        for model, keys in self.records.items():
            missing = keys - set(self.found[model])
            # A record that is gone is "deleted"; one that exists out of the viewer's sight is "not visible".
            self.existing[model] = set(
                model._default_manager.filter(pk__in=missing).values_list("pk", flat=True) if missing else ()
            )

    def label(self, model, value):
        key = _key(model, value)
        if key is None:
            return EMPTY
        record = self.found.get(model, {}).get(key)
        return _record_label(record) if record is not None else str(NOT_VISIBLE)

    def record(self, model, event):
        """(the record in words, the case number of its client) for an event's row."""
        if model is None:
            return "", ""
        data = event.pgh_data or {}
        client = ""
        if model is not _client_model() and data.get("client_id") is not None:
            client = self.label(_client_model(), data["client_id"])
        key = _key(model, event.pgh_obj_id)
        if key is None:
            return "", client
        record = self.found.get(model, {}).get(key)
        if record is not None:
            return _record_label(record), client
        return str(NOT_VISIBLE if key in self.existing.get(model, ()) else DELETED), client


def _client_model():
    return apps.get_model("cases", "Client")


def _user_model():
    return apps.get_model("hagen_zuhause", "User")


def _key(model, value):
    if value in (None, "") or model is None:
        return None
    try:
        return model._meta.pk.to_python(value)
    except ValidationError:
        return None


def _record_label(record):
    """A record in words: a client by case number, a role by its name, anything else as it names itself."""
    if record._meta.label == "cases.Client":
        return record.case_number
    if isinstance(record, Group):
        return str(Role(record.name).label) if record.name in Role.values else record.name
    return str(record)


def _scoped(model, viewer):
    """The records of ``model`` the viewer may see: ``visible_to`` where the model has it."""
    manager = model._default_manager
    if hasattr(manager, "visible_to"):
        return manager.visible_to(viewer)
    if model._meta.label == "hagen_zuhause.Organisation":
        return manager.filter(pk=viewer.organisation_id)
    if model is Group:
        return manager.filter(name__in=Role.values)  # the roles: names, not personal data
    path = _organisation_path(model)
    if path and viewer.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        return manager.filter(**{path: viewer.organisation_id})
    return manager.none()


def _organisation_path(model, depth=2):
    """The lookup from ``model`` to its organisation along foreign keys (``"flat__organisation"``), or None."""
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model._meta.label == "hagen_zuhause.Organisation":
            return field.name
    if depth > 1:
        for field in model._meta.concrete_fields:
            if field.is_relation and not field.null:
                inner = _organisation_path(field.related_model, depth - 1)
                if inner:
                    return f"{field.name}__{inner}"
    return None


_NOT_FOLLOWED = ("hagen_zuhause.Organisation", "hagen_zuhause.User")


def _label_relations(model):
    """The relations a record's name reads (two levels), fetched with the record instead of one by one."""
    paths = []
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model._meta.label not in _NOT_FOLLOWED:
            paths.append(field.name)
            paths.extend(
                f"{field.name}__{inner.name}"
                for inner in field.related_model._meta.concrete_fields
                if inner.is_relation and inner.related_model._meta.label not in _NOT_FOLLOWED
            )
    return paths


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model, name):
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None
