"""Households and flats from the database for matching: the households annotated with what the rules
read (size, search, target groups, waiting time) and the pre-filters, the hard rules as query conditions.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    SmallIntegerField,
    Value,
    When,
)
from django.db.models.lookups import Exact, LessThanOrEqual
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
    search = "housing_search__"
    ruled_out = Q(**{f"{search}min_rooms__gt": rooms}) | (
        ~Q(**{f"{search}districts": []}) & ~Q(**{f"{search}districts__contains": [offer.district]})
    )
    if offer.barrier_free == YesNoUnknown.NO:
        ruled_out |= Q(**{f"{search}barrier_free_needed": YesNoUnknown.YES})
    if offer.lift == YesNoUnknown.NO and offer.floor is not None:
        ruled_out |= Q(**{f"{search}max_floor_without_lift__lt": offer.floor})
    if offer.wbs_required == YesNoUnknown.YES:
        ruled_out |= Q(**{f"{search}wbs_available": YesNoUnknown.NO})
    # Read from the search joined to the household (the ranking reads its columns from the same join),
    # not looked up once more per household. Not ruled out: no search, or a search that rules nothing out.
    has_search = Q(**{f"{search}isnull": False})
    search_rules_out = Case(
        When(has_search & ruled_out, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    return condition & Exact(search_rules_out, False)


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


# --- Search classes: what a household's search is, as far as one offer can tell ----------------
#
# A ranking assesses each profile of households once (rankings.household_profiles). Households whose
# searches differ only where the offer cannot tell them apart get the same verdict: districts that
# name the offer's district (or none, or others), a highest floor above or below the offer's. Each
# value below stands for its whole class, so a ranking has tens of profiles instead of hundreds. Keep
# them in step with the rules too (test_matching_prefilter compares every ranking with assessing
# every household).

#: A district code that is no district: stands for "wishes that do not include the offer's district".
ELSEWHERE = "-"


def search_classes(offer):
    """For the ``housing_search__`` fields the rules read: an expression giving, per household, the value
    that stands for its class of equal verdicts for ``offer`` (fields not named here: their own value)."""
    search = "housing_search__"
    rooms, floor = offer.rooms, offer.floor
    classes = {
        # Empty: any district; with the offer's district: fits; else: does not.
        "districts": Case(
            When(**{f"{search}districts": []}, then=Value([])),
            When(**{f"{search}districts__contains": [offer.district]}, then=Value([offer.district])),
            When(**{f"{search}isnull": False}, then=Value([ELSEWHERE])),
            output_field=ArrayField(CharField(max_length=15)),
        ),
        # Only a need counts; "no" and "not known" say the same.
        "barrier_free_needed": Case(
            When(**{f"{search}barrier_free_needed": YesNoUnknown.YES}, then=Value(YesNoUnknown.YES)),
            When(**{f"{search}isnull": False}, then=Value(YesNoUnknown.UNKNOWN)),
            output_field=CharField(),
        ),
        # At most rooms + 1 rooms in the end; fewer than the offer has read as no wish, as many as it
        # has as met, more as not met.
        "min_rooms": Case(
            When(**{f"{search}min_rooms__gt": rooms}, then=Value(rooms + 1)),
            When(**{f"{search}min_rooms": rooms}, then=Value(rooms)),
            output_field=DecimalField(max_digits=3, decimal_places=1),
        ),
    }
    highest = f"{search}max_floor_without_lift"
    if floor is None:
        # An unknown floor: only whether the household named a highest floor.
        classes["max_floor_without_lift"] = Case(
            When(**{f"{highest}__isnull": False}, then=Value(0)), output_field=SmallIntegerField()
        )
    else:
        classes["max_floor_without_lift"] = Case(
            When(**{f"{highest}__gte": floor}, then=Value(floor)),
            When(**{f"{highest}__lt": floor}, then=Value(floor - 1)),
            output_field=SmallIntegerField(),
        )
    if offer.wbs_required == YesNoUnknown.NO:
        classes["wbs_available"] = Case(
            When(**{f"{search}isnull": False}, then=Value(YesNoUnknown.UNKNOWN)), output_field=CharField()
        )
    elif offer.wbs_required == YesNoUnknown.UNKNOWN:
        # Only "has none" is a ?.
        classes["wbs_available"] = Case(
            When(**{f"{search}wbs_available": YesNoUnknown.NO}, then=Value(YesNoUnknown.NO)),
            When(**{f"{search}isnull": False}, then=Value(YesNoUnknown.UNKNOWN)),
            output_field=CharField(),
        )
    return classes
