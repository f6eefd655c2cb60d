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
   and assessed once per *profile* (households: size, the search as far as the offer can tell —
   ``candidates.search_classes``: districts with the offer's, none or others; a highest floor above
   or below the offer's — and target groups; flats: the fields the rules read and the class of the
   KdU check), since equal inputs give equal verdicts. A household's
   size and waiting time are kept on the client by the database (``cases/models/waiting_list.py``),
   so the waiting households come in waiting order from one index.
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
  group is shown so that the worker can weigh it (only the seniors change a verdict:
  ``rules.RANKED_GROUPS``).
* **Waiting time**: among equal scores, the household waiting longest (open provision case opened
  first) ranks first; of those waiting since the same day, the one whose case was registered first
  (never the alphabet).
"""

from housing.matching.candidates import (
    household_for,
    household_of,
    households,
    households_that_may_fit,
    offers_that_may_fit,
)
from housing.matching.rankings import (
    PAGE_SIZE,
    Ranked,
    SuggestionPage,
    match_page,
    matches_for_offer,
    offer_page,
    offers_for_client,
)
from housing.matching.rules import (
    FAIL,
    INFO,
    KDU,
    KDU_SIZES,
    OK,
    OPEN_STATUSES,
    POINTS_BARRIER_FREE_NEED_MET,
    POINTS_DISTRICT_WISH_MET,
    POINTS_FLOOR_MET,
    POINTS_KDU,
    POINTS_ROOMS,
    POINTS_SENIOR_WITHOUT_STAIRS,
    POINTS_UNKNOWN,
    UNKNOWN,
    Household,
    Reason,
    Suggestion,
    assess,
    floor_label,
    offer_kdu,
    offer_kdu_rows,
    rent_for_kdu,
    smallest_household_within_kdu,
)

__all__ = [
    "FAIL",
    "INFO",
    "KDU",
    "KDU_SIZES",
    "OK",
    "OPEN_STATUSES",
    "PAGE_SIZE",
    "POINTS_BARRIER_FREE_NEED_MET",
    "POINTS_DISTRICT_WISH_MET",
    "POINTS_FLOOR_MET",
    "POINTS_KDU",
    "POINTS_ROOMS",
    "POINTS_SENIOR_WITHOUT_STAIRS",
    "POINTS_UNKNOWN",
    "UNKNOWN",
    "Household",
    "Ranked",
    "Reason",
    "Suggestion",
    "SuggestionPage",
    "assess",
    "floor_label",
    "household_for",
    "household_of",
    "households",
    "households_that_may_fit",
    "match_page",
    "matches_for_offer",
    "offer_kdu",
    "offer_kdu_rows",
    "offer_page",
    "offers_for_client",
    "offers_that_may_fit",
    "rent_for_kdu",
    "smallest_household_within_kdu",
]
