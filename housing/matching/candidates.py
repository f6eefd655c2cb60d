"""Households and flats from the database for matching: the households annotated with what the rules
read (size, search, target groups, waiting time) and the pre-filters, the hard rules as query conditions.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from cases.models import Client, TargetGroupMembership
from hagen_zuhause.codes import YesNoUnknown
from housing import kdu
from housing.matching.rules import Household, offer_kdu
from housing.models import PAST_VIEWING, HousingSearch, Placement


def _current_groups(today):
    return ArraySubquery(
        TargetGroupMembership.objects.current(today).filter(client=OuterRef("pk")).order_by().values("group")
    )


def households(clients, today, *, offer=None):
    """Annotate clients for matching: search, current groups, a firm placement (one query).

    The household size and the waiting time are the client's own (``Client.household_size``,
    ``Client.waiting_since``, kept by the database). With ``offer``, each client also says whether it is
    already proposed for that offer.
    """
    firm = Placement.objects.filter(client=OuterRef("pk"), step__in=PAST_VIEWING)
    annotated = clients.annotate(
        current_groups=_current_groups(today),
        holds_firm_placement=Exists(firm),
    ).select_related("housing_search")
    if offer is not None:
        proposed = Placement.objects.filter(offer=offer, client=OuterRef("pk")).active()
        annotated = annotated.annotate(already_proposed=Exists(proposed))
    return annotated


def household_of(client):
    """A :class:`Household` from a client annotated by :func:`households`."""
    try:
        search = client.housing_search
    except HousingSearch.DoesNotExist:
        search = None
    return Household(
        client=client,
        size=client.household_size,
        search=search,
        target_groups=frozenset(client.current_groups),
        waiting_since=client.waiting_since,
        holds_firm_placement=client.holds_firm_placement,
    )


def household_for(client, *, today=None):
    """The :class:`Household` of one client (size, search, current target groups, waiting time)."""
    return household_of(households(Client.objects.filter(pk=client.pk), today or timezone.localdate()).get())


# --- Pre-filters: the hard rules as query conditions ----------------------------------------
#
# Each condition leaves out only candidates that the rules (rules.py) surely give a ✗; a candidate that
# may fit stays and is assessed. Keep them in step with the rules: test_matching_prefilter compares
# the pre-filtered rankings with assessing every candidate.


def households_that_may_fit(offer, table):
    """A condition on clients that leaves out the households the hard rules rule out for the offer."""
    rooms = offer.rooms
    # Rooms: at least max(1, persons − 1), so at most rooms + 1 persons (nobody below one room).
    largest = int(rooms) + 1 if rooms >= 1 else 0
    # KdU: the sizes whose limit the rent exceeds are out; unknown (no limit, no rent) stays.
    sizes = [size for size in range(1, largest + 1) if offer_kdu(offer, table, size).status != kdu.EXCEEDS]
    # Rooms: at most persons + 1, unless the household itself looks for that many rooms.
    condition = Q(household_size__in=[size for size in sizes if size + 1 >= rooms])
    small = [size for size in sizes if size + 1 < rooms]
    if small:
        asks_for_rooms = HousingSearch.objects.filter(client=OuterRef("pk"), min_rooms__gte=rooms)
        condition |= Q(household_size__in=small) & Exists(asks_for_rooms)
    ruled_out = Q(min_rooms__gt=rooms) | (~Q(districts=[]) & ~Q(districts__contains=[offer.district]))
    if offer.barrier_free == YesNoUnknown.NO:
        ruled_out |= Q(barrier_free_needed=YesNoUnknown.YES)
    if offer.lift == YesNoUnknown.NO and offer.floor is not None:
        ruled_out |= Q(max_floor_without_lift__lt=offer.floor)
    if offer.wbs_required == YesNoUnknown.YES:
        ruled_out |= Q(wbs_available=YesNoUnknown.NO)
    return condition & ~Exists(HousingSearch.objects.filter(ruled_out, client=OuterRef("pk")))


def offers_that_may_fit(household, table):
    """A condition on offers that leaves out the flats the hard rules rule out for the household."""
    persons = household.size
    search = household.search
    wanted = search.min_rooms if search is not None else None
    condition = Q(rooms__gte=max(1, persons - 1), rooms__lte=max(persons + 1, wanted or 0))
    if wanted is not None:
        condition &= Q(rooms__gte=wanted)
    limit = kdu.limit_for(table, persons)
    if limit is not None:
        # Exceeded only with a known rent: empty service costs make the check unknown, never a ✗.
        within = LessThanOrEqual(F("cold_rent") + F("service_costs"), limit)
        condition &= Q(service_costs__isnull=True) | Q(within)
    if search is not None:
        if search.barrier_free_needed == YesNoUnknown.YES:
            condition &= ~Q(barrier_free=YesNoUnknown.NO)
        if search.max_floor_without_lift is not None:
            condition &= ~Q(lift=YesNoUnknown.NO, floor__gt=search.max_floor_without_lift)
        if search.districts:
            condition &= Q(district__in=search.districts)
        if search.wbs_available == YesNoUnknown.NO:
            condition &= ~Q(wbs_required=YesNoUnknown.YES)
    return condition
