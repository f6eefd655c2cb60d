"""The rules of matching: whether a household fits a flat and how well, with the reasons in German.

:func:`assess` is pure and the only authority on it; the KdU check of an offer, which the rules read,
lives here too. The package docstring lists the rules.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Client
from hagen_zuhause.codes import TargetGroup, YesNoUnknown
from housing import kdu
from housing.kdu import KduResult
from housing.models import HousingOffer, HousingSearch, OfferStatus

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
        return _LABELS[self.status]


# Lazy: a page draws hundreds of reasons, and each label is translated only when it is drawn.
_LABELS = {
    OK: gettext_lazy("fits"),
    FAIL: gettext_lazy("does not fit"),
    UNKNOWN: gettext_lazy("not known"),
    INFO: gettext_lazy("note"),
}


#: The target groups that the verdict reads (whether a household fits and its score); the others are
#: shown as a note and change neither. A ranking groups households by these only.
RANKED_GROUPS = frozenset({TargetGroup.SENIORS})


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


def _district_names(offer, search):
    # One lookup per ranking: a household's page asks many offers, an offer's page many searches.
    names = getattr(search, "_district_names", None)
    if not names:
        names = search._district_names = offer.district_names
    return ", ".join(names.get(code, code) for code in search.districts)


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
    values = {"district": offer.get_district_display(), "wishes": _district_names(offer, search)}
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
