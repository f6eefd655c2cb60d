"""Requests of the people whose data the office keeps: erasure now (Art. 17 GDPR), with four eyes, and
restriction of processing (Art. 18 GDPR)."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.clients import Client
from hagen_zuhause.models import Organisation
from hagen_zuhause.scoping import ScopedQuerySet


class ErasureRequestQuerySet(ScopedQuerySet):
    """Erasure requests of the organisation; the team lead's to make and decide."""

    def pending(self):
        return self.filter(state=ErasureRequest.State.PENDING)

    def decided(self):
        return self.exclude(state=ErasureRequest.State.PENDING)

    def with_people(self):
        return self.select_related("client", "requested_by", "decided_by")


@pghistory.track()
class ErasureRequest(models.Model):
    """A request to anonymise one client now (Art. 17 GDPR), before the retention period ends.

    It takes effect only when a second Teamleitung of the organisation confirms it; the database refuses
    a decision by the requester and a second pending request for the same client. The reason documents
    why the person's data were erased (Art. 5(2) GDPR) and stays after the erasure: it names no person.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        CONFIRMED = "confirmed", _("confirmed and carried out")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="erasure_requests"
    )
    reason = models.CharField(
        _("reason"),
        max_length=300,
        help_text=_("Why the data are erased now, e.g. “request of the person of 01.12.2026”. Please name nobody."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason for the refusal"), max_length=300, blank=True)

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-id"]
        permissions = [("decide_erasurerequest", _("Can confirm or refuse erasure requests"))]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(state="pending"),
                name="erasurerequest_one_pending_per_client",
                violation_error_message=_("An erasure of this person is already requested."),
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["confirmed", "refused"]) | ~Q(decided_by=F("requested_by")),
                name="erasurerequest_four_eyes",
                violation_error_message=_("A request is confirmed or refused by someone other than the requester."),
            ),
            models.CheckConstraint(
                condition=Q(state="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(state="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="erasurerequest_decided_unless_pending",
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(decision_reason=""),
                name="erasurerequest_refusal_has_reason",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="erasurerequest_has_reason"),
        ]
        indexes = [models.Index(fields=["organisation", "state"], name="erasurerequest_org_state")]

    def __str__(self):
        return f"{self.get_state_display()} ({self.requested_at:%d.%m.%Y})"

    def get_absolute_url(self):
        return reverse("cases:erasure_request_detail", args=[self.pk])

    @property
    def is_pending(self):
        return self.state == self.State.PENDING


class ProcessingRestrictionQuerySet(ScopedQuerySet):
    """Restrictions of processing; a client's restriction is as visible as the client."""

    organisation_lookup = "client__organisation"

    def active(self):
        return self.filter(lifted_at__isnull=True)

    def restrict_for(self, user):
        return self.filter(client__in=Client.objects.visible_to(user))


@pghistory.track()
class ProcessingRestriction(models.Model):
    """A restriction of processing of one client's data (Art. 18 GDPR), from its start until it is lifted.

    While a restriction is active the client's file is read-only (the services refuse every change) and
    the client appears in no list except the team lead's. Who restricted, who lifted, when and why stays in
    the row and its history; at most one restriction of a client is active (a database constraint).
    """

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="processing_restrictions"
    )
    reason = models.CharField(_("reason"), max_length=300)
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("restricted by"), on_delete=models.PROTECT, related_name="+"
    )
    restricted_at = models.DateTimeField(_("restricted at"), default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.CharField(_("reason for lifting"), max_length=300, blank=True)

    objects = ProcessingRestrictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        ordering = ["-restricted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(lifted_at__isnull=True),
                name="processingrestriction_one_active_per_client",
                violation_error_message=_("The processing of this person's data is already restricted."),
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="processingrestriction_has_reason"),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True, lift_reason="")
                | Q(lifted_at__isnull=False, lifted_by__isnull=False) & ~Q(lift_reason=""),
                name="processingrestriction_lifted_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.restricted_at:%d.%m.%Y}"

    @property
    def is_active(self):
        return self.lifted_at is None
