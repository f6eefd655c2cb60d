"""Housing acquisition and placement: landlords, offers, appropriateness limits (KdU), placements and
their follow-ups, the senior shared flat."""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Case, Client, ClientRelatedQuerySet
from hagen_zuhause.codes import AppointmentKind, YesNoUnknown
from hagen_zuhause.functions import inclusive_range
from hagen_zuhause.models import Organisation
from hagen_zuhause.scoping import ScopedQuerySet


class LandlordKind(models.TextChoices):
    MUNICIPAL = "municipal", _("municipal housing company")
    COOPERATIVE = "cooperative", _("housing cooperative")
    COMPANY = "company", _("private housing company")
    PRIVATE = "private", _("private landlord")


class CooperationStatus(models.TextChoices):
    NONE = "none", _("no contact yet")
    IN_CONTACT = "in_contact", _("in contact")
    COOPERATING = "cooperating", _("cooperating")
    AGREEMENT = "agreement", _("cooperation agreement")
    DECLINED = "declined", _("declined to cooperate")


class OfferStatus(models.TextChoices):
    AVAILABLE = "available", _("available")
    RESERVED = "reserved", _("reserved")
    LET = "let", _("let")
    WITHDRAWN = "withdrawn", _("withdrawn")


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


# --- Landlords and offers -----------------------------------------------------------------


class DistrictQuerySet(models.QuerySet):
    def of_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def choices(self):
        """``[(code, name), …]`` in the organisation's order, for forms and filters."""
        return list(self.order_by("position", "name").values_list("code", "name"))

    def names(self):
        """``{code: name}``, to show the codes stored in offers and housing searches."""
        return dict(self.values_list("code", "name"))


@pghistory.track()
class District(models.Model):
    """A district of the organisation's own list (Stadtbezirk, Ortsteil): where a flat lies and where a
    household wishes to live. Offers and housing searches store its ``code``, so renaming a district
    renames it everywhere and their history stays readable; a district in use cannot be removed."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="districts"
    )
    code = models.SlugField(_("code"), max_length=15)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["organisation", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="district_code_unique"),
            models.UniqueConstraint(fields=["organisation", "name"], name="district_name_unique"),
        ]

    def __str__(self):
        return self.name


def district_name_of(organisation="organisation", code="district"):
    """The name of the district ``code`` in the organisation's list, as a subquery for annotations."""
    districts = District.objects.filter(organisation=OuterRef(organisation), code=OuterRef(code))
    return Subquery(districts.values("name")[:1])


class LandlordQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(active=True)


@pghistory.track()
class Landlord(models.Model):
    """A landlord (Vermieter*in); private landlords are personal data. Maintained by Verwaltung."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=12, choices=LandlordKind.choices)
    name = models.CharField(_("name"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    cooperation_status = models.CharField(
        _("cooperation status"), max_length=12, choices=CooperationStatus.choices, default=CooperationStatus.NONE
    )
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = LandlordQuerySet.as_manager()

    class Meta:
        verbose_name = _("landlord")
        verbose_name_plural = _("landlords")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("housing:landlord_detail", args=[self.pk])


class KduTableQuerySet(ScopedQuerySet):
    def valid_on(self, day):
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day)


@pghistory.track()
class KduTable(models.Model):
    """The municipality's appropriateness limits for housing costs (KdU, § 22 SGB II) for a validity period."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    extra_person_amount = models.DecimalField(
        _("amount for each further person (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Added per person beyond the largest household size in the table; empty when not defined."),
    )
    is_demo = models.BooleanField(
        _("demo values"), default=False, help_text=_("Made-up values for trying the system; replace them.")
    )
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=_("e.g. the municipal guideline"))

    objects = KduTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("KdU limits table")
        verbose_name_plural = _("KdU limits tables")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="kdu_until_after_from",
            ),
            ExclusionConstraint(
                name="kdu_no_overlap",
                expressions=[
                    ("organisation", RangeOperators.EQUAL),
                    (inclusive_range("valid_from", "valid_until"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("Another table is valid during this period."),
            ),
        ]

    def __str__(self):
        return f"KdU {self.valid_from:%d.%m.%Y}"


@pghistory.track()
class KduLimit(models.Model):
    """The limit of the gross cold rent (rent plus service costs, without heating) for one household size."""

    table = models.ForeignKey(KduTable, verbose_name=_("table"), on_delete=models.CASCADE, related_name="limits")
    household_size = models.PositiveSmallIntegerField(_("household size"), validators=[MinValueValidator(1)])
    max_gross_cold_rent = models.DecimalField(_("maximum gross cold rent (EUR)"), max_digits=8, decimal_places=2)
    max_living_space = models.DecimalField(
        _("maximum living space (m²)"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("KdU limit")
        verbose_name_plural = _("KdU limits")
        ordering = ["household_size"]
        constraints = [
            models.UniqueConstraint(fields=["table", "household_size"], name="kdulimit_unique_size"),
            models.CheckConstraint(condition=Q(household_size__gte=1), name="kdulimit_size_positive"),
        ]

    def __str__(self):
        return f"{self.household_size}: {self.max_gross_cold_rent}"


class HousingOfferQuerySet(ScopedQuerySet):
    def available(self):
        return self.filter(status=OfferStatus.AVAILABLE)

    def open(self):
        """Offers that can still be let: available or reserved."""
        return self.filter(status__in=[OfferStatus.AVAILABLE, OfferStatus.RESERVED])

    def with_gross_cold_rent(self):
        return self.annotate(
            gross_cold_rent_value=models.ExpressionWrapper(
                F("cold_rent") + models.functions.Coalesce(F("service_costs"), Decimal("0")),
                output_field=models.DecimalField(max_digits=9, decimal_places=2),
            )
        )


class HousingOfferManager(models.Manager.from_queryset(HousingOfferQuerySet)):
    """Every offer read through it carries its district's name (``district_label``): lists need no extra query."""

    def get_queryset(self):
        return super().get_queryset().annotate(district_label=district_name_of())


@pghistory.track()
class HousingOffer(models.Model):
    """A flat offered to the office (Wohnungsangebot), from acquisition to letting."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    landlord = models.ForeignKey(Landlord, verbose_name=_("landlord"), on_delete=models.PROTECT, related_name="offers")
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    district = models.CharField(_("district"), max_length=15, help_text=_("A district of the organisation's list."))
    living_space = models.DecimalField(
        _("living space (m²)"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("5"))]
    )
    rooms = models.DecimalField(
        _("rooms"), max_digits=3, decimal_places=1, validators=[MinValueValidator(Decimal("1"))]
    )
    floor = models.SmallIntegerField(
        _("floor"), null=True, blank=True, validators=[MinValueValidator(-1), MaxValueValidator(30)]
    )
    lift = models.CharField(_("lift"), max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    barrier_free = models.CharField(
        _("barrier-free"), max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    cold_rent = models.DecimalField(_("cold rent (EUR)"), max_digits=8, decimal_places=2)
    service_costs = models.DecimalField(
        _("service costs without heating (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    heating_costs = models.DecimalField(_("heating costs (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True)
    deposit = models.DecimalField(_("deposit (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True)
    wbs_required = models.CharField(
        _("WBS required"), max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    acquired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acquired by"), on_delete=models.PROTECT, related_name="+"
    )
    acquired_on = models.DateField(_("acquired on"))
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.AVAILABLE)
    let_on = models.DateField(_("let on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = HousingOfferManager()

    class Meta:
        verbose_name = _("housing offer")
        verbose_name_plural = _("housing offers")
        ordering = ["-acquired_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "district"], name="offer_org_status_district"),
            models.Index(fields=["acquired_on"], name="offer_acquired_on"),
            models.Index(fields=["let_on"], name="offer_let_on"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(cold_rent__gte=0), name="offer_rent_not_negative"),
            models.CheckConstraint(
                condition=~Q(status=OfferStatus.LET) | Q(let_on__isnull=False), name="offer_let_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.street} ({self.get_district_display()})"

    def get_absolute_url(self):
        return reverse("housing:offer_detail", args=[self.pk])

    def get_district_display(self):
        """The district's name from the organisation's list (the code when it is no longer there)."""
        label = getattr(self, "district_label", None)
        return label or self.district_names.get(self.district, self.district)

    @cached_property
    def district_names(self):
        """``{code: name}`` of the organisation's districts; one query per offer object."""
        return District.objects.of_organisation(self.organisation_id).names()

    @property
    def gross_cold_rent(self):
        """Rent plus service costs without heating: the figure the KdU limits apply to."""
        return self.cold_rent + (self.service_costs or Decimal("0"))


class HousingSearchQuerySet(ClientRelatedQuerySet):
    """Housing searches: visible with their client."""


@pghistory.track()
class HousingSearch(models.Model):
    """What a household looks for (Wohnungssuche): districts, barrier-free need, size; used by matching."""

    client = models.OneToOneField(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="housing_search"
    )
    districts = ArrayField(
        models.CharField(max_length=15),
        verbose_name=_("preferred districts"),
        default=list,
        blank=True,
        help_text=_("Empty: any district."),
    )
    barrier_free_needed = models.CharField(
        _("barrier-free flat needed"), max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    max_floor_without_lift = models.SmallIntegerField(
        _("highest floor without a lift"),
        null=True,
        blank=True,
        help_text=_("e.g. 0 for ground floor only; empty when any floor is fine."),
    )
    min_rooms = models.DecimalField(_("at least rooms"), max_digits=3, decimal_places=1, null=True, blank=True)
    wbs_available = models.CharField(
        _("WBS available"), max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = HousingSearchQuerySet.as_manager()

    class Meta:
        verbose_name = _("housing search")
        verbose_name_plural = _("housing searches")

    def __str__(self):
        return str(self.client)


# --- Placements ---------------------------------------------------------------------------


class PlacementQuerySet(ClientRelatedQuerySet):
    """Placements; visible with their client (restricted clients stay hidden)."""

    organisation_lookup = "organisation"

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


# --- Senior shared flat -------------------------------------------------------------------


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
