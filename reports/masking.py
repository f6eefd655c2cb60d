"""Masking small cells of a report for publication (docs/report-figures.md, "Maskierung").

The rule, decided for the state report:

* **Primary**: in the breakdown maps (``by_*``, ``participants_by_target_group`` and the answers of
  the follow-up cohorts) the counts 1 and 2 are replaced by ``"<3"``. Zeros stay: a zero reveals
  nobody. Totals and the headline numbers (persons, households, offers let, agreements in force,
  places, goal, occupancy, place-days, cohort sizes) are never masked: they are what the
  initiative publishes.
* **Secondary**: when a map adds up to a number that stays visible (the figure's total, the
  participants, the cohort size), a single masked cell could be computed back, and so could
  several masked cells that are all 1 or all 2. Then the smallest unmasked cell above 2 is
  hidden too, shown as ``"x"`` (Destatis: "Tabellenfach gesperrt").

This is a simple rule, not a full disclosure check across tables; figures are published per
quarter and organisation only.
"""

import copy

MASK = "<3"
SUPPRESSED = "x"
SMALL = (1, 2)

#: Maps that add up to another number of the same figure, and that number's key.
_SUMS_TO = {
    "participants_by_target_group": "participants",
}


def is_masked(value):
    return value in (MASK, SUPPRESSED)


def mask_report(report):
    """A copy of the report (as from compute_report) with small cells masked; the original stays."""
    masked = copy.deepcopy(report)
    for key, figure in masked.items():
        if key == "period" or not isinstance(figure, dict):
            continue
        for name, value in figure.items():
            if name == "by_follow_up":
                for cohort in value.values():
                    answers = {code: count for code, count in cohort.items() if code != "moved_in"}
                    cohort.update(mask_map(answers, cohort.get("moved_in")))
            elif name.startswith("by_") or name in _SUMS_TO:
                figure[name] = mask_map(value, figure.get(_SUMS_TO.get(name, "total")))
    return masked


def mask_map(counts, total=None):
    """Mask 1 and 2; when ``total`` is visible and the masked cells could be computed back, hide one more."""
    masked = {code: MASK if count in SMALL else count for code, count in counts.items()}
    small = [count for count in counts.values() if count in SMALL]
    if not small or total is None or sum(counts.values()) != total:
        return masked
    if len(small) == 1 or sum(small) in (len(small), 2 * len(small)):
        larger = sorted((count, index, code) for index, (code, count) in enumerate(counts.items()) if count > 2)
        if larger:
            masked[larger[0][2]] = SUPPRESSED
    return masked
