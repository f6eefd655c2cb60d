"""The senior shared flat (Senioren-WG): flats, their places, residents and the waiting list."""

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Client, ClientRelatedQuerySet
from hagen_zuhause.functions import inclusive_range
from hagen_zuhause.models import Organisation
from hagen_zuhause.scoping import ScopedQuerySet
from housing.models.offers import Landlord


class SeniorFlatQuerySet(ScopedQuerySet):
    pass


@pghistory.track()
class SeniorFlat(models.Model):
    """A shared flat for older formerly homeless people (Senioren-WG)."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    landlord = models.ForeignKey(
        Landlord, verbose_name=_("landlord"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    care_provider = models.CharField(_("care provider"), max_length=200, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = SeniorFlatQuerySet.as_manager()

    class Meta:
        verbose_name = _("senior shared flat")
        verbose_name_plural = _("senior shared flats")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SeniorFlatPlaceQuerySet(models.QuerySet):
    def existing_on(self, day):
        return self.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=day), created_on__lte=day)


@pghistory.track()
class SeniorFlatPlace(models.Model):
    """A place (room) in a senior shared flat; counts towards the goal from its creation."""

    flat = models.ForeignKey(SeniorFlat, verbose_name=_("flat"), on_delete=models.CASCADE, related_name="places")
    label = models.CharField(pgettext_lazy("senior flat", "place"), max_length=60, help_text=_("e.g. Zimmer 3"))
    created_on = models.DateField(_("available since"))
    closed_on = models.DateField(_("no longer available since"), null=True, blank=True)

    objects = SeniorFlatPlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place in the senior shared flat")
        verbose_name_plural = _("places in the senior shared flat")
        ordering = ["flat", "label"]
        constraints = [
            models.UniqueConstraint(fields=["flat", "label"], name="place_unique_label"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("created_on")),
                name="place_closed_after_created",
            ),
        ]

    def __str__(self):
        return f"{self.flat} – {self.label}"

    def clean(self):
        """A place cannot end while someone still lives in it, nor begin after someone moved in."""
        super().clean()
        if self.pk is None:
            return
        residencies = SeniorFlatResidency.objects.filter(place=self.pk)
        errors = {}
        if (
            self.closed_on is not None
            and residencies.filter(Q(move_out__isnull=True) | Q(move_out__gt=self.closed_on)).exists()
        ):
            errors["closed_on"] = _(
                "Someone lives in this place after %(date)s. Record the move-out in the senior flat first."
            ) % {"date": self.closed_on.strftime("%d.%m.%Y")}
        if self.created_on is not None and residencies.filter(move_in__lt=self.created_on).exists():
            errors["created_on"] = _("Someone moved into this place before %(date)s.") % {
                "date": self.created_on.strftime("%d.%m.%Y")
            }
        if errors:
            raise ValidationError(errors)


class ResidencyQuerySet(ClientRelatedQuerySet):
    organisation_lookup = "place__flat__organisation"

    def current(self, on):
        return self.filter(Q(move_out__isnull=True) | Q(move_out__gte=on), move_in__lte=on)


@pghistory.track()
class SeniorFlatResidency(models.Model):
    """A resident of a place from move-in to move-out; a place never has two residents at once."""

    place = models.ForeignKey(
        SeniorFlatPlace,
        verbose_name=pgettext_lazy("senior flat", "place"),
        on_delete=models.PROTECT,
        related_name="residencies",
    )
    client = models.ForeignKey(
        Client, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="senior_flat_residencies"
    )
    move_in = models.DateField(_("moved in"))
    move_out = models.DateField(_("moved out"), null=True, blank=True)

    objects = ResidencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident of the senior shared flat")
        verbose_name_plural = _("residents of the senior shared flat")
        ordering = ["-move_in"]
        constraints = [
            models.CheckConstraint(
                condition=Q(move_out__isnull=True) | Q(move_out__gte=F("move_in")), name="residency_out_after_in"
            ),
            ExclusionConstraint(
                name="residency_place_no_overlap",
                expressions=[
                    ("place", RangeOperators.EQUAL),
                    (inclusive_range("move_in", "move_out"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("Someone else lives in this place during this period."),
            ),
            ExclusionConstraint(
                name="residency_client_no_overlap",
                expressions=[
                    ("client", RangeOperators.EQUAL),
                    (inclusive_range("move_in", "move_out"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("The person already lives in another place during this period."),
            ),
        ]

    def __str__(self):
        return f"{self.client} – {self.place}"


class WaitingListQuerySet(ClientRelatedQuerySet):
    organisation_lookup = "flat__organisation"

    def waiting(self):
        return self.filter(removed_on__isnull=True)


@pghistory.track()
class WaitingListEntry(models.Model):
    """An eligible client waiting for a place in the senior shared flat."""

    class RemovalReason(models.TextChoices):
        MOVED_IN = "moved_in", _("moved in")
        OTHER_HOUSING = "other_housing", _("housed elsewhere")
        NOT_ELIGIBLE = "not_eligible", _("no longer eligible")
        WITHDRAWN = "withdrawn", _("no longer interested")
        DECEASED = "deceased", _("deceased")

    flat = models.ForeignKey(SeniorFlat, verbose_name=_("flat"), on_delete=models.CASCADE, related_name="waiting_list")
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+")
    added_on = models.DateField(_("on the list since"))
    note = models.TextField(_("note"), blank=True, help_text=_("e.g. care level, urgency"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.CharField(_("reason for removal"), max_length=15, choices=RemovalReason.choices, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = WaitingListQuerySet.as_manager()

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["added_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["flat", "client"], condition=Q(removed_on__isnull=True), name="waiting_once_per_flat"
            ),
        ]

    def __str__(self):
        return f"{self.client} ({self.added_on:%d.%m.%Y})"


#: The initiative's goal for places in senior shared flats.
SENIOR_FLAT_PLACE_GOAL = 10
