"""Rankings and their pages: the candidates ranked on a few columns, assessed once per profile, and
one page of suggestions loaded and assessed in full (the three steps in the package docstring).
"""

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import groupby, islice
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.db.models.lookups import LessThan
from django.utils import timezone

from cases.models import Client, TargetGroupMembership
from hagen_zuhause.pagination import page_number
from housing import kdu
from housing.matching.candidates import (
    household_for,
    household_of,
    households,
    households_that_may_fit,
    offers_that_may_fit,
    search_classes,
)
from housing.matching.rules import (
    _OFFER_RULE_FIELDS,
    _RULES,
    KDU,
    RANKED_GROUPS,
    Household,
    _fit_reasons,
    _fits,
    _gross_cold_rent,
    _score,
    _suggestion,
    offer_kdu,
)
from housing.models import HousingOffer, HousingSearch, OfferStatus, Placement

#: Suggestions drawn on one page; the others are counted and reached page by page. Each card lists
#: its reasons, so a page of 25 stays quick to read and to draw.
PAGE_SIZE = 25


class Ranked(NamedTuple):
    """A candidate's place in a ranking: who and the verdict (details come per page)."""

    pk: int
    fits: bool
    score: int


@dataclass
class Run:
    """The candidates of one verdict, in the order of the ranking: ``first(k)`` gives the first ``k`` keys."""

    fits: bool
    score: int
    count: int
    first: Callable[[int], list]


class Ranking:
    """Candidates in ranking order, held as runs of equal verdict: fitting first, best score first.

    A run knows how many candidates it holds and names only as many as a page reaches, so that a
    ranking of tens of thousands of households costs no more than the page it serves.
    """

    def __init__(self, runs):
        self.runs = sorted(runs, key=lambda run: (not run.fits, -run.score))

    def __len__(self):
        return sum(run.count for run in self.runs)

    @property
    def fitting_count(self):
        return sum(run.count for run in self.runs if run.fits)

    def slice(self, start, stop):
        """The :class:`Ranked` candidates from place ``start`` up to (not including) ``stop``."""
        chosen, offset = [], 0
        for run in self.runs:
            if offset >= stop:
                break
            if offset + run.count > start:
                pks = run.first(stop - offset)[max(0, start - offset) :]
                chosen += [Ranked(pk, run.fits, run.score) for pk in pks]
            offset += run.count
        return chosen

    def everyone(self):
        return self.slice(0, len(self))


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


def _offer_order(fits, score, status, pk):
    """Fitting first, best score first, available before reserved, newest first."""
    return (not fits, -score, status != OfferStatus.AVAILABLE, -pk)


#: The housing search fields the rules may read: all but the bookkeeping and the free-text note.
_SEARCH_FIELDS = tuple(
    field.attname
    for field in HousingSearch._meta.concrete_fields
    if field.name not in ("id", "client", "note", "updated_at")
)


def _waiting_households(user):
    """The households matching ranks for an offer: waiting for a flat, visible to ``user``, and not of a
    person whose processing is restricted (Art. 18 GDPR) — proposing them is refused for everyone
    (``refuse_if_processing_restricted``), so they are not suggested either."""
    return Client.objects.visible_to(user).waiting().processing_allowed()


def _ranked_households(offer, user, table, today, *, prefiltered, first=None):
    """Every household with an open provision case (or those that may fit), as a :class:`Ranking`.

    The database groups the households by profile (:func:`household_profiles`), so Python assesses
    each profile once; a run of equal verdicts merges its profiles' households in waiting order. With
    ``first``, each profile names only its first ``first`` households: a page needs no more.
    Returns the ranking and None (the number of all households is not counted here).
    """
    by_verdict = {}
    for profile in household_profiles(offer, user, table, today, prefiltered=prefiltered, first=first):
        search = None
        if profile.has_search:
            search = HousingSearch(**dict(zip(_SEARCH_FIELDS, profile.search_values, strict=True)))
        household = Household(
            client=None, size=profile.household_size, search=search, target_groups=frozenset(profile.groups)
        )
        verdict = _verdict(_fit_reasons(offer, household, table))
        by_verdict.setdefault(verdict, []).append(profile)
    runs = [
        Run(fits, score, sum(profile.count for profile in profiles), partial(_in_order, profiles))
        for (fits, score), profiles in by_verdict.items()
    ]
    # Counting all households would cost as much as ranking them (see _any_household_unfit).
    return Ranking(runs), None


class HouseholdProfile(NamedTuple):
    """Households that look the same to the rules: how many, and the first of them with their places
    in the order of equal verdicts."""

    household_size: int
    groups: list
    has_search: bool
    search_values: tuple
    count: int
    pks: list
    positions: list


def household_profiles(offer, user, table, today, *, prefiltered, first=None):
    """The households with an open provision case, grouped by what the rules read, in one statement.

    Each household is numbered in the order of equal verdicts: longest waiting first, and among those
    waiting since the same day the one whose case was opened first (the order of registration, not
    the alphabet, which would always put an Albrecht before a Zeller). The waiting households, their
    sizes and that order come from the waiting list the database keeps on the client (index
    ``client_waiting_list``); the current target groups are grouped once and joined rather than looked
    up per household. The households of one profile come as arrays in that order, the first ``first``
    of them when given.
    """
    clients = _waiting_households(user)
    if prefiltered:
        clients = clients.filter(households_that_may_fit(offer, table))
    order = ["waiting_since", "waiting_case", "pk"]
    # The search as far as the offer can tell (candidates.search_classes): fewer, smaller profiles.
    classes = search_classes(offer)
    search_columns = {f"search_{name}": classes.get(name, F(f"housing_search__{name}")) for name in _SEARCH_FIELDS}
    candidates = clients.annotate(position=Window(RowNumber(), order_by=order), **search_columns).values_list(
        "pk", "position", "household_size", "housing_search__pk", *search_columns
    )
    # Only the groups that change a verdict make a profile, one column each: whether the household is
    # in the group today, asked of each group's current members hashed once (a few thousand rows).
    ranked_groups = sorted(RANKED_GROUPS)
    members = [
        TargetGroupMembership.objects.current(today).filter(group=group).order_by().values("client")
        for group in ranked_groups
    ]
    try:
        parts = [query.query.sql_with_params() for query in (candidates, *members)]
    except EmptyResultSet:  # the hard rules leave nobody (a flat too big for any household size)
        return []
    search = [f"c.s{number}" for number in range(len(_SEARCH_FIELDS))]
    in_groups = [f"c.pk IN ({sql})" for sql, _params in parts[1:]]
    profile = ["c.household_size", *in_groups, "c.search_pk IS NOT NULL", *search]
    columns = ", ".join(["pk", "position", "household_size", "search_pk", *(name[2:] for name in search)])
    # Arrays of the first households only: a profile may hold thousands, and a page reaches a few.
    # PostgreSQL's array subscripts are 4-byte integers; a page number far past the end asks for more.
    head = "" if first is None else f"[1:{min(int(first), 2**31 - 1)}]"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH candidates ({columns}) AS MATERIALIZED ({parts[0][0]}) "
            f"SELECT {', '.join(profile)}, COUNT(*), (array_agg(c.pk ORDER BY c.position)){head}, "
            f"(array_agg(c.position ORDER BY c.position)){head} "
            f"FROM candidates AS c "
            f"GROUP BY {', '.join(str(number) for number in range(1, len(profile) + 1))}",
            [*parts[0][1], *(param for _sql, params in parts[1:] for param in params)],
        )
        rows = cursor.fetchall()
    profiles = []
    for household_size, *rest in rows:
        flags, (has_search, *search, count, pks, positions) = rest[: len(ranked_groups)], rest[len(ranked_groups) :]
        groups = [group for group, inside in zip(ranked_groups, flags, strict=True) if inside]
        profiles.append(HouseholdProfile(household_size, groups, has_search, tuple(search), count, pks, positions))
    return profiles


def _head(pks, count):
    return pks[:count]


def _in_order(profiles, count):
    """The first ``count`` households of several profiles, merged into the order of their positions."""
    if len(profiles) == 1:
        return profiles[0].pks[:count]
    numbered = heapq.merge(*(zip(profile.positions, profile.pks, strict=True) for profile in profiles))
    return [pk for _position, pk in islice(numbered, count)]


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
    if prefiltered.fitting_count < len(prefiltered):
        return True
    return _waiting_households(user).filter(~households_that_may_fit(offer, table)).exists()


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
        ranked.append((_offer_order(fits, score, status, pk), pk))
    ranked.sort()
    # Sorted by verdict first, so each verdict is one stretch of the list: one run each.
    runs = []
    for (fits, score), run in groupby(ranked, key=lambda entry: (not entry[0][0], -entry[0][1])):
        pks = [pk for _order, pk in run]
        runs.append(Run(fits, score, len(pks), partial(_head, pks)))
    return Ranking(runs), total


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

    def _organisation_id(self):
        """Whose districts name the reasons: the KdU table's organisation, else the household's."""
        return getattr(self.table, "organisation_id", None) or getattr(self.household.client, "organisation_id", None)

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
                    offer.organisation_id = self._organisation_id()
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

    ``rank(prefiltered=…, reach=…, first=…)`` returns a :class:`Ranking` that names at least the
    first ``first`` candidates and, where it counted them along, the number of all candidates (else
    ``count_all()`` counts); it may return all candidates when fewer than ``reach`` may fit. The
    pre-filtered ranking serves every page within the fitting candidates; only a page that reaches
    the others ranks all candidates. ``any_unfit(prefiltered)``, where given, replaces counting all
    candidates when only the fitting ones are shown.
    """
    end = _first_position(number, per_page) + per_page
    prefiltered, counted = rank(prefiltered=True, reach=end if include_unfit else None, first=end)
    shown, fitting_count = prefiltered, prefiltered.fitting_count
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
        shown = prefiltered if everyone else rank(prefiltered=False, first=end)[0]
        fitting_count = shown.fitting_count
        unfit_count = len(shown) - fitting_count
        has_unfit = unfit_count > 0
        total = len(shown)
    page = Paginator(range(total), per_page).get_page(number)
    positions = page.object_list
    # The fitting come first in a ranking, so a page within them shows none of the others.
    suggestions = details(shown.slice(positions.start, positions.stop))
    for position, suggestion in enumerate(suggestions, start=positions.start + 1):
        suggestion.position = position
    return SuggestionPage(suggestions, fitting_count, unfit_count, has_unfit, page)


def _first_position(number, per_page):
    """The index of the first candidate on page ``number`` (as Paginator.get_page reads it)."""
    return (page_number(number) - 1) * per_page


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
    chosen = ranked.everyone() if include_unfit else ranked.slice(0, ranked.fitting_count)
    return _household_suggestions(offer, user, table, today, chosen)


def match_page(offer, user, *, number=1, include_unfit=False, today=None, table=None, per_page=PAGE_SIZE):
    """One page of :func:`matches_for_offer` (page ``number``), with the counts of all households."""
    today, table = _today_and_table(offer.organisation_id, today, table)
    return _suggestion_page(
        rank=lambda prefiltered, reach=None, first=None: _ranked_households(
            offer, user, table, today, prefiltered=prefiltered, first=first
        ),
        count_all=lambda: _waiting_households(user).count(),
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
    chosen = ranked.everyone() if include_unfit else ranked.slice(0, ranked.fitting_count)
    return _offer_suggestions(household, user, table, today, chosen)


def offer_page(client, user, *, household, number=1, include_unfit=False, today=None, table=None, per_page=PAGE_SIZE):
    """One page of :func:`offers_for_client` (page ``number``), with the counts of all open offers."""
    today, table = _today_and_table(client.organisation_id, today, table)
    return _suggestion_page(
        rank=lambda prefiltered, reach=None, first=None: _ranked_offers(
            household, user, table, prefiltered=prefiltered, reach=reach
        ),
        count_all=lambda: HousingOffer.objects.visible_to(user).open().count(),
        details=lambda chosen: _offer_suggestions(household, user, table, today, chosen),
        number=number,
        include_unfit=include_unfit,
        per_page=per_page,
    )
