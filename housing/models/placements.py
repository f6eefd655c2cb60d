"""Placements (Vermittlung): a household proposed for an offer, its steps, the follow-ups after the
move-in and the thresholds after which a placement counts as stalled."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Client, ClientRelatedQuerySet
from hagen_zuhause.codes import AppointmentKind
from hagen_zuhause.models import Organisation
from housing.models.offers import HousingOffer


class PlacementStep(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    VIEWING = "viewing", _("viewing")
    LANDLORD_ACCEPTED = "landlord_accepted", _("accepted by the landlord")
    LEASE_SIGNED = "lease_signed", _("lease signed")
    MOVED_IN = "moved_in", _("moved in")
    DECLINED = "declined", _("declined")


#: The pipeline order; a placement moves forward one or more steps, or is declined.
PIPELINE = [
    PlacementStep.PROPOSED,
    PlacementStep.VIEWING,
    PlacementStep.LANDLORD_ACCEPTED,
    PlacementStep.LEASE_SIGNED,
    PlacementStep.MOVED_IN,
]
#: Steps that happen on a day with the household and can be planned ahead: the appointment's kind.
PLANNED_STEP_KINDS = {
    PlacementStep.VIEWING: AppointmentKind.VIEWING,
    PlacementStep.LEASE_SIGNED: AppointmentKind.LEASE_SIGNING,
    PlacementStep.MOVED_IN: AppointmentKind.MOVE_IN,
}
#: Steps in which a household holds the placement firmly: at most one at a time per household.
PAST_VIEWING = [PlacementStep.LANDLORD_ACCEPTED, PlacementStep.LEASE_SIGNED]
#: Steps in which the offer is taken: at most one placement per offer.
SIGNED = [PlacementStep.LEASE_SIGNED, PlacementStep.MOVED_IN]


class DeclineReason(models.TextChoices):
    CLIENT_DECLINED = "client_declined", _("declined by the household")
    LANDLORD_DECLINED = "landlord_declined", _("declined by the landlord")
    OFFER_TAKEN = "offer_taken", _("the flat was let to another household")
    OFFER_WITHDRAWN = "offer_withdrawn", _("the offer was withdrawn")


class FollowUpResult(models.TextChoices):
    HELD = "held", _("tenancy held")
    LOST = "lost", _("tenancy lost")
    UNKNOWN = "unknown", _("unknown")


class PlacementQuerySet(ClientRelatedQuerySet):
    """Placements; visible with their client (restricted clients stay hidden)."""

    organisation_lookup = "organisation"

    def restrict_for(self, user):
        """The client's visibility looked up for each placement by its key (a subquery per row).

        As a condition on a join, PostgreSQL hashed every client of the organisation to check the board's
        two thousand placements (at 100,000 clients about twice the time of the rest of the query); the
        placements are few, and a placement list that stops after a page reads only its own clients.
        """
        visible = Client.objects.visible_to(user).filter(pk=OuterRef("client_id")).values("pk")[:1]
        return self.alias(visible_client=Subquery(visible)).filter(visible_client__isnull=False)

    def active(self):
        """Not yet moved in and not declined."""
        return self.exclude(step__in=[PlacementStep.MOVED_IN, PlacementStep.DECLINED])

    def at_step(self, step):
        return self.filter(step=step)


@pghistory.track()
class Placement(models.Model):
    """A household proposed for an offer (Vermittlung), moving through the steps to the move-in."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    offer = models.ForeignKey(
        HousingOffer, verbose_name=_("housing offer"), on_delete=models.PROTECT, related_name="placements"
    )
    client = models.ForeignKey(
        Client, verbose_name=_("household (client)"), on_delete=models.PROTECT, related_name="placements"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.SET_NULL, null=True, blank=True, related_name="placements"
    )
    step = models.CharField(_("step"), max_length=20, choices=PlacementStep.choices, default=PlacementStep.PROPOSED)
    step_changed_on = models.DateField(_("step reached on"))
    household_size = models.PositiveSmallIntegerField(
        _("household size"), help_text=_("Persons moving in, counted when the placement is proposed.")
    )
    proposed_on = models.DateField(_("proposed on"))
    viewing_on = models.DateField(_("viewing on"), null=True, blank=True)
    landlord_accepted_on = models.DateField(_("accepted by the landlord on"), null=True, blank=True)
    lease_signed_on = models.DateField(_("lease signed on"), null=True, blank=True)
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    declined_on = models.DateField(_("declined on"), null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(_("explanation"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-step_changed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer"],
                condition=Q(step__in=SIGNED),
                name="placement_one_signed_per_offer",
                violation_error_message=_("A lease for this flat has already been signed."),
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(step__in=PAST_VIEWING),
                name="placement_one_firm_per_household",
                violation_error_message=_("This household already holds a placement past the viewing."),
            ),
            models.UniqueConstraint(
                fields=["offer", "client"],
                condition=~Q(step=PlacementStep.DECLINED),
                name="placement_unique_active_pair",
                violation_error_message=_("This household is already proposed for this flat."),
            ),
            models.CheckConstraint(
                condition=(Q(step=PlacementStep.DECLINED) & ~Q(decline_reason=""))
                | (~Q(step=PlacementStep.DECLINED) & Q(decline_reason="")),
                name="placement_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(step=PlacementStep.MOVED_IN) | Q(moved_in_on__isnull=False),
                name="placement_moved_in_has_date",
            ),
        ]
        indexes = [models.Index(fields=["moved_in_on"], name="placement_moved_in_on")]

    def __str__(self):
        return f"{self.client} → {self.offer}"


@pghistory.track()
class PlacementStepRecord(models.Model):
    """One step of a placement: which step, on which date, by whom — the placement's own log.

    A step the placement moved past without it taking place (proposed straight to the lease) is
    recorded as *skipped*, with the reason the worker gave, so that it never reads as still open.
    """

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="step_records"
    )
    step = models.CharField(_("step"), max_length=20, choices=PlacementStep.choices)
    on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    skipped = models.BooleanField(
        _("skipped"), default=False, help_text=_("The step did not take place; the note says why.")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("placement step")
        verbose_name_plural = _("placement steps")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(skipped=False) | ~Q(note=""),
                name="placementsteprecord_skip_has_reason",
                violation_error_message=_("Say why the step was skipped."),
            ),
        ]

    def __str__(self):
        return f"{self.get_step_display()} {self.on:%d.%m.%Y}"


class FollowUpQuerySet(models.QuerySet):
    def answered(self):
        return self.exclude(result="")


@pghistory.track()
class FollowUp(models.Model):
    """The check 3, 6 and 12 months after a move-in: is the tenancy still held?"""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    months = models.PositiveSmallIntegerField(_("months after move-in"), choices=[(3, "3"), (6, "6"), (12, "12")])
    due_on = models.DateField(_("due on"))
    task = models.OneToOneField(
        "cases.Task", verbose_name=_("task"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    result = models.CharField(_("result"), max_length=10, choices=FollowUpResult.choices, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up check")
        verbose_name_plural = _("follow-up checks")
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["placement", "months"], name="followup_unique_months")]

    def __str__(self):
        return f"{self.months} {self.placement}"


class StallThreshold(models.Model):
    """After how many days without progress a placement at a step counts as stalled (empty: never)."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE)
    step = models.CharField(_("step"), max_length=20, choices=PlacementStep.choices)
    days = models.PositiveSmallIntegerField(
        _("days without progress"), null=True, blank=True, help_text=_("Empty: never counts as stalled.")
    )

    class Meta:
        verbose_name = _("threshold for stalled placements")
        verbose_name_plural = _("thresholds for stalled placements")
        constraints = [models.UniqueConstraint(fields=["organisation", "step"], name="stall_unique_step")]

    def __str__(self):
        return f"{self.get_step_display()}: {self.days}"


#: Days without progress before a placement counts as stalled, where the organisation set nothing.
DEFAULT_STALL_DAYS = {
    PlacementStep.PROPOSED: 14,
    PlacementStep.VIEWING: 14,
    PlacementStep.LANDLORD_ACCEPTED: 21,
    PlacementStep.LEASE_SIGNED: 30,
}
