"""Cover during absence (Vertretung): a colleague stands in for an absent worker for a period."""

import functools

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.functions import inclusive_range
from hagen_zuhause.models import Organisation
from hagen_zuhause.scoping import ScopedQuerySet


class CoverQuerySet(ScopedQuerySet):
    """Covers; a worker sees those where they are absent or the deputy, the team lead all of the team."""

    def restrict_for(self, user):
        if user.has_perm("cases.cover_anyone"):
            return self
        return self.filter(Q(absent=user) | Q(deputy=user))

    def current(self, today=None):
        """Covers in force today: within their period and not ended early."""
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gte=today, ended_at__isnull=True)

    def not_over(self, today=None):
        """Covers in force today or still to come."""
        today = today or timezone.localdate()
        return self.filter(ends_on__gte=today, ended_at__isnull=True)

    def over(self, today=None):
        """Covers past their period or ended early."""
        today = today or timezone.localdate()
        return self.filter(Q(ends_on__lt=today) | Q(ended_at__isnull=False))

    def absent_covered_by(self, user, today=None):
        """The ids of the workers ``user`` (a user or its id) stands in for today, as a subquery (no query
        of its own).

        The scoping rule (``cases.models.clients``) and the "my tasks and appointments" lists read it
        inside their own query, so a cover changes what they show without a query more.
        """
        return self.current(today).filter(deputy=user).values("absent")


def covered_workers(user, today=None):
    """:meth:`CoverQuerySet.absent_covered_by` for ``__in``, compiled once per worker process, user and day.

    The lists of "my" tasks and appointments and the visibility rule carry it in several queries of a page;
    a nested queryset costs each of them about half a millisecond to build and compile, this SQL nothing.
    The database still reads the covers when the query runs.
    """
    return RawSQL(*_covered_workers_sql(getattr(user, "pk", user), today or timezone.localdate()))


@functools.lru_cache(maxsize=1024)
def _covered_workers_sql(user_id, today):
    sql, params = Cover.objects.absent_covered_by(user_id, today).order_by().query.sql_with_params()
    return sql, tuple(params)


@pghistory.track()
class Cover(models.Model):
    """A deputy named for a worker's absence (Vertretung): from ``starts_on`` to ``ends_on``, both days
    included, the deputy sees the absent worker's clients (restricted ones too), tasks and appointments.

    It ends by itself after ``ends_on``; the absent worker or the team lead may end it earlier
    (``ended_at``). Every view of a record the deputy sees only through the cover is logged as such.
    """

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("absent worker"),
        on_delete=models.PROTECT,
        related_name="covers_given",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deputy"),
        on_delete=models.PROTECT,
        related_name="covers_taken",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("named by"), on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended early"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("cover")
        verbose_name_plural = _("covers")
        ordering = ["starts_on", "id"]
        permissions = [("cover_anyone", _("Can name a deputy for any worker of the organisation"))]
        indexes = [
            # The scoping rule asks on every query of client data: whom does this user cover today?
            models.Index(fields=["deputy", "ends_on"], condition=Q(ended_at__isnull=True), name="cover_deputy_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="cover_ends_after_start",
                violation_error_message=_("The end of the cover cannot be before its start."),
            ),
            models.CheckConstraint(
                condition=~Q(deputy=F("absent")),
                name="cover_deputy_not_absent",
                violation_error_message=_("Nobody can be their own deputy."),
            ),
            # One deputy per absence once: a double submit or two tabs cannot name the same deputy twice.
            ExclusionConstraint(
                name="cover_no_overlap",
                expressions=[
                    ("absent", RangeOperators.EQUAL),
                    ("deputy", RangeOperators.EQUAL),
                    (inclusive_range("starts_on", "ends_on"), RangeOperators.OVERLAPS),
                ],
                condition=Q(ended_at__isnull=True),
                violation_error_message=_("This colleague already stands in during this period."),
            ),
        ]

    def __str__(self):
        return f"{self.deputy} → {self.absent} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"

    def is_current(self, today=None):
        today = today or timezone.localdate()
        return self.ended_at is None and self.starts_on <= today <= self.ends_on
