"""Partners of the help network (Hilfenetz): where clients are referred, who cooperates."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.models import Organisation
from hagen_zuhause.scoping import ScopedQuerySet


class PartnerKind(models.TextChoices):
    HOUSING_COMPANY = "housing_company", _("housing company")
    HEALTH_OFFICE_SPDI = "health_office_spdi", _("health office / socio-psychiatric service")
    CARE_COUNSELLING = "care_counselling", _("care counselling")
    WELFARE_ORG = "welfare_org", _("welfare organisation")
    WOMENS_COUNSELLING = "womens_counselling", _("women's counselling")
    JOBCENTER = "jobcenter", _("Jobcenter")
    OTHER = "other", _("other")


class PartnerQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(active=True)


@pghistory.track()
class Partner(models.Model):
    """An organisation or service the office works with and refers clients to."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=PartnerKind.choices)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    services = models.TextField(_("services offered"), blank=True)
    languages = ArrayField(
        models.CharField(max_length=10), verbose_name=_("languages spoken"), default=list, blank=True
    )
    target_groups = ArrayField(
        models.CharField(max_length=20), verbose_name=_("target groups served"), default=list, blank=True
    )
    contact_hours = models.CharField(_("contact hours"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    landlords = models.ManyToManyField(
        "housing.Landlord",
        verbose_name=_("linked landlords"),
        blank=True,
        related_name="partners",
        help_text=_("For housing companies: the landlord records whose placements count for agreements."),
    )

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="partner_unique_name")]

    def __str__(self):
        return self.name


class AgreementStatus(models.TextChoices):
    NEGOTIATING = "negotiating", _("in negotiation")
    SIGNED = "signed", _("signed")
    EXPIRED = "expired", _("expired")
    TERMINATED = "terminated", _("terminated")


class AgreementQuerySet(ScopedQuerySet):
    def signed_between(self, start, end):
        return self.filter(signed_on__range=(start, end))

    def active_on(self, day):
        """Signed agreements in force on the day (not terminated before it)."""
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            Q(terminated_on__isnull=True) | Q(terminated_on__gt=day),
            signed_on__lte=day,
            valid_from__lte=day,
        ).exclude(status=AgreementStatus.NEGOTIATING)


@pghistory.track()
class Agreement(models.Model):
    """A cooperation agreement (Kooperationsvereinbarung) with a partner, e.g. a yearly flat quota."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="agreements")
    subject = models.CharField(_("subject"), max_length=300)
    target_groups = ArrayField(
        models.CharField(max_length=20), verbose_name=_("target groups"), default=list, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.NEGOTIATING
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    yearly_flat_quota = models.PositiveSmallIntegerField(
        _("flats per year"),
        null=True,
        blank=True,
        help_text=_("Commitment of the partner's linked landlords; fulfilment is counted from placements."),
    )
    commitments = models.TextField(_("other commitments"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["-signed_on", "subject"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["signed", "expired", "terminated"])
                | (Q(signed_on__isnull=False) & Q(valid_from__isnull=False)),
                name="agreement_signed_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="agreement_until_after_from",
            ),
        ]

    def __str__(self):
        return self.subject


class GroupOfferQuerySet(ScopedQuerySet):
    def between(self, start, end):
        return self.filter(date__range=(start, end))


@pghistory.track()
class GroupOffer(models.Model):
    """A group event (Gruppenangebot) such as the women's breakfast or a health consultation hour."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    target_group = models.CharField(_("target group"), max_length=20, blank=True)
    participant_count = models.PositiveSmallIntegerField(
        _("number of participants"),
        null=True,
        blank=True,
        help_text=_("When participants are not recorded by name; otherwise the linked clients are counted."),
    )
    participants = models.ManyToManyField(
        "cases.Client", verbose_name=_("participants"), blank=True, related_name="group_offers"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("with partner"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    objects = GroupOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("group offer")
        verbose_name_plural = _("group offers")
        ordering = ["-date"]
        indexes = [models.Index(fields=["organisation", "date"], name="groupoffer_org_date")]

    def __str__(self):
        return f"{self.title} ({self.date:%d.%m.%Y})"


def agreement_document_path(instance, filename):
    # The stored name is random; the original name is kept in the row only.
    return f"agreements/{instance.agreement.organisation_id}/{timezone.now():%Y/%m}/{instance.token}"


@pghistory.track(exclude=["file"])
class AgreementDocument(models.Model):
    """The signed agreement or an annex: private storage, permission-checked download."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="documents"
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=agreement_document_path, max_length=200)
    token = models.CharField(max_length=64, editable=False, unique=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.description or self.original_name
