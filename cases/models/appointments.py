"""Appointments (Termine) of the workers: with a client, about a flat, or both."""

import secrets
from datetime import datetime, timedelta

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.clients import Client, client_visibility
from cases.models.cover import covered_workers
from hagen_zuhause import codes
from hagen_zuhause.models import Organisation
from hagen_zuhause.scoping import ScopedQuerySet


class AppointmentQuerySet(ScopedQuerySet):
    """Appointments; those with a client follow the client's visibility (as tasks do)."""

    def restrict_for(self, user):
        if user.has_perm("cases.view_restricted_client"):
            return self
        return self.filter(Q(client__isnull=True) | client_visibility(user, "client"))

    def planned(self):
        return self.filter(status=codes.AppointmentStatus.PLANNED)

    def not_cancelled(self):
        return self.exclude(status=codes.AppointmentStatus.CANCELLED)

    def of_worker(self, user):
        return self.filter(worker=user)

    def in_care_of(self, user):
        """The worker's own or, during a cover, the colleague's ``user`` stands in for ("my week")."""
        return self.filter(Q(worker=user) | Q(worker__in=covered_workers(user)))

    def between(self, first, last):
        """Appointments on the days ``first`` to ``last`` (inclusive)."""
        return self.filter(date__range=(first, last))

    def on_day(self, day):
        return self.filter(date=day)


@pghistory.track()
class Appointment(models.Model):
    """An appointment (Termin) of a worker: office, home visit, accompaniment, viewing, court hearing.

    Planned, then done or cancelled. A viewing planned on a placement is an appointment too
    (``placement``); the calendar and its feed read these rows.
    """

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=15, choices=codes.AppointmentKind.choices)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appointments",
    )
    offer = models.ForeignKey(
        "housing.HousingOffer",
        verbose_name=_("housing offer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appointments",
    )
    placement = models.ForeignKey(
        "housing.Placement",
        verbose_name=_("placement"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appointments",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="appointments",
        db_index=False,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=codes.AppointmentStatus.choices,
        default=codes.AppointmentStatus.PLANNED,
    )
    note = models.TextField(_("note"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["date", "start_time", "id"]
        indexes = [
            # A worker's week and today's appointments on the start page.
            models.Index(fields=["worker", "date", "start_time"], name="appointment_worker_date"),
            # The team lead's week of the whole team.
            models.Index(fields=["organisation", "date", "start_time"], name="appointment_org_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(end_time__gt=F("start_time")),
                name="appointment_end_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=False) | Q(offer__isnull=False),
                name="appointment_client_or_offer",
                violation_error_message=_("An appointment is with a client or about a housing offer."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y} {self.start_time:%H:%M}"

    @property
    def is_planned(self):
        return self.status == codes.AppointmentStatus.PLANNED

    def starts_at(self):
        """The start as an aware date-time in the office's time zone."""
        return timezone.make_aware(datetime.combine(self.date, self.start_time), timezone.get_current_timezone())

    def ends_at(self):
        """The end; an appointment without one is taken to last an hour."""
        if self.end_time is None:
            return self.starts_at() + timedelta(hours=1)
        return timezone.make_aware(datetime.combine(self.date, self.end_time), timezone.get_current_timezone())


class CalendarFeed(models.Model):
    """A user's secret calendar subscription: only a hash of the token is stored.

    Regenerating replaces the hash, so the old address stops working at once; deleting the row
    switches the subscription off.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(_("token (hash)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self):
        return str(self.user)

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)
