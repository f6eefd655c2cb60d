"""Finalised quarterly reports: frozen figures and PDF, served unchanged afterwards."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hagen_zuhause.models import Organisation
from hagen_zuhause.scoping import ScopedQuerySet


class ReportSnapshotQuerySet(ScopedQuerySet):
    def of_quarter(self, year, quarter):
        return self.filter(year=year, quarter=quarter)


@pgtrigger.register(
    # A submitted report never changes: the database refuses updates and deletes.
    pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
)
class ReportSnapshot(models.Model):
    """The quarterly report as the team lead finalised it: figures (JSON) and the PDF as sent."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, str(q)) for q in (1, 2, 3, 4)])
    figures = models.JSONField(_("figures"))
    masked = models.BooleanField(_("small cells masked"), default=False)
    pdf = models.BinaryField(_("PDF"))
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("finalised by"), on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(_("finalised"), default=timezone.now)

    objects = ReportSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("finalised quarterly report")
        verbose_name_plural = _("finalised quarterly reports")
        ordering = ["-year", "-quarter"]
        permissions = [
            ("export_report", _("Can export reports and the federal statistic")),
            ("finalise_report", _("Can finalise a quarterly report")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "quarter"], name="snapshot_once_per_quarter"),
        ]

    def __str__(self):
        return f"{self.quarter}/{self.year}"
