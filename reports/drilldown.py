"""The records behind a number of the quarterly report (the drill-down).

:func:`records` gives, for a figure and the key of one of its numbers (``by_gender.female``), the
queryset of the records that number counts: every record of the organisation, restricted clients
included; the views narrow it with ``visible_to(user)``. The conditions are those of
:mod:`reports.figures`, so that a list always holds what its number counted.
"""

from django.db.models import Exists, OuterRef, Q

from cases.models import TargetGroupMembership
from cooperation.models import Agreement
from housing.models import (
    FollowUp,
    FollowUpResult,
    HousingOffer,
    Placement,
    PlacementStep,
    SeniorFlatPlace,
    SeniorFlatResidency,
)
from reports.figures import (
    AGE_BANDS,
    CASE_TYPES,
    CONTACT_TYPES,
    GENDERS,
    LANDLORD_KINDS,
    NATIONALITY_GROUPS,
    PARTNER_KINDS,
    PREVENTION_OUTCOMES,
    REFERRAL_OUTCOMES,
    SECURED,
    TARGET_GROUPS_AND_NONE,
    age_band_expression,
    agreement_records,
    cohort_range,
    contact_records,
    group_offer_records,
    housing_offer_records,
    nationality_group_expression,
    new_case_records,
    persons_with_contact_records,
    placement_records,
    prevention_records,
    referral_records,
    tenancy_sustained_records,
)
from reports.periods import Period


class NoRecords(LookupError):
    """The figure or key has no list of records behind it (an unknown key, the goal, a sum of days)."""


def housing_offer_let_records(organisation, period):
    return HousingOffer.objects.filter(organisation=organisation, let_on__range=(period.start, period.end))


def agreement_active_records(organisation, period):
    return Agreement.objects.all_of_organisation(organisation).active_on(period.end)


def senior_flat_place_records(organisation, period):
    """Places that exist on the period's last day."""
    return SeniorFlatPlace.objects.filter(flat__organisation=organisation).existing_on(period.end)


def senior_flat_resident_records(organisation, period):
    """Residents on the period's last day."""
    return SeniorFlatResidency.objects.filter(place__flat__organisation=organisation).current(period.end)


def senior_flat_occupancy_records(organisation, period):
    """Residencies that overlap the period: the occupied place-days of the occupancy rate."""
    residencies = SeniorFlatResidency.objects.filter(place__flat__organisation=organisation)
    return residencies.filter(move_in__lte=period.end).exclude(move_out__lt=period.start)


def _target_group_condition(period, group, client_field):
    """A filter: the client (at ``client_field``) is in ``group`` during the period (or in none)."""
    memberships = TargetGroupMembership.objects.filter(client=OuterRef(client_field)).overlapping(
        period.start, period.end
    )
    if group == "none":
        return ~Exists(memberships)
    return Exists(memberships.filter(group=group))


def _by_code(queryset, parts, maps):
    """``total`` gives the queryset; ``<map>.<code>`` filters it when the map lists the code."""
    if parts == ["total"]:
        return queryset
    if len(parts) != 2 or parts[0] not in maps:
        return None
    field, code_list, stored = maps[parts[0]]
    if parts[1] not in code_list:
        return None
    return queryset.filter(**{field: stored.get(parts[1], parts[1])})


def _persons_with_contact_for(organisation, period, parts):
    clients = persons_with_contact_records(organisation, period)
    if len(parts) == 2 and parts[0] == "by_target_group" and parts[1] in TARGET_GROUPS_AND_NONE:
        return clients.filter(_target_group_condition(period, parts[1], "pk"))
    if len(parts) == 2 and parts[0] == "by_age_band" and parts[1] in AGE_BANDS:
        band, born_on = age_band_expression(period.end)
        return clients.annotate(born_on=born_on).annotate(age_band=band).filter(age_band=parts[1])
    if len(parts) == 2 and parts[0] == "by_nationality_group" and parts[1] in NATIONALITY_GROUPS:
        return clients.annotate(nationality_group=nationality_group_expression()).filter(nationality_group=parts[1])
    return _by_code(clients, parts, {"by_gender": ("gender", GENDERS, {})})


def _contacts_for(organisation, period, parts):
    return _by_code(contact_records(organisation, period), parts, {"by_type": ("contact_type", CONTACT_TYPES, {})})


def _new_cases_for(organisation, period, parts):
    return _by_code(new_case_records(organisation, period), parts, {"by_type": ("case_type", CASE_TYPES, {})})


def _prevention_for(organisation, period, parts):
    closed = prevention_records(organisation, period)
    if parts[0] == "housing_secured" and len(parts) <= 2:
        if len(parts) == 2 and parts[1] not in ("total", "households", "persons"):
            return None
        return closed.filter(outcome__in=SECURED)
    return _by_code(closed, parts, {"by_outcome": ("outcome", PREVENTION_OUTCOMES, {})})


def _placements_for(organisation, period, parts):
    moved_in = placement_records(organisation, period)
    if parts in (["households"], ["persons"]):
        return moved_in
    if len(parts) == 2 and parts[0] == "by_target_group" and parts[1] in TARGET_GROUPS_AND_NONE:
        return moved_in.filter(_target_group_condition(period, parts[1], "client"))
    return _by_code(moved_in, parts, {})


def _answered(months, result=None):
    follow_ups = FollowUp.objects.filter(placement=OuterRef("pk"), months=months)
    return Exists(follow_ups.filter(result=result) if result else follow_ups.exclude(result=""))


def _tenancy_sustained_for(organisation, period, parts):
    if parts == ["total"]:
        held = Q()
        for months in (6, 12):
            held |= Q(moved_in_on__range=cohort_range(period, months)) & Q(_answered(months, FollowUpResult.HELD))
        return Placement.objects.filter(organisation=organisation, step=PlacementStep.MOVED_IN).filter(held)
    if len(parts) != 3 or parts[0] != "by_follow_up" or parts[1] not in ("6_months", "12_months"):
        return None
    months = int(parts[1].split("_")[0])
    cohort = tenancy_sustained_records(organisation, period, months)
    answer = parts[2]
    if answer == "moved_in":
        return cohort
    if answer == "not_answered":
        return cohort.exclude(_answered(months))
    if answer in FollowUpResult.values:
        return cohort.filter(_answered(months, answer))
    return None


def _housing_offers_for(organisation, period, parts):
    if parts == ["let"]:
        return housing_offer_let_records(organisation, period)
    acquired = housing_offer_records(organisation, period)
    return _by_code(acquired, parts, {"by_landlord_kind": ("landlord__kind", LANDLORD_KINDS, {})})


def _agreements_for(organisation, period, parts):
    if parts in (["total"], ["signed"]):
        return agreement_records(organisation, period)
    if parts == ["active"]:
        return agreement_active_records(organisation, period)
    return None


def _senior_flat_for(organisation, period, parts):
    if parts in (["total"], ["places"]):
        return senior_flat_place_records(organisation, period)
    if parts == ["occupied"]:
        return senior_flat_resident_records(organisation, period)
    if parts in (["occupancy_rate"], ["occupied_days"]):
        return senior_flat_occupancy_records(organisation, period)
    return None


def _group_offers_for(organisation, period, parts):
    events = group_offer_records(organisation, period)
    if parts == ["participants"]:
        return events
    by_group = ("target_group", TARGET_GROUPS_AND_NONE, {"none": ""})
    return _by_code(events, parts, {"by_target_group": by_group, "participants_by_target_group": by_group})


def _referrals_for(organisation, period, parts):
    return _by_code(
        referral_records(organisation, period),
        parts,
        {
            "by_partner_kind": ("partner__kind", PARTNER_KINDS, {}),
            "by_outcome": ("outcome", REFERRAL_OUTCOMES, {"open": ""}),
        },
    )


_RECORDS = {
    "persons_with_contact": _persons_with_contact_for,
    "contacts": _contacts_for,
    "new_cases": _new_cases_for,
    "prevention": _prevention_for,
    "placements": _placements_for,
    "tenancy_sustained": _tenancy_sustained_for,
    "housing_offers": _housing_offers_for,
    "agreements": _agreements_for,
    "senior_flat": _senior_flat_for,
    "group_offers": _group_offers_for,
    "referrals": _referrals_for,
}


def records(organisation, period, figure, key="total"):
    """The records of the organisation counted in one number of the report (anonymous scope).

    ``key`` is the number's path in the report, e.g. ``by_gender.female``, ``housing_secured``,
    ``by_follow_up.6_months.held``. Views narrow the result with ``visible_to(user)``. Raises
    :class:`NoRecords` for figures or keys without records (the goal, the sum of place-days).
    The queryset is lazy: asking costs no query.
    """
    handler = _RECORDS.get(figure)
    queryset = handler(organisation, period, key.split(".")) if handler else None
    if queryset is None:
        raise NoRecords(f"{figure}: {key}")
    return queryset


def has_records(figure, key):
    """Whether :func:`records` answers for this figure and key (no query is made)."""
    try:
        records(None, Period.quarter_of(2000, 1), figure, key)
    except NoRecords:
        return False
    return True
