"""Reading the change history that django-pghistory's triggers write.

pghistory's ``Events`` is a UNION over every event table that computes, for each row, its data, its
diff (the previous event of the same record, by a subquery per row) and its context, and only then
filters, sorts and takes a page. At a million events the start page's eight newest changes took
minutes. ``EventList`` reads limit-first: one query picks the keys of the rows shown (from each event
table its newest rows that pass the filters, by ``pgh_created_at``; the union sorted and sliced), a
second asks ``Events`` for just those keys, so that the rows, their data and diffs are pghistory's own.
The cost follows the rows shown (and the page's depth), not the size of the history.
"""

import json
from datetime import timedelta

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import connection, models
from django.db.models import Q
from pghistory import core, utils
from pghistory.models import Context, Events
from pghistory.models import Event as PghistoryEvent

from hagen_zuhause.dates import local_midnight


class Event(PghistoryEvent):
    """The base of every event table (``PGHISTORY_BASE_MODEL``): pghistory's, with pgh_created_at indexed.

    Reading the history newest first walks that index backwards in each event table. Named ``Event``
    like pghistory's base, so that the event models keep their names (``ContactEvent``).
    """

    pgh_created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True


#: Newest first; ``pgh_slug`` ("app.ModelEvent:pk", compared as text) orders the events of one transaction.
ORDERING = ("-pgh_created_at", "-pgh_slug")


class EventList:
    """History events (``pghistory.models.Events`` rows), newest first, read only as far as a slice needs.

    It answers what the history pages ask of a queryset: ``filter()`` with the lookups of the audit
    filters (each the same condition as on ``Events``, set on every event table), ``all()``,
    ``order_by()`` without fields (a paginator's count), slicing, ``count()`` and iteration. A slice
    counts no further than its end, so ``LimitedCountPaginator`` can bound the count.
    """

    model = Events
    ordered = True

    def __init__(self, event_models, conditions=(), start=0, stop=None):
        self.event_models = tuple(event_models)
        #: Functions ``event model -> _Sql``: a condition on the table's row ``e`` (and its context
        #: ``c``); one answering ``None`` means that the table holds no such event.
        self.conditions = tuple(conditions)
        self.start = start
        self.stop = stop
        self._result = None

    def _clone(self, **changes):
        values = {
            "event_models": self.event_models,
            "conditions": self.conditions,
            "start": self.start,
            "stop": self.stop,
            **changes,
        }
        return EventList(**values)

    # --- What the views, the filter set and the paginator ask of a queryset -----------------

    def all(self):
        return self._clone()

    def order_by(self, *fields):
        """Only the history's own order (or none, for counting): reading limit-first relies on it."""
        if fields and tuple(fields) != ORDERING:
            raise FieldError(f"History events are read newest first only, not ordered by {fields}.")
        return self._clone()

    def filter(self, *args, **lookups):
        """The events ``Events.objects.filter(**lookups)`` would keep, for the lookups ``_condition`` knows."""
        if args:
            raise TypeError("EventList.filter() takes keyword lookups only.")
        if self.start or self.stop is not None:
            raise TypeError("Cannot filter a history list once a slice has been taken.")
        conditions = self.conditions + tuple(_condition(lookup, value) for lookup, value in lookups.items())
        return self._clone(conditions=conditions)

    def __getitem__(self, key):
        if isinstance(key, int):
            if key < 0:
                raise ValueError("Negative indexing is not supported.")
            if self._result is not None:
                return self._result[key]
            return self[key : key + 1]._fetch()[0]
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("History events can be sliced without a step only.")
        if (key.start is not None and key.start < 0) or (key.stop is not None and key.stop < 0):
            raise ValueError("Negative indexing is not supported.")
        start = self.start + (key.start or 0)
        stop = self.start + key.stop if key.stop is not None else None
        if self.stop is not None:
            stop = self.stop if stop is None else min(stop, self.stop)
        if stop is not None:
            start = min(start, stop)
        return self._clone(start=start, stop=stop)

    def __iter__(self):
        return iter(self._fetch())

    def __len__(self):
        return len(self._fetch())

    def __bool__(self):
        return bool(self._fetch())

    def count(self):
        """How many events the list holds; a slice reads no further than its end."""
        if self._result is not None:
            return len(self._result)
        if self.stop == self.start and self.stop is not None:
            return 0
        union = self._union(columns="1", ordered=False)
        if union is None:
            return 0
        sql = f"SELECT 1 FROM ({union.sql}) AS events"
        params = list(union.params)
        if self.stop is not None:
            # Any ``stop`` rows say how far the slice reaches: each table gives at most that many.
            sql += " LIMIT %s"
            params.append(self.stop)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS events", params)
            total = cursor.fetchone()[0]
        return max(0, total - self.start)

    # --- Reading ---------------------------------------------------------------------------

    def _union(self, *, columns, ordered):
        """The UNION ALL of every event table's matching rows; with a slice, each table's newest ``stop``.

        Each table's newest rows come from a backward walk of its pgh_created_at index (the ties of one
        transaction sorted by pgh_slug on the way); the newest ``stop`` of the union are among them.
        """
        parts = []
        for model in self.event_models:
            part = self._table_sql(model, columns=columns, ordered=ordered)
            if part is not None:
                parts.append(part)
        if not parts:
            return None
        return _Sql(
            " UNION ALL ".join(f"({part.sql})" for part in parts),
            [param for part in parts for param in part.params],
        )

    def _table_sql(self, model, *, columns, ordered):
        """One event table's part of the union, or None when no event of that table can match."""
        where, params, with_context, by_key = [], [], False, False
        for build in self.conditions:
            condition = build(model)
            if condition is None:
                return None
            if condition.sql:
                where.append(condition.sql)
                params.extend(condition.params)
            with_context = with_context or condition.needs_context
            by_key = by_key or condition.by_key
        quote = connection.ops.quote_name
        label = model._meta.label
        sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} e"
        params = [label] * columns.count("%s") + params
        if with_context:
            context_column = quote(model._meta.get_field("pgh_context").column)
            sql += f" JOIN {quote(Context._meta.db_table)} c ON c.id = e.{context_column}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if self.stop is not None and ordered and by_key:
            # The events of one record (or of one client) are few and found through the key's index;
            # walking the time index instead reads past everyone else's events, all of them when the
            # record has none in this table. OFFSET 0 keeps the planner from merging the tables'
            # time indexes: the union's few rows are sorted once.
            sql += " OFFSET 0"
        elif self.stop is not None:
            if ordered:
                sql += " ORDER BY e.pgh_created_at DESC, pgh_slug DESC"
            sql += " LIMIT %s"
            params.append(self.stop)
        return _Sql(sql, params)

    def _keys(self):
        """(event model label, pgh_id) of the events in the slice, in the history's order."""
        if self.stop is not None and self.start >= self.stop:
            return []
        union = self._union(columns=_KEY_COLUMNS, ordered=True)
        if union is None:
            return []
        sql = f"SELECT pgh_model, pgh_id FROM ({union.sql}) AS events ORDER BY pgh_created_at DESC, pgh_slug DESC"
        params = list(union.params)
        if self.stop is not None:
            sql += " LIMIT %s"
            params.append(self.stop - self.start)
        if self.start:
            sql += " OFFSET %s"
            params.append(self.start)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]

    def _fetch(self):
        if self._result is None:
            keys = self._keys()
            self._result = _events_by_key(keys) if keys else []
        return self._result


#: The key of an event and what orders it, as pghistory's Events computes them (pgh_slug: the same
#: text with the same collation, so the same order). Both parameters are the event model's label.
_KEY_COLUMNS = "%s::text AS pgh_model, e.pgh_id, e.pgh_created_at, CONCAT(%s::text, ':', e.pgh_id) AS pgh_slug"


class _Sql:
    """A piece of SQL with its parameters.

    ``needs_context`` when it reads the context ``c``; ``by_key`` when it picks one record's events
    by an indexed key column (the record, or the client the rows point to).
    """

    def __init__(self, sql, params=(), needs_context=False, by_key=False):
        self.sql = sql
        self.params = list(params)
        self.needs_context = needs_context
        self.by_key = by_key


_ALL_ROWS = _Sql("")


def _events_by_key(keys):
    """The ``Events`` rows of the given keys, in the order of the keys (one query)."""
    ids_by_label = {}
    for label, pgh_id in keys:
        ids_by_label.setdefault(label, []).append(pgh_id)
    wanted = Q()
    for label, ids in ids_by_label.items():
        wanted |= Q(pgh_model=label, pgh_id__in=ids)
    # PostgreSQL pushes the key condition into each table's part of the Events union: each event and
    # its previous one are read by their keys, and the data and diff are pghistory's own.
    events = Events.objects.across(*ids_by_label).filter(wanted)
    by_key = {(event.pgh_model, event.pgh_id): event for event in events}
    return [by_key[key] for key in keys]


# --- Filters -------------------------------------------------------------------------------


def _condition(lookup, value):
    """The condition ``Events.objects.filter(<lookup>=value)`` sets, as a function of the event table."""
    lookup = lookup.removesuffix("__exact")
    name, _sep, rest = lookup.partition("__")
    if name == "pgh_context" and rest and "__" not in rest:
        # Events' pgh_context is the context's metadata; the same JSON comparison as Django's key lookup.
        condition = _Sql("(c.metadata -> %s) = %s::jsonb", [rest, json.dumps(value)], needs_context=True)
        return lambda model: condition if _has_context(model) else None
    if lookup == "pgh_obj_model":
        return lambda model: _ALL_ROWS if model.pgh_tracked_model._meta.label == value else None
    if lookup == "pgh_model":
        return lambda model: _ALL_ROWS if model._meta.label == value else None
    if lookup == "pgh_obj_id":
        return lambda model: _object_id_condition(model, value)
    if lookup == "references":
        # ``references=(model, pk)``: the record's events and those of the records pointing to it.
        target, pk = value
        return _referencing(target._meta.concrete_model, pk)
    if lookup == "pgh_label":
        condition = _Sql("e.pgh_label = %s", [value])
        return lambda model: condition
    if name == "pgh_created_at" and rest in _TIME_BOUNDS:
        condition = _time_bound(rest, value)
        return lambda model: condition
    raise FieldError(f"History events cannot be filtered by {lookup!r} here.")


def _has_context(model):
    try:
        return model._meta.get_field("pgh_context").is_relation
    except FieldDoesNotExist:
        return False


def _object_id_condition(model, value):
    """``Events.pgh_obj_id`` is the tracked record's key as text: the same match, on the key column."""
    try:
        field = model._meta.get_field("pgh_obj")
    except FieldDoesNotExist:
        return None  # these events have no record: their pgh_obj_id is NULL
    if value is None:
        return None
    try:
        key = field.target_field.to_python(value)
    except ValidationError:
        return None
    # Only the key's canonical spelling equals its text in the database ("42", not "042" or " 42").
    if key is None or str(key) != str(value):
        return None
    return _Sql(f"e.{connection.ops.quote_name(field.column)} = %s", [key], by_key=True)


_TIME_BOUNDS = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<", "date__gte": ">=", "date__lte": "<"}


def _time_bound(rest, value):
    """A bound on pgh_created_at itself, so that its index can find the start of the range.

    ``__date__gte`` / ``__date__lte`` compare the local date: an event's local date is on or after
    ``day`` exactly when it happened at or after the local midnight that starts ``day``, and on or
    before it exactly when before the midnight that starts the next day.
    """
    if rest.startswith("date__"):
        value = local_midnight(value if rest == "date__gte" else value + timedelta(days=1))
    return _Sql(f"e.pgh_created_at {_TIME_BOUNDS[rest]} %s", [value])


# --- What the pages read ----------------------------------------------------------------------


def events_of_organisation(organisation_id):
    """All history events written in the organisation's context, newest first."""
    return EventList(core.event_models()).filter(pgh_context__organisation=organisation_id)


def events_referencing(obj):
    """Events of ``obj`` and of every record pointing to it, as ``Events.objects.references(obj)``; newest first."""
    target = obj._meta.concrete_model
    models = core.event_models(references_model=target)
    return EventList(models, conditions=(_referencing(target, obj.pk),))


def _referencing(target, pk):
    """A condition (as ``EventList`` takes them): the event is of the record ``pk`` of ``target`` or points to it.

    The event tables' foreign keys (their own record's ``pgh_obj`` among them) are indexed: one record's
    events are read by key.
    """
    quote = connection.ops.quote_name
    key = target._meta.pk.get_db_prep_value(pk, connection)

    def condition(model):
        columns = [field.column for field in model._meta.fields if utils.related_model(field) == target]
        if not columns:
            return None
        sql = "(" + " OR ".join(f"e.{quote(column)} = %s" for column in columns) + ")"
        return _Sql(sql, [key] * len(columns), by_key=True)

    return condition


def tracked_models():
    """(label, verbose name) of every model whose changes are tracked."""
    found = []
    for model in apps.get_models():
        tracked = getattr(model, "pgh_tracked_model", None)
        if tracked is not None and (tracked._meta.label, tracked._meta.verbose_name) not in found:
            found.append((tracked._meta.label, tracked._meta.verbose_name))
    return sorted(found, key=lambda item: str(item[1]))
