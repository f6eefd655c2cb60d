"""How far an agreement's yearly flat quota is fulfilled, counted from placements.

A flat counts for an agreement when a household **moved in** (placement step ``moved_in``, dated
``moved_in_on``) to an offer of one of the partner's linked landlords, on a day the agreement was
in force, in the calendar year counted. A signed lease alone does not count: the quota promises
flats people live in, and the move-in is also what the quarterly report counts as a placement.

The counts are anonymous figures of the organisation (``all_of_organisation``): who moved in is
not shown here, so a restricted client's move-in counts like any other.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, DateField, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear, Greatest, Least
from django.utils import timezone

from cooperation.models import AgreementStatus
from housing.models import Placement, PlacementStep


@dataclass(frozen=True)
class YearFulfilment:
    """Flats moved into in one year of an agreement, against the yearly quota."""

    year: int
    flats: int
    quota: int
    current: bool

    @property
    def fulfilled(self):
        return self.flats >= self.quota


def counts_flats(agreement):
    """Whether fulfilment is counted: a quota is agreed and the agreement has been signed."""
    return bool(agreement.yearly_flat_quota) and agreement.status != AgreementStatus.NEGOTIATING


def validity_period(agreement):
    """First and last day the agreement was in force (the last is None while it runs open-ended)."""
    ends = [day for day in (agreement.valid_until, agreement.terminated_on) if day is not None]
    return agreement.valid_from, min(ends) if ends else None


def _moved_in_with_partner(organisation_id, partner_id):
    return Placement.objects.all_of_organisation(organisation_id).filter(
        step=PlacementStep.MOVED_IN, offer__landlord__partners=partner_id
    )


def fulfilment_by_year(agreement, today=None):
    """One :class:`YearFulfilment` per calendar year of validity up to this year (empty when not counted)."""
    today = today or timezone.localdate()
    start, end = validity_period(agreement)
    if not counts_flats(agreement) or start is None or start > today:
        return []
    end = min(end or today, today)
    counts = dict(
        _moved_in_with_partner(agreement.organisation_id, agreement.partner_id)
        .filter(moved_in_on__range=(start, end))
        .annotate(year=ExtractYear("moved_in_on"))
        .order_by()
        .values("year")
        .annotate(flats=Count("pk"))
        .values_list("year", "flats")
    )
    return [
        YearFulfilment(
            year=year, flats=counts.get(year, 0), quota=agreement.yearly_flat_quota, current=year == today.year
        )
        for year in range(start.year, end.year + 1)
    ]


def with_flats_in_year(agreements, year):
    """Annotate ``flats_in_year``: flats moved into in ``year`` while the agreement was in force (one query)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    flats = (
        Placement.objects.filter(
            organisation=OuterRef("organisation"),
            offer__landlord__partners=OuterRef("partner"),
            step=PlacementStep.MOVED_IN,
            # GREATEST and LEAST skip NULLs in PostgreSQL: an open end is the year's end.
            moved_in_on__gte=Greatest(Value(first, output_field=DateField()), OuterRef("valid_from")),
            moved_in_on__lte=Least(
                Value(last, output_field=DateField()), OuterRef("valid_until"), OuterRef("terminated_on")
            ),
        )
        .order_by()
        .values("organisation")
        .annotate(flats=Count("pk"))
        .values("flats")
    )
    return agreements.annotate(flats_in_year=Coalesce(Subquery(flats, output_field=IntegerField()), 0))
