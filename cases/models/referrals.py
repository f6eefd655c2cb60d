"""Referrals to partner services (Vermittlung an Dienste) and the documents uploaded on a client."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.clients import Case, Client, ClientRelatedQuerySet, Consent
from hagen_zuhause import codes


class ReferralQuerySet(ClientRelatedQuerySet):
    def open(self):
        return self.filter(outcome="")


@pghistory.track()
class Referral(models.Model):
    """A referral to a partner service (Vermittlung an Dienste), based on a consent or a reasoned override."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="referrals")
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    partner = models.ForeignKey(
        "cooperation.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="referrals"
    )
    referred_on = models.DateField(_("referred on"))
    consent = models.ForeignKey(
        Consent, verbose_name=_("consent"), on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    consent_override_reason = models.TextField(
        _("reason for referring without consent"),
        blank=True,
        help_text=_("Only when no valid consent exists, e.g. danger to life (§ 34 StGB)."),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=codes.ReferralOutcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | ~Q(consent_override_reason=""),
                name="referral_consent_or_reason",
                violation_error_message=_("A referral needs a valid consent or a written reason."),
            ),
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(outcome_on__isnull=True)) | (~Q(outcome="") & Q(outcome_on__isnull=False)),
                name="referral_outcome_with_date",
            ),
        ]
        indexes = [models.Index(fields=["referred_on"], name="referral_referred_on")]

    def __str__(self):
        return f"{self.partner} ({self.referred_on:%d.%m.%Y})"


def document_path(instance, filename):
    # The stored name never contains the client's name or the original file name.
    return f"documents/{instance.client.organisation_id}/{timezone.now():%Y/%m}/{instance.token}"


@pghistory.track(exclude=["file"])
class Document(models.Model):
    """An uploaded file on a client (consent scan, letter): private storage, permission-checked download."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=codes.DocumentKind.choices, default="other")
    description = models.CharField(_("description"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    token = models.CharField(max_length=64, editable=False, unique=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = ClientRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.description or self.original_name
