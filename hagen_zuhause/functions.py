"""SQL functions that queries, indexes and constraints of every app are built from."""

from django.contrib.postgres.fields import ArrayField, DateRangeField
from django.db import models


class NameKey(models.Func):
    """SQL ``lower(hz_unaccent(name))``: the German sort key of a name (Ä next to A, ß as ss).

    ``hz_unaccent`` is an IMMUTABLE wrapper of ``unaccent`` (migration 0003), so the key can be indexed.
    """

    template = "lower(hz_unaccent(%(expressions)s))"
    output_field = models.TextField()


class DateRange(models.Func):
    """PostgreSQL ``daterange(start, end, '[]')``; an open end is unbounded."""

    function = "DATERANGE"
    output_field = DateRangeField()


def inclusive_range(start, end):
    """The period from ``start`` to ``end``, both days included; used by the no-overlap constraints."""
    return DateRange(start, end, models.Value("[]"))


class PermissionNames(models.Func):
    """SQL ``hz_permission_names(user)``: the names of the permissions a user holds, given to the user or to
    the user's groups, as Django names them ("app_label.codename"); a permission held both ways is named
    twice. Created by migration hagen_zuhause 0015 (PL/pgSQL: each connection keeps its plan)."""

    function = "hz_permission_names"
    output_field = ArrayField(models.TextField())
