"""Matching flats and households — with the reasons. It suggests; people decide.

For an offer, :func:`matches_for_offer` ranks the households with an open provision case that the
user may see; for a client, :func:`offers_for_client` ranks the open offers. Both return
:class:`Suggestion` objects: whether it fits, a score, and the reasons as a list of ✓/✗/? lines in
German. The database narrows the candidates and counts household members (a constant number of
queries); the rules run in Python in :func:`assess`, which is pure and tested on its own.

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

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

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
        return {OK: _("fits"), FAIL: _("does not fit"), UNKNOWN: _("not known"), INFO: _("note")}[self.status]


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

    @property
    def fits(self):
        return not any(reason.status == FAIL for reason in self.reasons)

    @property
    def score(self):
        return sum(reason.points for reason in self.reasons)

    @property
    def client(self):
        return self.household.client

    @property
    def can_be_proposed(self):
        return self.fits and not self.already_proposed and self.offer.status in OPEN_STATUSES


# --- KdU of an offer -----------------------------------------------------------------------


def rent_for_kdu(offer):
    """The gross cold rent the KdU check compares, or None when it is not known.

    Decision: empty service costs mean *not entered*, not zero. A flat whose service costs are
    missing would otherwise always look cheaper than it is, and a household could be sent to a flat
    the Jobcenter then refuses to pay for. The check says "unknown" and asks for the figure instead.
    (Lists filtered by maximum rent compare the cold rent plus known service costs, so such flats are
    not hidden there.)
    """
    if offer.cold_rent is None or offer.service_costs is None:
        return None
    return offer.cold_rent + offer.service_costs


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
    kdu_result = kdu_result or offer_kdu(offer, table, household.size)
    reasons = [_rooms_reason(offer, household), _kdu_reason(kdu_result)]
    search = household.search
    if search is None:
        reasons.append(
            Reason(
                UNKNOWN,
                _("No housing search recorded: districts, barrier-free need and WBS are not known."),
                POINTS_UNKNOWN,
            )
        )
    else:
        for rule in (_barrier_free_reason, _floor_reason, _district_reason, _wbs_reason):
            reason = rule(offer, search)
            if reason is not None:
                reasons.append(reason)
    reasons.extend(_target_group_reasons(offer, household))
    if household.waiting_since is not None:
        days = (today - household.waiting_since).days
        values = {"date": household.waiting_since.strftime("%d.%m.%Y"), "days": days}
        reasons.append(Reason(INFO, _("Looking for a flat since %(date)s (%(days)s days).") % values))
    if household.holds_firm_placement:
        reasons.append(Reason(INFO, _("Already accepted by a landlord for another flat.")))
    return reasons


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


def households(clients, today, *, offer=None):
    """Annotate clients for matching: household size, search, current groups, waiting time (one query).

    With ``offer``, each client also says whether it is already proposed for that offer.
    """
    members = (
        HouseholdMember.objects.filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(count=Count("pk"))
        .values("count")
    )
    groups = TargetGroupMembership.objects.current(today).filter(client=OuterRef("pk")).order_by().values("group")
    firm = Placement.objects.filter(client=OuterRef("pk"), step__in=PAST_VIEWING)
    annotated = clients.annotate(
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
        waiting_since=Subquery(_open_provision_cases().order_by("opened_on").values("opened_on")[:1]),
        current_groups=ArraySubquery(groups),
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


def _rank_households(suggestion):
    waiting = suggestion.household.waiting_since
    return (
        not suggestion.fits,
        -suggestion.score,
        waiting is None,
        waiting or timezone.localdate(),
        german_sort_key(suggestion.client.last_name),
        german_sort_key(suggestion.client.first_name),
        suggestion.client.pk,
    )


def matches_for_offer(offer, user, *, today=None, table=None, include_unfit=False):
    """Households with an open provision case that fit the offer, best first, with the reasons.

    Only clients the user may see take part. With ``include_unfit`` the households that do not
    fit follow, each with the ✗ that rules it out.
    """
    today = today or timezone.localdate()
    if table is None:
        table = kdu.table_for(offer.organisation_id, today)
    clients = Client.objects.visible_to(user).not_anonymised().filter(Exists(_open_provision_cases()))
    suggestions = [
        _suggestion(offer, household_of(client), table, today, client.already_proposed)
        for client in households(clients, today, offer=offer)
    ]
    if not include_unfit:
        suggestions = [suggestion for suggestion in suggestions if suggestion.fits]
    return sorted(suggestions, key=_rank_households)


def _rank_offers(suggestion):
    offer = suggestion.offer
    return (not suggestion.fits, -suggestion.score, offer.status != OfferStatus.AVAILABLE, -offer.pk)


def household_for(client, *, today=None):
    """The :class:`Household` of one client (size, search, current target groups, waiting time)."""
    return household_of(households(Client.objects.filter(pk=client.pk), today or timezone.localdate()).get())


def offers_for_client(client, user, *, today=None, table=None, household=None, include_unfit=False):
    """Open offers that fit the client's household, best first, with the reasons."""
    today = today or timezone.localdate()
    if table is None:
        table = kdu.table_for(client.organisation_id, today)
    household = household or household_for(client, today=today)
    proposed = Placement.objects.filter(offer=OuterRef("pk"), client=client).active()
    offers = (
        HousingOffer.objects.visible_to(user)
        .open()
        .select_related("landlord")
        .annotate(already_proposed=Exists(proposed))
    )
    suggestions = [_suggestion(offer, household, table, today, offer.already_proposed) for offer in offers]
    if not include_unfit:
        suggestions = [suggestion for suggestion in suggestions if suggestion.fits]
    return sorted(suggestions, key=_rank_offers)
