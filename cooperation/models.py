"""Partners of the help network (Hilfenetz): where clients are referred, who cooperates."""

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.db import models
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

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="partner_unique_name")]

    def __str__(self):
        return self.name
