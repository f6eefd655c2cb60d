"""German labels of the report's figures, breakdowns and codes (one place for page, PDF, CSV and XLSX).

A number of the report is addressed by its figure and its path inside the figure, as in the JSON:
``persons_with_contact`` + ``by_gender.female``, ``prevention`` + ``housing_secured.persons``,
``tenancy_sustained`` + ``by_follow_up.6_months.held``.
"""

from django.utils.translation import gettext_lazy as _

from cooperation.models import PartnerKind
from hagen_zuhause import codes
from housing.models import FollowUpResult, LandlordKind

FIGURE_TITLES = {
    "persons_with_contact": _("Persons with contact"),
    "contacts": _("Contacts"),
    "new_cases": _("New cases"),
    "prevention": _("Securing housing: closed cases"),
    "placements": _("Placed in housing"),
    "tenancy_sustained": _("Tenancy held after the move-in"),
    "housing_offers": _("Housing offers"),
    "agreements": _("Cooperation agreements"),
    "senior_flat": _("Senior shared flat"),
    "group_offers": _("Group offers"),
    "referrals": _("Referrals to services"),
}

#: Labels of the single numbers (not the breakdown maps) of each figure, in the order shown.
SCALAR_LABELS = {
    "persons_with_contact": {"total": _("Persons with at least one contact")},
    "contacts": {"total": _("Contacts in total")},
    "new_cases": {"total": _("Cases opened")},
    "prevention": {
        "total": _("Prevention cases closed"),
        "housing_secured.households": _("Housing secured (households)"),
        "housing_secured.persons": _("Homelessness prevented (persons)"),
    },
    "placements": {
        "households": _("Placed in housing (households)"),
        "persons": _("Placed in housing (persons)"),
    },
    "tenancy_sustained": {"total": _("Tenancies held at the follow-up after 6 and 12 months")},
    "housing_offers": {"total": _("Offers acquired"), "let": _("Offers let")},
    "agreements": {"signed": _("Agreements signed"), "active": _("Agreements in force on the last day")},
    "senior_flat": {
        "places": _("Places on the last day"),
        "goal": _("Goal (places)"),
        "occupied": _("Places occupied on the last day"),
        "occupancy_rate": _("Occupancy in the period"),
        "place_days": _("Place-days"),
        "occupied_days": _("Occupied place-days"),
    },
    "group_offers": {"total": _("Events"), "participants": _("Participations")},
    "referrals": {"total": _("Referrals made")},
}

#: Numbers of a figure that repeat another one (placements.total = households) and stay out of tables.
REPEATED = {
    "prevention": {"housing_secured.total"},
    "placements": {"total"},
    "agreements": {"total"},
    "senior_flat": {"total"},
}

#: Numbers that are not counts of records: never masked, shown as they are.
NOT_COUNTS = {("senior_flat", "goal"), ("senior_flat", "occupancy_rate")}

BREAKDOWN_TITLES = {
    "by_gender": _("by gender"),
    "by_target_group": _("by target group"),
    "by_age_band": _("by age on the last day"),
    "by_nationality_group": _("by nationality"),
    "by_type": _("by kind"),
    "by_outcome": _("by outcome"),
    "by_landlord_kind": _("acquired, by kind of landlord"),
    "by_partner_kind": _("by kind of partner"),
    "participants_by_target_group": _("participants by target group"),
    "by_follow_up.6_months": _("move-ins 6 months earlier and the answer of the follow-up"),
    "by_follow_up.12_months": _("move-ins 12 months earlier and the answer of the follow-up"),
}

#: Where a figure's breakdown means something more specific than the general title.
FIGURE_BREAKDOWN_TITLES = {
    ("placements", "by_target_group"): _("households by target group"),
    ("group_offers", "by_target_group"): _("events by target group"),
}

_TARGET_GROUPS = {**dict(codes.TargetGroup.choices), "none": _("no target group")}
_AGE_BANDS = {
    "under_18": _("under 18"),
    "18_24": "18–24",
    "25_29": "25–29",
    "30_39": "30–39",
    "40_49": "40–49",
    "50_59": "50–59",
    "60_64": "60–64",
    "65_plus": _("65 and older"),
    "unknown": _("unknown"),
}
_NATIONALITY_GROUPS = {
    "germany": _("Germany"),
    "eu2": _("Bulgaria and Romania (EU-2)"),
    "other_eu": _("other EU states"),
    "non_eu": _("states outside the EU"),
    "unknown": _("unknown"),
}
_FOLLOW_UP = {
    "moved_in": _("moved in (cohort)"),
    **dict(FollowUpResult.choices),
    "not_answered": _("not answered yet"),
}

CODE_LABELS = {
    "by_gender": dict(codes.Gender.choices),
    "by_target_group": _TARGET_GROUPS,
    "participants_by_target_group": _TARGET_GROUPS,
    "by_age_band": _AGE_BANDS,
    "by_nationality_group": _NATIONALITY_GROUPS,
    "by_landlord_kind": dict(LandlordKind.choices),
    "by_partner_kind": dict(PartnerKind.choices),
    "by_follow_up.6_months": _FOLLOW_UP,
    "by_follow_up.12_months": _FOLLOW_UP,
}

FIGURE_CODE_LABELS = {
    ("contacts", "by_type"): dict(codes.ContactType.choices),
    ("new_cases", "by_type"): dict(codes.CaseType.choices),
    ("prevention", "by_outcome"): dict(codes.Outcome.choices),
    ("referrals", "by_outcome"): {**dict(codes.ReferralOutcome.choices), "open": _("open (no outcome yet)")},
}


def figure_title(figure):
    return FIGURE_TITLES.get(figure, figure)


def breakdown_title(figure, breakdown):
    return FIGURE_BREAKDOWN_TITLES.get((figure, breakdown)) or BREAKDOWN_TITLES.get(breakdown, breakdown)


def code_label(figure, breakdown, code):
    labels = FIGURE_CODE_LABELS.get((figure, breakdown)) or CODE_LABELS.get(breakdown, {})
    return labels.get(code, code)


def label(figure, path):
    """The German label of one number, e.g. ("persons_with_contact", "by_gender.female") → "weiblich"."""
    scalar = SCALAR_LABELS.get(figure, {}).get(path)
    if scalar is not None:
        return scalar
    breakdown, _dot, code = path.rpartition(".")
    return code_label(figure, breakdown, code)


def full_label(figure, path):
    """The label with its breakdown, for lists outside a table: "nach Geschlecht: weiblich"."""
    if path in SCALAR_LABELS.get(figure, {}) or "." not in path:
        return label(figure, path)
    breakdown = path.rpartition(".")[0]
    return f"{breakdown_title(figure, breakdown)}: {label(figure, path)}"
