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

    #: Evidence: the application's database role may only read and add rows (``hagen_zuhause.database``).
    is_audit_record = True

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


class ReportSubmissionQuerySet(ScopedQuerySet):
    """Submissions: a municipality's team lead sees its own; the state sees every municipality's."""

    def of_quarter(self, year, quarter):
        return self.filter(year=year, quarter=quarter)

    def for_state(self, user):
        """Every municipality's submissions, for a user of the state's organisation with the role Land."""
        organisation = getattr(user, "organisation", None)
        if (
            organisation is None
            or organisation.kind != Organisation.Kind.STATE
            or not user.has_perm("reports.view_state_overview")
        ):
            return self.none()
        return self.filter(organisation__kind=Organisation.Kind.MUNICIPALITY)

    def latest_versions(self):
        """Per organisation and quarter only the newest version (what the state counts)."""
        return self.order_by("organisation_id", "year", "quarter", "-version").distinct(
            "organisation_id", "year", "quarter"
        )


@pgtrigger.register(
    # What a municipality sent to the state never changes: the database refuses updates and deletes.
    pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
)
class ReportSubmission(models.Model):
    """A finalised quarter as submitted to the state: one row per version, the figures frozen in it.

    Version 1 carries the figures of the finalised snapshot. A correction is a new version whose
    figures were computed from the corrected files when it was submitted; the snapshot it belongs to
    stays as it was finalised (see docs/decisions.md). The state reads only these rows.
    """

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    snapshot = models.ForeignKey(
        ReportSnapshot, verbose_name=_("finalised report"), on_delete=models.PROTECT, related_name="submissions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, str(q)) for q in (1, 2, 3, 4)])
    version = models.PositiveSmallIntegerField(_("version"))
    figures = models.JSONField(_("figures"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    objects = ReportSubmissionQuerySet.as_manager()

    #: Evidence: the application's database role may only read and add rows (``hagen_zuhause.database``).
    is_audit_record = True

    class Meta:
        verbose_name = _("submission to the state")
        verbose_name_plural = _("submissions to the state")
        ordering = ["-year", "-quarter", "-version"]
        permissions = [
            ("submit_report", _("Can submit a finalised quarterly report to the state")),
            ("view_state_overview", _("Can read every municipality's submitted figures (the state)")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "quarter", "version"], name="submission_once_per_version"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="submission_version_positive"),
        ]

    def __str__(self):
        return f"{self.quarter}/{self.year} v{self.version}"
