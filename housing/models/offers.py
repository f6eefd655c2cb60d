"""Landlords, the organisation's districts, the KdU limits, housing offers and housing searches."""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cases.models import Client, ClientRelatedQuerySet
from hagen_zuhause.codes import YesNoUnknown
from hagen_zuhause.functions import inclusive_range
from hagen_zuhause.links import record_path
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
        return record_path("housing:landlord_detail", self.pk)


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
        return record_path("housing:offer_detail", self.pk)

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
