"""Matching flats and households — with the reasons. It suggests; people decide.

For an offer, :func:`matches_for_offer` ranks the households with an open provision case that the
user may see; for a client, :func:`offers_for_client` ranks the open offers. Both return
:class:`Suggestion` objects: whether it fits, a score, and the reasons as a list of ✓/✗/? lines in
German. The rules run in Python in :func:`assess`, which is pure and tested on its own; it is the only
authority on whether a household fits and how well.

At city scale (tens of thousands of households, tens of thousands of flats) a page cannot assess and
draw every candidate, so a ranking runs in three steps, each a constant number of queries:

1. **Pre-filter in the database**: the hard rules below that give a ✗ (rooms, KdU exceeded,
   barrier-free need, floor without a lift, districts, WBS) become a condition of the query, so only
   candidates that can fit are fetched. The condition only leaves out sure ✗; whatever is unsure
   stays for :func:`assess` (``test_matching_prefilter`` compares it with assessing everyone).
2. **Rank on a few columns**: the candidates are fetched with only what the rules and the order read
   and assessed once per *profile* (households: size, search, target groups; flats: the fields the
   rules read and the class of the KdU check), since equal inputs give equal reasons.
3. **Details for one page**: the shown page (:data:`PAGE_SIZE` suggestions) is loaded with all it
   shows and assessed in full, with every reason; the rest is counted.

The rules (a ✗ means "does not fit"; a ? lowers the rank but excludes nobody):

* **Household size** = the client plus the household members. **Rooms** fit when
  ``max(1, persons − 1) ≤ rooms ≤ persons + 1`` (half rooms count as half): a couple in one room or a
  single person in three rooms does not fit, one room per person give or take one does. A
  minimum the household asked for (``HousingSearch.min_rooms``) is respected too.
* **KdU**: the gross cold rent must be within the limit for the household size (:func:`offer_kdu`).
  Unknown (no valid table, no limit for the size, service costs not entered) is a ?, not a ✗.
* **Barrier-free**: needed and the flat is not barrier-free → ✗; not known whether it is → ?.
* **Floor**: above the highest floor the household manages without a lift, and no lift → ✗.
* **Districts**: when the household named districts, a flat elsewhere → ✗; no wish → any district.
* **WBS**: the flat needs a WBS and the household has none → ✗; not known → ?.
* **Target groups** never exclude: older people rank higher for flats without stairs, and every
  group is shown so that the worker can weigh it.
* **Waiting time**: among equal scores, the household waiting longest (open provision case opened
  first) ranks first.
"""

import functools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, FilteredRelation, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.codes import CaseType, TargetGroup, YesNoUnknown
from cases.models import Case, Client, HouseholdMember, TargetGroupMembership
from cases.names import german_sort_key
from housing import kdu
from housing.kdu import KduResult
from housing.models import PAST_VIEWING, District, HousingOffer, HousingSearch, OfferStatus, Placement

OK = "ok"
FAIL = "fail"
UNKNOWN = "unknown"
INFO = "info"

OPEN_STATUSES = (OfferStatus.AVAILABLE, OfferStatus.RESERVED)

#: Household sizes shown in an offer's KdU table.
KDU_SIZES = range(1, 7)

#: Suggestions drawn on one page; the others are counted and reached page by page. Each card lists
#: its reasons, so a page of 25 stays quick to read and to draw.
PAGE_SIZE = 25

# Points of the ranking; a ? costs one point.
POINTS_KDU = 2
POINTS_ROOMS = 2
POINTS_BARRIER_FREE_NEED_MET = 3
POINTS_FLOOR_MET = 1
POINTS_DISTRICT_WISH_MET = 1
POINTS_SENIOR_WITHOUT_STAIRS = 2
POINTS_UNKNOWN = -1


@dataclass(frozen=True)
class Reason:
    """One line of the explanation: ✓ fits, ✗ does not fit, ? not known, • for information."""

    status: str
    text: str
    points: int = 0

    @property
    def symbol(self):
        return {OK: "✓", FAIL: "✗", UNKNOWN: "?", INFO: "•"}[self.status]

    @property
    def label(self):
        """The symbol in words, for screen readers."""
        return _LABELS[self.status]


# Lazy: a page draws hundreds of reasons, and each label is translated only when it is drawn.
_LABELS = {
    OK: gettext_lazy("fits"),
    FAIL: gettext_lazy("does not fit"),
    UNKNOWN: gettext_lazy("not known"),
    INFO: gettext_lazy("note"),
}


@dataclass
class Household:
    """What matching needs to know about a household."""

    client: Client
    size: int
    search: HousingSearch | None = None
    target_groups: frozenset = frozenset()
    waiting_since: object = None  # the date the open provision case was opened
    holds_firm_placement: bool = False


@dataclass
class Suggestion:
    """A household for an offer, or an offer for a household, with the reasons."""

    offer: HousingOffer
    household: Household
    reasons: list = field(default_factory=list)
    kdu: KduResult | None = None
    already_proposed: bool = False
    #: The place in the whole ranking (1 = best), set when the suggestion is drawn on a page.
    position: int | None = None

    @property
    def fits(self):
        return _fits(self.reasons)

    @property
    def score(self):
        return _score(self.reasons)

    @property
    def client(self):
        return self.household.client

    @property
    def can_be_proposed(self):
        return self.fits and not self.already_proposed and self.offer.status in OPEN_STATUSES


def _fits(reasons):
    return not any(reason.status == FAIL for reason in reasons)


def _score(reasons):
    return sum(reason.points for reason in reasons)


# --- KdU of an offer -----------------------------------------------------------------------


def rent_for_kdu(offer):
    """The gross cold rent the KdU check compares, or None when it is not known.

    Decision: empty service costs mean *not entered*, not zero. A flat whose service costs are
    missing would otherwise always look cheaper than it is, and a household could be sent to a flat
    the Jobcenter then refuses to pay for. The check says "unknown" and asks for the figure instead.
    (Lists filtered by maximum rent compare the cold rent plus known service costs, so such flats are
    not hidden there.)
    """
    return _gross_cold_rent(offer.cold_rent, offer.service_costs)


def _gross_cold_rent(cold_rent, service_costs):
    if cold_rent is None or service_costs is None:
        return None
    return cold_rent + service_costs


def offer_kdu(offer, table, household_size):
    """The KdU result of an offer for one household size (see :func:`rent_for_kdu` for empty costs)."""
    result = kdu.kdu_check(table=table, gross_cold_rent=rent_for_kdu(offer), household_size=household_size)
    if result.status == kdu.UNKNOWN and result.limit is not None and offer.service_costs is None:
        reason = _("The service costs are not entered, so the gross cold rent cannot be checked.")
        return KduResult(kdu.UNKNOWN, household_size, None, result.limit, reason, result.is_demo)
    return result


def offer_kdu_rows(offer, table, sizes=KDU_SIZES):
    """The KdU result of an offer for each household size (the table on the offer page)."""
    return [offer_kdu(offer, table, size) for size in sizes]


def smallest_household_within_kdu(offer, table, sizes=KDU_SIZES):
    """The smallest household size for which the rent is within the limit, or None."""
    for size in sizes:
        if offer_kdu(offer, table, size).status == kdu.WITHIN:
            return size
    return None


# --- The rules -----------------------------------------------------------------------------


def _number(value):
    """2 → "2", 2.5 → "2,5" (German decimal comma)."""
    value = Decimal(value).normalize()
    text = f"{value:f}"
    return text.replace(".", ",")


def floor_label(floor):
    if floor is None:
        return _("unknown floor")
    if floor == 0:
        return _("ground floor")
    if floor < 0:
        return _("basement")
    return _("floor %(floor)s") % {"floor": floor}


def _district_names(codes):
    return ", ".join(str(District(code).label) for code in codes)


def _rooms_reason(offer, household):
    persons = household.size
    rooms = offer.rooms
    values = {"rooms": _number(rooms), "persons": persons}
    search = household.search
    wanted = search.min_rooms if search is not None else None
    lowest, highest = max(1, persons - 1), max(persons + 1, wanted or 0)
    if rooms < lowest:
        values["min"] = lowest
        text = _("Too few rooms (%(rooms)s) for a household of %(persons)s (at least %(min)s).")
        return Reason(FAIL, text % values)
    if rooms > highest:
        values["max"] = _number(highest)
        text = _("Too many rooms (%(rooms)s) for a household of %(persons)s (at most %(max)s).")
        return Reason(FAIL, text % values)
    if wanted is not None and rooms < wanted:
        values["min"] = _number(wanted)
        return Reason(FAIL, _("%(rooms)s rooms: the household looks for at least %(min)s rooms.") % values)
    return Reason(OK, _("%(rooms)s rooms suit a household of %(persons)s.") % values, POINTS_ROOMS)


def _kdu_reason(result):
    if result.status == kdu.WITHIN:
        return Reason(OK, result.reason, POINTS_KDU)
    if result.status == kdu.EXCEEDS:
        return Reason(FAIL, result.reason)
    return Reason(UNKNOWN, _("KdU not checked: %(reason)s") % {"reason": result.reason}, POINTS_UNKNOWN)


def _barrier_free_reason(offer, search):
    if search.barrier_free_needed != YesNoUnknown.YES:
        return None
    if offer.barrier_free == YesNoUnknown.YES:
        return Reason(OK, _("Barrier-free flat, as the household needs."), POINTS_BARRIER_FREE_NEED_MET)
    if offer.barrier_free == YesNoUnknown.NO:
        return Reason(FAIL, _("The household needs a barrier-free flat; this one is not barrier-free."))
    return Reason(
        UNKNOWN,
        _("The household needs a barrier-free flat; it is not known whether this one is."),
        POINTS_UNKNOWN,
    )


def _floor_reason(offer, search):
    highest = search.max_floor_without_lift
    if highest is None:
        return None
    values = {"floor": floor_label(offer.floor), "highest": floor_label(highest)}
    if offer.floor is not None and offer.floor <= highest:
        return Reason(
            OK, _("%(floor)s: the household manages up to the %(highest)s without a lift.") % values, POINTS_FLOOR_MET
        )
    if offer.lift == YesNoUnknown.YES:
        return Reason(OK, _("%(floor)s with a lift.") % values, POINTS_FLOOR_MET)
    if offer.floor is None:
        return Reason(
            UNKNOWN,
            _("The floor is not known; the household manages stairs up to the %(highest)s.") % values,
            POINTS_UNKNOWN,
        )
    if offer.lift == YesNoUnknown.NO:
        return Reason(FAIL, _("%(floor)s without a lift; the household manages stairs up to the %(highest)s.") % values)
    return Reason(
        UNKNOWN,
        _("%(floor)s, not known whether there is a lift; the household manages stairs up to the %(highest)s.") % values,
        POINTS_UNKNOWN,
    )


def _district_reason(offer, search):
    if not search.districts:
        return Reason(OK, _("Any district is fine for the household."))
    values = {"district": offer.get_district_display(), "wishes": _district_names(search.districts)}
    if offer.district in search.districts:
        return Reason(OK, _("In a preferred district (%(district)s).") % values, POINTS_DISTRICT_WISH_MET)
    return Reason(FAIL, _("%(district)s is not among the preferred districts (%(wishes)s).") % values)


def _wbs_reason(offer, search):
    if offer.wbs_required == YesNoUnknown.YES:
        if search.wbs_available == YesNoUnknown.YES:
            return Reason(OK, _("A WBS is required; the household has one."))
        if search.wbs_available == YesNoUnknown.NO:
            return Reason(FAIL, _("A WBS is required; the household has none."))
        return Reason(UNKNOWN, _("A WBS is required; it is not known whether the household has one."), POINTS_UNKNOWN)
    if offer.wbs_required == YesNoUnknown.UNKNOWN and search.wbs_available == YesNoUnknown.NO:
        return Reason(
            UNKNOWN, _("The household has no WBS; it is not known whether the flat requires one."), POINTS_UNKNOWN
        )
    return None


def _without_stairs(offer):
    return (
        offer.barrier_free == YesNoUnknown.YES
        or offer.lift == YesNoUnknown.YES
        or (offer.floor is not None and offer.floor <= 0)
    )


def _target_group_reasons(offer, household):
    reasons = []
    if TargetGroup.SENIORS in household.target_groups:
        if _without_stairs(offer):
            reasons.append(
                Reason(
                    OK,
                    _("Older person: the flat can be reached without stairs or is barrier-free."),
                    POINTS_SENIOR_WITHOUT_STAIRS,
                )
            )
        else:
            reasons.append(Reason(INFO, _("Older person: the flat is neither barrier-free nor free of stairs.")))
    others = [group for group in TargetGroup if group in household.target_groups and group != TargetGroup.SENIORS]
    if others:
        names = ", ".join(str(group.label) for group in others)
        reasons.append(Reason(INFO, _("Target groups: %(groups)s.") % {"groups": names}))
    return reasons


def assess(offer, household, table, *, today=None, kdu_result=None):
    """The reasons for and against one household in one flat, in the order a worker reads them."""
    today = today or timezone.localdate()
    return [*_fit_reasons(offer, household, table, kdu_result), *_notes(household, today)]


def _fit_reasons(offer, household, table, kdu_result=None):
    """The reasons that decide whether the household fits and how well: all of the verdict and score.

    They read the household's size, search and target groups, the flat's fields that the rules
    name in :data:`_RULES` and its KdU result, nothing else: rankings assess each profile once.
    """
    kdu_result = kdu_result or offer_kdu(offer, table, household.size)
    return [reason for rule in _RULES for reason in rule.reasons(offer, household, kdu_result)]


def _rooms_rule(offer, household, kdu_result):
    return [_rooms_reason(offer, household)]


def _kdu_rule(offer, household, kdu_result):
    return [_kdu_reason(kdu_result)]


def _no_search_rule(offer, household, kdu_result):
    if household.search is not None:
        return []
    text = _("No housing search recorded: districts, barrier-free need and WBS are not known.")
    return [Reason(UNKNOWN, text, POINTS_UNKNOWN)]


def _search_rule(check):
    """A rule on what the household looks for; without a housing search it says nothing."""

    def rule(offer, household, kdu_result):
        reason = None if household.search is None else check(offer, household.search)
        return [] if reason is None else [reason]

    return rule


def _target_group_rule(offer, household, kdu_result):
    return _target_group_reasons(offer, household)


@dataclass(frozen=True)
class _Rule:
    """One criterion: its reasons, and the offer fields it reads (KDU: the result of the KdU check)."""

    reasons: object  # (offer, household, kdu_result) -> list of Reason
    reads: tuple


KDU = "kdu"

#: The criteria in the order a worker reads their reasons. A new rule names the offer fields it
#: reads: rankings of many flats assess each rule once per distinct value of those fields.
_RULES = (
    _Rule(_rooms_rule, ("rooms",)),
    _Rule(_kdu_rule, (KDU,)),
    _Rule(_no_search_rule, ()),
    _Rule(_search_rule(_barrier_free_reason), ("barrier_free",)),
    _Rule(_search_rule(_floor_reason), ("floor", "lift")),
    _Rule(_search_rule(_district_reason), ("district",)),
    _Rule(_search_rule(_wbs_reason), ("wbs_required",)),
    _Rule(_target_group_rule, ("barrier_free", "lift", "floor")),
)

#: The offer fields the rules read, besides the rent of the KdU check.
_OFFER_RULE_FIELDS = tuple(dict.fromkeys(name for rule in _RULES for name in rule.reads if name != KDU))


def _notes(household, today):
    """Information about the household that neither excludes nor ranks (• lines without points).

    The waiting time ranks through the order of equal scores, not through points.
    """
    notes = []
    if household.waiting_since is not None:
        days = (today - household.waiting_since).days
        values = {"date": household.waiting_since.strftime("%d.%m.%Y"), "days": days}
        notes.append(Reason(INFO, _("Looking for a flat since %(date)s (%(days)s days).") % values))
    if household.holds_firm_placement:
        notes.append(Reason(INFO, _("Already accepted by a landlord for another flat.")))
    return notes


def _suggestion(offer, household, table, today, already_proposed):
    result = offer_kdu(offer, table, household.size)
    return Suggestion(
        offer=offer,
        household=household,
        reasons=assess(offer, household, table, today=today, kdu_result=result),
        kdu=result,
        already_proposed=already_proposed,
    )


# --- Candidates from the database ----------------------------------------------------------


def _open_provision_cases():
    return Case.objects.filter(client=OuterRef("pk"), case_type=CaseType.PROVISION, closed_on__isnull=True)


def _member_count():
    members = (
        HouseholdMember.objects.filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), Value(0))


def _waiting_since():
    return Subquery(_open_provision_cases().order_by("opened_on").values("opened_on")[:1])


def _current_groups(today):
    return ArraySubquery(
        TargetGroupMembership.objects.current(today).filter(client=OuterRef("pk")).order_by().values("group")
    )


def households(clients, today, *, offer=None):
    """Annotate clients for matching: household size, search, current groups, waiting time (one query).

    With ``offer``, each client also says whether it is already proposed for that offer.
    """
    firm = Placement.objects.filter(client=OuterRef("pk"), step__in=PAST_VIEWING)
    annotated = clients.annotate(
        member_count=_member_count(),
        waiting_since=_waiting_since(),
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
        size=1 + client.member_count,
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
# Each condition leaves out only candidates that the rules above surely give a ✗; a candidate that
# may fit stays and is assessed. Keep them in step with the rules: test_matching_prefilter compares
# the pre-filtered rankings with assessing every candidate.


def _household_sizes(sizes):
    """A condition on clients: the household (the client and the members) has one of ``sizes`` persons."""
    condition = Q(pk__in=[])
    if 1 in sizes:
        condition |= ~Exists(HouseholdMember.objects.filter(client=OuterRef("pk")))
    member_counts = [size - 1 for size in sizes if size > 1]
    if member_counts:
        # Grouped once rather than counted per client: the database can start from these households.
        with_members = (
            HouseholdMember.objects.order_by()
            .values("client")
            .annotate(count=Count("pk"))
            .filter(count__in=member_counts)
            .values("client")
        )
        condition |= Q(pk__in=with_members)
    return condition


def households_that_may_fit(offer, table, *, sizes_in=_household_sizes):
    """A condition on clients that leaves out the households the hard rules rule out for the offer.

    ``sizes_in(sizes)`` is the condition "the household has one of these sizes"; by default the
    members are grouped once, so that the database can start from the households of those sizes.
    """
    rooms = offer.rooms
    # Rooms: at least max(1, persons − 1), so at most rooms + 1 persons (nobody below one room).
    largest = int(rooms) + 1 if rooms >= 1 else 0
    # KdU: the sizes whose limit the rent exceeds are out; unknown (no limit, no rent) stays.
    sizes = [size for size in range(1, largest + 1) if offer_kdu(offer, table, size).status != kdu.EXCEEDS]
    # Rooms: at most persons + 1, unless the household itself looks for that many rooms.
    condition = sizes_in([size for size in sizes if size + 1 >= rooms])
    small = [size for size in sizes if size + 1 < rooms]
    if small:
        asks_for_rooms = HousingSearch.objects.filter(client=OuterRef("pk"), min_rooms__gte=rooms)
        condition |= sizes_in(small) & Exists(asks_for_rooms)
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


# --- Rankings -------------------------------------------------------------------------------


class Ranked(NamedTuple):
    """A candidate's place in a ranking: who, the verdict and the sort key (details come per page)."""

    pk: int
    fits: bool
    score: int
    order: tuple


@dataclass
class SuggestionPage:
    """One page of a ranking with its reasons, and the counts of the whole ranking.

    ``unfit_count`` is None where counting would cost more than the page (the households for an
    offer, when only the fitting ones are shown); ``has_unfit`` says whether there are any.
    """

    suggestions: list
    fitting_count: int
    unfit_count: int | None
    has_unfit: bool
    page: Page


def _household_order(fits, score, waiting_since, last_name, first_name, pk, name_key=german_sort_key):
    """Fitting first, best score first, then the longest waiting, then by name (German order)."""
    return (
        not fits,
        -score,
        waiting_since is None,
        waiting_since or date.min,
        name_key(last_name),
        name_key(first_name),
        pk,
    )


def _offer_order(fits, score, status, pk):
    """Fitting first, best score first, available before reserved, newest first."""
    return (not fits, -score, status != OfferStatus.AVAILABLE, -pk)


#: The housing search fields the rules may read: all but the bookkeeping and the free-text note.
_SEARCH_FIELDS = tuple(
    field.attname
    for field in HousingSearch._meta.concrete_fields
    if field.name not in ("id", "client", "note", "updated_at")
)


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def _households_with_open_provision(user):
    return Client.objects.visible_to(user).not_anonymised().filter(Exists(_open_provision_cases()))


def _ranked_households(offer, user, table, today, *, prefiltered):
    """Every household with an open provision case (or those that may fit), ranked on a few columns.

    Returns the ranking and None (the number of all households is not counted here).
    """
    # Joined rather than looked up per household: a client has at most one open case of a kind
    # (case_one_open_per_type), so the join neither repeats nor drops anyone of
    # _households_with_open_provision, and its opening day is the waiting time.
    open_provision = FilteredRelation(
        "cases", condition=Q(cases__case_type=CaseType.PROVISION, cases__closed_on__isnull=True)
    )
    clients = (
        Client.objects.visible_to(user)
        .not_anonymised()
        .annotate(open_provision=open_provision)
        .filter(open_provision__isnull=False)
    )
    if prefiltered:
        clients = clients.filter(households_that_may_fit(offer, table))
    rows = clients.annotate(
        member_count=_member_count(),
        waiting_since=F("open_provision__opened_on"),
        current_groups=_current_groups(today),
    ).values_list(
        "pk",
        "last_name",
        "first_name",
        "waiting_since",
        "member_count",
        "current_groups",
        "housing_search__pk",
        *(f"housing_search__{name}" for name in _SEARCH_FIELDS),
    )
    verdicts = {}
    # Names repeat across thousands of households: each sort key is computed once per ranking.
    name_key = functools.lru_cache(maxsize=None)(german_sort_key)
    ranked = []
    for pk, last_name, first_name, waiting_since, member_count, groups, search_pk, *search_values in rows:
        # Everything _fit_reasons reads about a household; equal profiles get equal verdicts.
        profile = (
            member_count,
            None if search_pk is None else tuple(_hashable(value) for value in search_values),
            frozenset(groups),
        )
        verdict = verdicts.get(profile)
        if verdict is None:
            search = (
                None if search_pk is None else HousingSearch(**dict(zip(_SEARCH_FIELDS, search_values, strict=True)))
            )
            household = Household(client=None, size=1 + member_count, search=search, target_groups=profile[2])
            verdict = verdicts[profile] = _verdict(_fit_reasons(offer, household, table))
        order = _household_order(*verdict, waiting_since, last_name, first_name, pk, name_key)
        ranked.append(Ranked(pk, *verdict, order))
    ranked.sort(key=lambda candidate: candidate.order)
    # Counting all households would cost as much as ranking them (see _any_household_unfit).
    return ranked, None


def _verdict(reasons):
    return _fits(reasons), _score(reasons)


def _household_suggestions(offer, user, table, today, chosen):
    """The chosen households with all the page shows and every reason, in the ranking's order."""
    clients = households(Client.objects.visible_to(user).filter(pk__in=[c.pk for c in chosen]), today, offer=offer)
    by_pk = {client.pk: client for client in clients}
    return [
        _suggestion(offer, household_of(by_pk[c.pk]), table, today, by_pk[c.pk].already_proposed)
        for c in chosen
        if c.pk in by_pk
    ]


def _any_household_unfit(offer, user, table, prefiltered):
    """Whether any household with an open provision case does not fit: cheaper than counting them.

    Household by household, so that the database stops at the first one that does not fit.
    """
    if not all(candidate.fits for candidate in prefiltered):
        return True
    may_fit = households_that_may_fit(offer, table, sizes_in=lambda sizes: Q(household_size__in=sizes))
    clients = _households_with_open_provision(user).alias(household_size=1 + _member_count())
    return clients.filter(~may_fit).exists()


def _kdu_class(cold_rent, service_costs, limit):
    """Flats of one class get the same KdU status for a household: not known, within, above the limit."""
    rent = _gross_cold_rent(cold_rent, service_costs)
    if rent is None or limit is None:
        return None
    return rent <= limit


def _ranked_offers(household, user, table, *, prefiltered, reach=None):
    """Every open offer (or those that may fit the household), ranked on a few columns.

    Returns the ranking and the number of all open offers (None when no offer was fetched). With
    ``reach``, fewer than ``reach`` flats that may fit bring every open offer in the same query:
    a page reaching that far shows the flats that do not fit too.
    """
    open_offers = HousingOffer.objects.visible_to(user).open()
    offers = open_offers
    if prefiltered:
        may_fit = offers_that_may_fit(household, table)
        offers = open_offers.filter(may_fit)
        if reach is not None:
            offers = open_offers.filter(may_fit | Q(LessThan(_count(open_offers.filter(may_fit)), reach)))
    # Counted in the same query (computed once), so that the page needs no query of its own for it.
    rows = offers.annotate(open_offers=_count(open_offers)).values_list(
        "pk", "status", "open_offers", "cold_rent", "service_costs", *_OFFER_RULE_FIELDS
    )
    verdict_of = _OfferVerdicts(household, table)
    ranked = []
    total = None
    for pk, status, every, *facts in rows:
        total = every
        fits, score = verdict_of(*facts)
        ranked.append(Ranked(pk, fits, score, _offer_order(fits, score, status, pk)))
    ranked.sort(key=lambda candidate: candidate.order)
    return ranked, total


def _count(queryset):
    """The number of rows of ``queryset`` as a subquery (computed once per query)."""
    return Subquery(queryset.order_by().values(count=Func(template="COUNT(*)", output_field=IntegerField())))


class _OfferVerdicts:
    """Verdicts of many flats for one household, each rule assessed once per distinct value it reads.

    Called with a flat's cold rent, service costs and :data:`_OFFER_RULE_FIELDS`. Of the rent the
    rules see only the KdU result, whose status is the same for every flat of a :func:`_kdu_class`.
    """

    def __init__(self, household, table):
        self.household = household
        self.table = table
        self.limit = kdu.limit_for(table, household.size)
        self.verdicts = {}
        self.rule_verdicts = {}

    def __call__(self, cold_rent, service_costs, *fields):
        profile = (*fields, service_costs is None, _kdu_class(cold_rent, service_costs, self.limit))
        verdict = self.verdicts.get(profile)
        if verdict is None:
            values = dict(zip(_OFFER_RULE_FIELDS, fields, strict=True))
            values[KDU] = profile[-2:]
            verdict = self.verdicts[profile] = self._assess(values, cold_rent, service_costs)
        return verdict

    def _assess(self, values, cold_rent, service_costs):
        fits, score = True, 0
        offer = kdu_result = None
        for number, rule in enumerate(_RULES):
            key = (number, *(values[name] for name in rule.reads))
            verdict = self.rule_verdicts.get(key)
            if verdict is None:
                if offer is None:
                    fields = {name: values[name] for name in _OFFER_RULE_FIELDS}
                    offer = HousingOffer(cold_rent=cold_rent, service_costs=service_costs, **fields)
                    kdu_result = offer_kdu(offer, self.table, self.household.size)
                verdict = self.rule_verdicts[key] = _verdict(rule.reasons(offer, self.household, kdu_result))
            fits, score = fits and verdict[0], score + verdict[1]
        return fits, score


def _offer_suggestions(household, user, table, today, chosen):
    """The chosen offers with all the page shows and every reason, in the ranking's order."""
    proposed = Placement.objects.filter(offer=OuterRef("pk"), client=household.client).active()
    offers = (
        HousingOffer.objects.visible_to(user)
        .filter(pk__in=[c.pk for c in chosen])
        .select_related("landlord")
        .annotate(already_proposed=Exists(proposed))
    )
    by_pk = {offer.pk: offer for offer in offers}
    return [
        _suggestion(by_pk[c.pk], household, table, today, by_pk[c.pk].already_proposed) for c in chosen if c.pk in by_pk
    ]


def _suggestion_page(*, rank, count_all, details, number, include_unfit, per_page, any_unfit=None):
    """One page of a ranking: the fitting candidates first and, on request, then the others.

    ``rank(prefiltered=…, reach=…)`` returns the ranked candidates and, where it counted them
    along, the number of all candidates (else ``count_all()`` counts); it may return all candidates
    when fewer than ``reach`` may fit. The pre-filtered ranking serves every page within the fitting
    candidates; only a page that reaches the others ranks all candidates. ``any_unfit(prefiltered)``,
    where given, replaces counting all candidates when only the fitting ones are shown.
    """
    end = _first_position(number, per_page) + per_page
    prefiltered, counted = rank(prefiltered=True, reach=end if include_unfit else None)
    fitting = [candidate for candidate in prefiltered if candidate.fits]
    shown, fitting_count = fitting, len(fitting)
    everyone = counted is not None and len(prefiltered) == counted

    def unfit():
        return max(0, (counted if counted is not None else count_all()) - fitting_count)

    if not include_unfit:
        unfit_count = None if any_unfit else unfit()
        has_unfit = any_unfit(prefiltered) if any_unfit else unfit_count > 0
        total = fitting_count
    elif end <= fitting_count:
        unfit_count = unfit()
        has_unfit = unfit_count > 0
        total = fitting_count + unfit_count
    else:
        shown = prefiltered if everyone else rank(prefiltered=False)[0]
        fitting_count = sum(1 for candidate in shown if candidate.fits)
        unfit_count = len(shown) - fitting_count
        has_unfit = unfit_count > 0
        total = len(shown)
    page = Paginator(range(total), per_page).get_page(number)
    positions = page.object_list
    suggestions = details(shown[positions.start : positions.stop])
    for position, suggestion in enumerate(suggestions, start=positions.start + 1):
        suggestion.position = position
    return SuggestionPage(suggestions, fitting_count, unfit_count, has_unfit, page)


def _first_position(number, per_page):
    """The index of the first candidate on page ``number`` (as Paginator.get_page reads it)."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    return (max(number, 1) - 1) * per_page


def _today_and_table(organisation_id, today, table):
    today = today or timezone.localdate()
    return today, table if table is not None else kdu.table_for(organisation_id, today)


def matches_for_offer(offer, user, *, today=None, table=None, include_unfit=False):
    """Households with an open provision case that fit the offer, best first, with the reasons.

    Only clients the user may see take part. With ``include_unfit`` the households that do not
    fit follow, each with the ✗ that rules it out. All of them: pages use :func:`match_page`.
    """
    today, table = _today_and_table(offer.organisation_id, today, table)
    ranked, _counted = _ranked_households(offer, user, table, today, prefiltered=not include_unfit)
    chosen = ranked if include_unfit else [candidate for candidate in ranked if candidate.fits]
    return _household_suggestions(offer, user, table, today, chosen)


def match_page(offer, user, *, number=1, include_unfit=False, today=None, table=None, per_page=PAGE_SIZE):
    """One page of :func:`matches_for_offer` (page ``number``), with the counts of all households."""
    today, table = _today_and_table(offer.organisation_id, today, table)
    return _suggestion_page(
        rank=lambda prefiltered, reach=None: _ranked_households(offer, user, table, today, prefiltered=prefiltered),
        count_all=lambda: _households_with_open_provision(user).count(),
        any_unfit=lambda prefiltered: _any_household_unfit(offer, user, table, prefiltered),
        details=lambda chosen: _household_suggestions(offer, user, table, today, chosen),
        number=number,
        include_unfit=include_unfit,
        per_page=per_page,
    )


def offers_for_client(client, user, *, today=None, table=None, household=None, include_unfit=False):
    """Open offers that fit the client's household, best first, with the reasons (all of them)."""
    today, table = _today_and_table(client.organisation_id, today, table)
    household = household or household_for(client, today=today)
    ranked, _counted = _ranked_offers(household, user, table, prefiltered=not include_unfit)
    chosen = ranked if include_unfit else [candidate for candidate in ranked if candidate.fits]
    return _offer_suggestions(household, user, table, today, chosen)


def offer_page(client, user, *, household, number=1, include_unfit=False, today=None, table=None, per_page=PAGE_SIZE):
    """One page of :func:`offers_for_client` (page ``number``), with the counts of all open offers."""
    today, table = _today_and_table(client.organisation_id, today, table)
    return _suggestion_page(
        rank=lambda prefiltered, reach=None: _ranked_offers(
            household, user, table, prefiltered=prefiltered, reach=reach
        ),
        count_all=lambda: HousingOffer.objects.visible_to(user).open().count(),
        details=lambda chosen: _offer_suggestions(household, user, table, today, chosen),
        number=number,
        include_unfit=include_unfit,
        per_page=per_page,
    )
