"""The team's pipeline board: open offers and placements by step, with the stalled ones marked.

A placement is stalled when it has stayed at its step for more days than the organisation's
threshold for that step (StallThreshold; DEFAULT_STALL_DAYS where none is set; a threshold without
days means "never"). The board costs a fixed number of queries, however many cards it shows, and
loads only the cards it draws: the database picks the first cards of each column and counts the
rest (a window over the steps), instead of the board loading every open placement of the city.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models import Client
from housing.models import (
    DEFAULT_STALL_DAYS,
    HousingOffer,
    Placement,
    PlacementStep,
    StallThreshold,
)

#: The board's placement columns, in pipeline order.
BOARD_STEPS = [
    PlacementStep.PROPOSED,
    PlacementStep.VIEWING,
    PlacementStep.LANDLORD_ACCEPTED,
    PlacementStep.LEASE_SIGNED,
]
#: Recent move-ins stay on the board this long.
MOVED_IN_DAYS = 30


def stall_limits(organisation):
    """Days without progress per step after which a placement counts as stalled (None: never)."""
    limits = dict(DEFAULT_STALL_DAYS)
    for threshold in StallThreshold.objects.filter(organisation=organisation):
        limits[PlacementStep(threshold.step)] = threshold.days
    return limits


@dataclass
class Card:
    """One card; a placement's card carries its link, built once for the board (see build_board)."""

    placement: Placement | None = None
    offer: HousingOffer | None = None
    days: int = 0
    stalled: bool = False
    url: str = ""


def _placement_card(placement, days, stalled, url_prefix):
    """A placement's card; the link is completed from a prefix reversed once for the whole board."""
    return Card(placement=placement, days=days, stalled=stalled, url=f"{url_prefix}{placement.pk}/")


@dataclass
class Column:
    key: str
    title: str
    limit: int | None = None
    cards: list = field(default_factory=list)
    kind: str = "placement"
    total: int = 0


#: Cards drawn per column; a column with more links to its own page with all of them
#: (:func:`column_placements`), so the board stays one screen to take in.
CARDS_SHOWN = 20

#: The placement columns by their key in the address of a column's own page.
COLUMN_KEYS = [*(step.value for step in BOARD_STEPS), "moved_in"]


def _card_fields():
    """A card shows the client's name and case number and the flat's street: only these are loaded, by
    their keys for the cards kept (prefetched). Joined, PostgreSQL hashed every client and every offer."""
    clients = Prefetch("client", queryset=Client.objects.only("first_name", "last_name", "case_number"))
    offers = Prefetch("offer", queryset=HousingOffer.objects.only("street"))
    return ["step", "step_changed_on", "moved_in_on", "client", "offer"], (clients, offers)


def column_title(key):
    """The heading of a placement column (a step, or the recent move-ins)."""
    if key == "moved_in":
        return _("Moved in in the last %(days)s days") % {"days": MOVED_IN_DAYS}
    return PlacementStep(key).label


def column_placements(user, key, today):
    """Every placement of one column of the board, in the board's order: the oldest in its step first
    (the stalled ones lead), the latest move-in first. Only fields a card shows are loaded."""
    shown_fields, prefetch = _card_fields()
    placements = Placement.objects.visible_to(user).only(*shown_fields).prefetch_related(*prefetch)
    if key == "moved_in":
        since = today - timedelta(days=MOVED_IN_DAYS)
        return placements.filter(step=PlacementStep.MOVED_IN, moved_in_on__gte=since).order_by("-moved_in_on", "pk")
    return placements.filter(step=key).order_by("step_changed_on", "pk")


def placement_cards(placements, limit, today):
    """The cards of placements of one column, stalled after ``limit`` days in the step (None: never)."""
    # Every card links to its placement: the address is built once and completed per card.
    url_prefix = reverse("housing:placement_detail", args=[0]).removesuffix("0/")
    cards = []
    for placement in placements:
        days = (today - placement.step_changed_on).days
        cards.append(_placement_card(placement, days, limit is not None and days > limit, url_prefix))
    return cards


def build_board(user, today):
    """The columns of the board as the user may see them (placements of hidden clients are left out)."""
    limits = stall_limits(user.organisation_id)
    columns = {step: Column(step.value, step.label, limit=limits.get(step)) for step in BOARD_STEPS}
    moved_in = Column("moved_in", column_title("moved_in"))
    since = today - timedelta(days=MOVED_IN_DAYS)
    # Each column in its order: the oldest step first (so the stalled ones lead), the latest move-in
    # first; the database keeps the first CARDS_SHOWN of each column and counts them all.
    latest_move_in = Case(When(step=PlacementStep.MOVED_IN, then=F("moved_in_on"))).desc(nulls_last=True)
    in_column = {"partition_by": F("step")}
    shown_fields, prefetch = _card_fields()
    placements = (
        Placement.objects.visible_to(user)
        .filter(Q(step__in=BOARD_STEPS) | Q(step=PlacementStep.MOVED_IN, moved_in_on__gte=since))
        .annotate(
            position=Window(RowNumber(), order_by=[latest_move_in, "step_changed_on", "pk"], **in_column),
            column_total=Window(Count("pk"), **in_column),
        )
        .filter(position__lte=CARDS_SHOWN)
        .prefetch_related(*prefetch)
        .only(*shown_fields)
        .order_by("step", "position")
    )
    by_column = {key: [] for key in COLUMN_KEYS}
    for placement in placements:
        by_column[placement.step].append(placement)
    for column in [*columns.values(), moved_in]:
        column.cards = placement_cards(by_column[column.key], column.limit, today)
        column.total = by_column[column.key][0].column_total if by_column[column.key] else 0

    # Any active placement counts, also one of a client the user cannot see.
    active = Placement.objects.filter(offer=OuterRef("pk")).active()
    offers = HousingOffer.objects.visible_to(user).open()
    first = offers.exclude(Exists(active)).order_by("acquired_on", "pk")[:CARDS_SHOWN]
    open_offers = Column("open_offers", _("Open offers without a placement"), kind="offer")
    open_offers.cards = [Card(offer=offer, days=(today - offer.acquired_on).days) for offer in first]
    # All open offers less those with an active placement: two short counts from an index each, instead
    # of looking up a placement for every open offer of the city (a city-wide list runs to thousands).
    placed = Placement.objects.active().filter(offer__in=offers.values("pk")).values("offer").distinct()
    open_offers.total = offers.count() - placed.count()
    return [open_offers, *columns.values(), moved_in]
