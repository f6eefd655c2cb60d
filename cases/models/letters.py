"""Letters (Schreiben): the templates the team lead keeps, and the letters written from them for a client."""

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cases.letter_placeholders import unknown_placeholders
from cases.models.clients import Client, ClientRelatedQuerySet
from cases.models.referrals import Document
from hagen_zuhause.models import Organisation
from hagen_zuhause.scoping import ScopedQuerySet

#: The texts of a template that may hold placeholders.
TEXT_FIELDS = ("address_block", "subject", "body_de", "body_bg", "body_ro")


class LetterTemplateQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(active=True)


@pghistory.track()
class LetterTemplate(models.Model):
    """A letter template of an organisation: plain text with placeholders from a fixed list, kept by the team lead.

    Client-facing templates carry translations (Bulgarian, Romanian) printed after the binding German
    text. A template shipped with the application is marked as to be checked by the city until the
    team lead confirms it (``confirmed_at``).
    """

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200)
    client_facing = models.BooleanField(
        _("letter to the client"),
        default=True,
        help_text=_(
            "Letters to the client add a translation into the client's language (Bulgarian or Romanian) after "
            "the German text. Letters to landlords or authorities are German only."
        ),
    )
    address_block = models.TextField(
        _("recipient"), help_text=_("Name and address of the recipient, usually with placeholders.")
    )
    subject = models.CharField(pgettext_lazy("letter", "subject"), max_length=300)
    body_de = models.TextField(_("text (German, binding)"))
    body_bg = models.TextField(_("translation (Bulgarian)"), blank=True)
    body_ro = models.TextField(_("translation (Romanian)"), blank=True)
    shipped_key = models.CharField(max_length=40, blank=True, editable=False)
    active = models.BooleanField(_("in use"), default=True, help_text=_("Templates not in use cannot be chosen."))
    confirmed_at = models.DateTimeField(_("checked by the city on"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = LetterTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"],
                name="lettertemplate_unique_title",
                violation_error_message=_("A letter template with this title exists already."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "shipped_key"],
                condition=~Q(shipped_key=""),
                name="lettertemplate_unique_shipped_key",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        """Refuse placeholders that are not in the list, and stray braces, naming them per field."""
        errors = {}
        for name in TEXT_FIELDS:
            unknown = unknown_placeholders(getattr(self, name))
            if unknown:
                errors[name] = gettext(
                    "Unknown placeholders: %(names)s. Please use only the placeholders listed beside the text."
                ) % {"names": ", ".join(unknown)}
        if errors:
            raise ValidationError(errors)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def translation(self, language):
        """The template's text in ``language`` (``bg``, ``ro``), empty when it has none or is German only."""
        if not self.client_facing or language not in ("bg", "ro"):
            return ""
        return getattr(self, f"body_{language}")

    @property
    def translation_languages(self):
        """The languages this template can add after the German text."""
        return [language for language in ("bg", "ro") if self.translation(language).strip()]


@pghistory.track()
class Letter(models.Model):
    """A letter written for a client from a template: its PDF is a document of the client."""

    class Language(models.TextChoices):
        GERMAN = "", _("German only")
        BULGARIAN = "bg", _("German and Bulgarian")
        ROMANIAN = "ro", _("German and Romanian")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="letters")
    template = models.ForeignKey(
        LetterTemplate,
        verbose_name=_("letter template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
    )
    document = models.OneToOneField(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="letter"
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)

    objects = ClientRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.document)
