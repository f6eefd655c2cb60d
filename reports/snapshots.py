"""Finalising a quarter (the snapshot) and comparing it with a fresh computation.

A snapshot holds the figures of the quarter, the previous quarter and the year to date, and the PDF
as rendered at that moment. The database refuses to update or delete it (trigger ``append_only``)
and allows one per organisation and quarter (constraint ``snapshot_once_per_quarter``).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import figures, labels, pdf, tables
from reports.models import ReportSnapshot
from reports.quarterly import REPORT, QuarterlyReport, has_ended


def _already_finalised(period):
    return ValidationError(
        _("The report for the %(quarter)s has already been finalised; a finalised report cannot be changed.")
        % {"quarter": period.label},
        code="finalised",
    )


@transaction.atomic
def finalise(*, organisation, period, actor, masked=False, today=None):
    """Freeze a quarter that has ended: store its figures and its PDF as sent to the ministry.

    ``masked`` renders the PDF (and every later export of the quarter) with small numbers masked;
    the stored figures stay unmasked. A second finalisation of the quarter is refused.
    """
    if period.quarter is None:
        raise ValidationError(_("Only a calendar quarter can be finalised."))
    if not has_ended(period, today):
        raise ValidationError(
            _("The %(quarter)s has not ended yet (last day %(end)s); only past quarters can be finalised.")
            % {"quarter": period.label, "end": f"{period.end:%d.%m.%Y}"},
            code="not_ended",
        )
    existing = ReportSnapshot.objects.all_of_organisation(organisation).of_quarter(period.year, period.quarter)
    if existing.exists():
        raise _already_finalised(period)
    finalised_at = timezone.now()
    quarterly = QuarterlyReport.fresh(organisation, period)
    document = pdf.quarterly_report_pdf(quarterly, finalised_at=finalised_at, finalised_by=actor, masked=masked)
    snapshot = ReportSnapshot(
        organisation=organisation,
        year=period.year,
        quarter=period.quarter,
        figures=quarterly.bundle,
        masked=masked,
        pdf=document,
        finalised_by=actor,
        finalised_at=finalised_at,
    )
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:
        # Someone finalised the same quarter at the same moment: the unique constraint decides.
        raise _already_finalised(period) from None
    return snapshot


@dataclass
class Difference:
    """One number that differs between the snapshot and today's computation."""

    figure: str
    path: str
    frozen: object
    now: object

    @property
    def figure_title(self):
        return labels.figure_title(self.figure)

    @property
    def label(self):
        return labels.full_label(self.figure, self.path)

    @property
    def change(self):
        if not isinstance(self.frozen, int | float) or not isinstance(self.now, int | float):
            return None
        return self.now - self.frozen

    @property
    def display(self):
        """(frozen, now, change) as shown: German numbers, the change with its sign."""
        frozen = tables.format_value(self.figure, self.path, self.frozen)
        now = tables.format_value(self.figure, self.path, self.now)
        change = self.change
        if change is None:
            return frozen, now, "–"
        shown = tables.format_value(self.figure, self.path, abs(change))
        return frozen, now, ("+" if change > 0 else "−") + shown


def differences(frozen, fresh):
    """Every number of ``fresh`` whose value differs from ``frozen`` (both reports as from compute_report)."""
    found = []
    for figure in figures.FIGURES:
        repeated = labels.REPEATED.get(figure, set())
        before = dict(tables.leaves(frozen.get(figure, {})))
        for path, now in tables.leaves(fresh.get(figure, {})):
            if path not in repeated and before.get(path) != now:
                found.append(Difference(figure, path, before.get(path), now))
    return found


def differences_to_now(snapshot):
    """The differences between a snapshot's quarter and the quarter computed from today's data."""
    quarterly = QuarterlyReport.from_snapshot(snapshot)
    fresh = figures.compute_report(snapshot.organisation, quarterly.period)
    return differences(quarterly.bundle[REPORT], fresh)
