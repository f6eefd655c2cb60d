"""Submitting a finalised quarter to the state, and correcting it as a new version.

Version 1 of a quarter carries the figures of its finalised snapshot. A correction is the next version:
its figures are computed from today's (corrected) files when it is submitted, and it is accepted only
when some number differs from the version before. Every version is a row the database refuses to
update or delete (trigger ``append_only``); one per organisation, quarter and version (constraint
``submission_once_per_version``), so a double click or two team leads at once submit one version.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import ReportSnapshot, ReportSubmission
from reports.quarterly import REPORT, compute_bundle
from reports.snapshots import differences


def _already_submitted(period, version):
    return ValidationError(
        _("Version %(version)s of the %(quarter)s has already been submitted to the state.")
        % {"version": version, "quarter": period.label},
        code="submitted",
    )


def submissions_of(organisation, period):
    """The quarter's submissions of one organisation, newest version first."""
    return (
        ReportSubmission.objects.all_of_organisation(organisation)
        .of_quarter(period.year, period.quarter)
        .select_related("submitted_by")
        .order_by("-version")
    )


@transaction.atomic
def submit(*, organisation, period, actor, version):
    """Submit the finalised quarter to the state as ``version``, the next one when the page was shown.

    ``version`` 1 sends the snapshot's figures; a higher one sends a correction computed now and is
    refused when nothing differs from the version before. A version that exists already is refused
    (the double-submit guard), and so is a quarter that has not been finalised.
    """
    snapshot = (
        ReportSnapshot.objects.all_of_organisation(organisation)
        .of_quarter(period.year, period.quarter)
        .defer("pdf")
        .first()
    )
    if snapshot is None:
        raise ValidationError(
            _("The %(quarter)s has not been finalised yet; finalise it before you submit it to the state.")
            % {"quarter": period.label},
            code="not_finalised",
        )
    latest = submissions_of(organisation, period).first()
    expected = latest.version + 1 if latest else 1
    if version != expected:
        raise _already_submitted(period, latest.version if latest else version)
    if latest is None:
        figures = snapshot.figures
    else:
        figures = compute_bundle(organisation, period)
        if not differences(latest.figures[REPORT], figures[REPORT]):
            raise ValidationError(
                _(
                    "Today's figures of the %(quarter)s are the same as in version %(version)s: "
                    "there is nothing to correct."
                )
                % {"quarter": period.label, "version": latest.version},
                code="unchanged",
            )
    submission = ReportSubmission(
        organisation=organisation,
        snapshot=snapshot,
        year=period.year,
        quarter=period.quarter,
        version=version,
        figures=figures,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        # The same version was submitted at the same moment: the unique constraint decides.
        raise _already_submitted(period, version) from None
    return submission


@dataclass
class Version:
    """A submitted version with what it changed against the version before (empty for version 1)."""

    submission: ReportSubmission
    changes: list


def history(organisation, period):
    """Every submitted version of the quarter, newest first, each with its differences to the one before."""
    rows = list(submissions_of(organisation, period))
    versions = []
    for index, submission in enumerate(rows):
        before = rows[index + 1] if index + 1 < len(rows) else None
        changes = differences(before.figures[REPORT], submission.figures[REPORT]) if before else []
        versions.append(Version(submission, changes))
    return versions


def pending_correction(organisation, period, latest):
    """What a correction would change: the differences between ``latest`` and today's computation."""
    return differences(latest.figures[REPORT], compute_bundle(organisation, period)[REPORT])
