"""The figures of the quarterly report, computed in the database (docs/report-figures.md defines each).

Every figure counts all records of one organisation — restricted clients included, anonymously — for
a period whose start and end dates are inclusive. Each figure is a dict with ``total`` and its
``by_*`` maps; every map lists every code, zero included. The ``*_records`` functions return the
querysets behind the figures, for the drill-down (which then narrows them with ``visible_to``).
"""

from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from cases.models import Case as CaseModel
from cases.models import Client, Contact, ContactCount, ContactDays, Referral, TargetGroupMembership
from cases.models.contact_tallies import DAYS_IN_A_YEAR, day_mask
from cooperation.models import Agreement, GroupOffer, PartnerKind
from hagen_zuhause import codes
from hagen_zuhause.countries import EU2, EU27, UNKNOWN
from hagen_zuhause.dates import add_months
from housing.models import (
    SENIOR_FLAT_PLACE_GOAL,
    FollowUp,
    FollowUpResult,
    HousingOffer,
    LandlordKind,
    Placement,
    PlacementStep,
)
from housing.occupancy import senior_flat_figures

GENDERS = [code.value for code in codes.Gender]
TARGET_GROUPS = [code.value for code in codes.TargetGroup]
TARGET_GROUPS_AND_NONE = [*TARGET_GROUPS, "none"]
AGE_BANDS = ["under_18", "18_24", "25_29", "30_39", "40_49", "50_59", "60_64", "65_plus", "unknown"]
NATIONALITY_GROUPS = ["germany", "eu2", "other_eu", "non_eu", "unknown"]
CONTACT_TYPES = [code.value for code in codes.ContactType]
CASE_TYPES = [code.value for code in codes.CaseType]
PREVENTION_OUTCOMES = [code.value for code in codes.OUTCOMES_BY_CASE_TYPE[codes.CaseType.PREVENTION]]
SECURED = [code.value for code in codes.HOUSING_SECURED]
LANDLORD_KINDS = [code.value for code in LandlordKind]
PARTNER_KINDS = [code.value for code in PartnerKind]
REFERRAL_OUTCOMES = [*(code.value for code in codes.ReferralOutcome), "open"]
FOLLOW_UP_RESULTS = [*(code.value for code in FollowUpResult), "not_answered"]


def _complete(codes_list, counts):
    """A map listing every code in order, zero where nothing was counted."""
    return {code: int(counts.get(code) or 0) for code in codes_list}


def _group_counts(queryset, field):
    return dict(queryset.order_by().values_list(field).annotate(n=Count("*")).values_list(field, "n"))


def _rows_in_periods(queryset, date_field, periods, fields, sum_field=None):
    """For each period, ``(values of fields, records, sum of sum_field)`` of the records whose ``date_field``
    falls into it: one query over the days from the first period's start to the last one's end.

    Without ``fields``, each period has one row: all its records."""
    first, last = min(period.start for period in periods), max(period.end for period in periods)
    aggregates = {}
    for number, period in enumerate(periods):
        within = Q(**{f"{date_field}__range": (period.start, period.end)})
        # Counting the date (never null within the period) rather than the key lets an index that holds
        # the date answer without reading the table (Django allows no COUNT(*) with a filter).
        aggregates[f"n_{number}"] = Count(date_field, filter=within)
        if sum_field:
            aggregates[f"sum_{number}"] = Sum(sum_field, filter=within)
    in_range = queryset.filter(**{f"{date_field}__range": (first, last)}).order_by()
    # values() without fields would group by every column: one row per record.
    rows = list(in_range.values(*fields).annotate(**aggregates)) if fields else [in_range.aggregate(**aggregates)]
    return [
        [(tuple(row[field] for field in fields), row[f"n_{number}"], row.get(f"sum_{number}") or 0) for row in rows]
        for number in range(len(periods))
    ]


def age_band_expression(day):
    """SQL: the client's age band on ``day`` (age in full years; an estimated year counts as 1 January).

    Returns the band and the birth day it is computed from; annotate ``born_on`` first. Someone is at
    least n years old on ``day`` when born on or before the same day n years earlier (29 February
    falls back to 28 February), so each band is a comparison with a date computed once here rather
    than an age computed per person.
    """
    born_on = Case(
        When(birth_date__isnull=False, then=F("birth_date")),
        When(birth_year_estimated__isnull=False, then=_first_of_january(F("birth_year_estimated"))),
        default=None,
        output_field=DateField(),
    )
    return Case(
        When(born_on__isnull=True, then=Value("unknown")),
        *[When(born_on__gt=born_after, then=Value(band)) for born_after, band in _band_limits(day)],
        default=Value("65_plus"),
        output_field=CharField(),
    ), born_on


#: The bands below 65: (the age a person reaches when leaving the band, the band).
_BANDS_BY_AGE = [
    (18, "under_18"),
    (25, "18_24"),
    (30, "25_29"),
    (40, "30_39"),
    (50, "40_49"),
    (60, "50_59"),
    (65, "60_64"),
]


def _band_limits(day):
    """(born after, band) for each band below 65, youngest first: the dates that decide a band on ``day``."""
    return [(add_months(day, -12 * years), band) for years, band in _BANDS_BY_AGE]


def _age_band_sql(column, day):
    """SQL and parameters: :func:`age_band_expression` over a column that holds the birth day."""
    limits = _band_limits(day)
    whens = " ".join(f"WHEN {column} > %s THEN '{band}'" for _limit, band in limits)
    return f"CASE WHEN {column} IS NULL THEN 'unknown' {whens} ELSE '65_plus' END", [limit for limit, _ in limits]


def _first_of_january(year):
    return Func(year, Value(1), Value(1), function="MAKE_DATE", output_field=DateField())


def nationality_group_expression():
    other_eu = sorted(EU27 - EU2 - {"DE"})
    return Case(
        When(nationality="DE", then=Value("germany")),
        When(nationality__in=sorted(EU2), then=Value("eu2")),
        When(nationality__in=other_eu, then=Value("other_eu")),
        When(Q(nationality=UNKNOWN) | Q(nationality=""), then=Value("unknown")),
        default=Value("non_eu"),
        output_field=CharField(),
    )


# --- Persons and contacts -----------------------------------------------------------------


def persons_with_contact_records(organisation, period):
    contacts = Contact.objects.filter(client=OuterRef("pk"), date__range=(period.start, period.end))
    return Client.objects.all_of_organisation(organisation).filter(Exists(contacts))


def persons_with_contact(organisation, period):
    return persons_with_contact_in_periods(organisation, [period])[0]


_PERSONS_SQL = """
WITH contacted AS (
    SELECT tally.client_id, {marks}
    FROM {tallies} tally
    WHERE tally.organisation_id = %s AND tally.year BETWEEN %s AND %s
    {group_by_client}
),
persons AS MATERIALIZED (
    SELECT person.*, {in_columns}
    FROM ({people}) person
    JOIN contacted ON contacted.client_id = person.pk
)
SELECT 'person', gender, nationality_group, {bands}, {person_counts}
FROM persons
GROUP BY {group_by}
UNION ALL
SELECT 'group', membership."group", NULL, {no_bands}, {group_counts}
FROM persons
JOIN {memberships} membership ON membership.client_id = persons.pk
WHERE membership.start <= %s AND (membership."end" IS NULL OR membership."end" >= %s)
GROUP BY GROUPING SETS ((membership."group"), ())
"""

_ANY_DAY = f"B'0'::bit({DAYS_IN_A_YEAR})"


def _in_period(period):
    """SQL and parameters: the client of a ``cases_contactdays`` row (alias ``tally``) had a contact in
    the period — the row of one of the period's years with a day of the period set."""
    years = range(period.start.year, period.end.year + 1)
    sql = " OR ".join(f"(tally.year = %s AND tally.days & %s::bit({DAYS_IN_A_YEAR}) <> {_ANY_DAY})" for _ in years)
    params = []
    for year in years:
        params += [year, day_mask(max(period.start, date(year, 1, 1)), min(period.end, date(year, 12, 31)))]
    return f"({sql})", params


def persons_with_contact_in_periods(organisation, periods):
    """The persons-with-contact figure of each period, from one statement however many clients had contact.

    The days with a contact that the database keeps per client and year (``ContactDays``) mark each
    person with the periods in which they had contact (the report's columns overlap: the year to date
    holds the quarter) — a row or two per person instead of every contact. The marked persons are
    grouped by gender, nationality group and each period's age band — the same bands the drill-down
    filters with — so a few hundred rows come back, not one per person; the target groups are counted
    from the memberships that overlap each period, each person once per group (the row without a group
    counts the persons in any group).
    """
    first, last = min(period.start for period in periods), max(period.end for period in periods)
    numbers = range(len(periods))
    # The birth day is computed once per person (in the materialised CTE ``persons``, which both counts
    # read), each period's band from it; the marks of ``contacted`` are read once and stay inline (kept
    # apart, they were written to and read back from a work table: 5-8 % of the statement).
    people = (
        Client.objects.all_of_organisation(organisation)
        .annotate(born_on=age_band_expression(last)[1], nationality_group=nationality_group_expression())
        .order_by()
        .values("pk", "gender", "nationality_group", "born_on")
    )
    people_sql, people_params = people.query.sql_with_params()
    bands = [_age_band_sql("born_on", period.end) for period in periods]
    in_periods = [_in_period(period) for period in periods]
    # A person has one row per year: within one year, each row is a person.
    one_year = first.year == last.year
    mark = "" if one_year else "bool_or"
    overlaps = 'membership.start <= %s AND (membership."end" IS NULL OR membership."end" >= %s)'
    sql = _PERSONS_SQL.format(
        marks=", ".join(f"{mark}{in_periods[number][0]} AS in_{number}" for number in numbers),
        group_by_client="" if one_year else "GROUP BY tally.client_id",
        tallies=connection.ops.quote_name(ContactDays._meta.db_table),
        in_columns=", ".join(f"contacted.in_{number}" for number in numbers),
        people=people_sql,
        bands=", ".join(sql for sql, _params in bands),
        group_by=", ".join(str(column) for column in range(2, 4 + len(periods))),
        person_counts=", ".join(f"count(*) FILTER (WHERE in_{number})" for number in numbers),
        no_bands=", ".join("NULL" for _ in numbers),
        group_counts=", ".join(f"count(DISTINCT persons.pk) FILTER (WHERE in_{n} AND {overlaps})" for n in numbers),
        memberships=connection.ops.quote_name(TargetGroupMembership._meta.db_table),
    )
    params = [value for _sql, in_period_params in in_periods for value in in_period_params]
    params += [organisation.pk, first.year, last.year, *people_params]
    params += [limit for _sql, limits in bands for limit in limits]
    params += [day for period in periods for day in (period.end, period.start)]
    params += [last, first]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    results = []
    for number in numbers:
        total = 0
        by_gender, by_age_band, by_nationality = Counter(), Counter(), Counter()
        in_groups = Counter()
        for kind, code, nationality_group, *bands_and_counts in rows:
            band, n = bands_and_counts[number], bands_and_counts[len(periods) + number]
            if kind == "group":
                in_groups[code or "any"] += n  # the grouping set () has no group: persons in any group
                continue
            total += n
            by_gender[code] += n
            by_age_band[band] += n
            by_nationality[nationality_group] += n
        by_target_group = {group: in_groups[group] for group in TARGET_GROUPS}
        by_target_group["none"] = total - in_groups["any"]
        results.append(
            {
                "total": total,
                "by_gender": _complete(GENDERS, by_gender),
                "by_target_group": by_target_group,
                "by_age_band": _complete(AGE_BANDS, by_age_band),
                "by_nationality_group": _complete(NATIONALITY_GROUPS, by_nationality),
            }
        )
    return results


def persons_with_contact_totals(organisation, periods):
    """The number of persons with contact in each period, without the breakdown (one query)."""
    counts, params = [], []
    for period in periods:
        condition, condition_params = _in_period(period)
        # A person has one row per year: only a period across a new year could meet them twice.
        counted = "*" if period.start.year == period.end.year else "DISTINCT tally.client_id"
        counts.append(f"COUNT({counted}) FILTER (WHERE {condition})")
        params += condition_params
    sql = (
        f"SELECT {', '.join(counts)} FROM {connection.ops.quote_name(ContactDays._meta.db_table)} tally "
        "WHERE tally.organisation_id = %s AND tally.year BETWEEN %s AND %s"
    )
    params += [organisation.pk, min(p.start for p in periods).year, max(p.end for p in periods).year]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchone())


def contact_records(organisation, period):
    return Contact.objects.filter(client__organisation=organisation, date__range=(period.start, period.end))


def contacts(organisation, period):
    return contacts_in_periods(organisation, [period])[0]


def contacts_in_periods(organisation, periods):
    """The contacts figure of each period, from the organisation's contacts per day and kind that the
    database keeps (``ContactCount``): one query for all periods, a few thousand rows a year."""
    counts = ContactCount.objects.filter(organisation=organisation)
    results = []
    for rows in _rows_in_periods(counts, "date", periods, ["contact_type"], sum_field="contacts"):
        by_type = _complete(CONTACT_TYPES, {contact_type: total for (contact_type,), _n, total in rows})
        results.append({"total": sum(by_type.values()), "by_type": by_type})
    return results


# --- Cases --------------------------------------------------------------------------------


def new_case_records(organisation, period):
    return CaseModel.objects.filter(organisation=organisation, opened_on__range=(period.start, period.end))


def new_cases(organisation, period):
    return new_cases_in_periods(organisation, [period])[0]


def new_cases_in_periods(organisation, periods):
    """Cases opened in each period by type (one query for all periods)."""
    cases = CaseModel.objects.filter(organisation=organisation)
    results = []
    for rows in _rows_in_periods(cases, "opened_on", periods, ["case_type"]):
        by_type = _complete(CASE_TYPES, {case_type: n for (case_type,), n, _sum in rows})
        results.append({"total": sum(by_type.values()), "by_type": by_type})
    return results


def prevention_records(organisation, period):
    return CaseModel.objects.filter(
        organisation=organisation,
        case_type=codes.CaseType.PREVENTION,
        closed_on__range=(period.start, period.end),
    )


def _household_members():
    """The household members when the case was closed: the household's size that the database keeps on
    the closed case (``Case.household_size_at_closing``, the client and the members), without the client."""
    return F("household_size_at_closing") - 1


def prevention(organisation, period):
    return prevention_in_periods(organisation, [period])[0]


def prevention_in_periods(organisation, periods):
    """Prevention cases closed in each period by outcome, and the persons of the households kept in their
    homes (one query for all periods)."""
    closed = CaseModel.objects.filter(organisation=organisation, case_type=codes.CaseType.PREVENTION)
    results = []
    for rows in _rows_in_periods(
        closed.annotate(members=_household_members()), "closed_on", periods, ["outcome"], "members"
    ):
        by_outcome, households, members = Counter(), 0, 0
        for (outcome,), cases, outcome_members in rows:
            by_outcome[outcome] += cases
            if outcome in SECURED:
                households += cases
                members += outcome_members
        by_outcome = _complete(PREVENTION_OUTCOMES, by_outcome)
        persons = households + members
        results.append(
            {
                "total": sum(by_outcome.values()),
                "by_outcome": by_outcome,
                "housing_secured": {"total": persons, "households": households, "persons": persons},
            }
        )
    return results


# --- Placements ---------------------------------------------------------------------------


def placement_records(organisation, period):
    return Placement.objects.filter(
        organisation=organisation, step=PlacementStep.MOVED_IN, moved_in_on__range=(period.start, period.end)
    )


def placements_in_periods(organisation, periods):
    """The households moved in during each period and their persons, from one query."""
    placed = Placement.objects.filter(organisation=organisation, step=PlacementStep.MOVED_IN)
    return [
        {"households": households, "persons": persons}
        for [(_values, households, persons)] in _rows_in_periods(
            placed, "moved_in_on", periods, [], sum_field="household_size"
        )
    ]


def placements(organisation, period):
    """Households and persons moved in, by the target groups they were in during the period (one query)."""
    flags = {
        f"in_{group}": Exists(
            TargetGroupMembership.objects.filter(client=OuterRef("client"), group=group).overlapping(
                period.start, period.end
            )
        )
        for group in TARGET_GROUPS
    }
    any_group = Exists(
        TargetGroupMembership.objects.filter(client=OuterRef("client")).overlapping(period.start, period.end)
    )
    aggregates = {group: Count("pk", filter=Q(**{f"in_{group}": True})) for group in TARGET_GROUPS}
    aggregates["none"] = Count("pk", filter=Q(in_any=False))
    row = (
        placement_records(organisation, period)
        .annotate(**flags, in_any=any_group)
        .aggregate(households=Count("pk"), person_total=Coalesce(Sum("household_size"), 0), **aggregates)
    )
    return {
        "total": row["households"],
        "households": row["households"],
        "persons": row["person_total"],
        "by_target_group": _complete(TARGET_GROUPS_AND_NONE, row),
    }


def cohort_range(period, months):
    """The same period ``months`` earlier, both ends inclusive.

    The end is the day before (the day after the period) minus the months: 30.09. − 6 months is
    31.03., not 30.03. (shifting the end itself would clamp to the shorter month and lose a day).
    """
    start = add_months(period.start, -months)
    end = add_months(period.end + timedelta(days=1), -months) - timedelta(days=1)
    return start, end


def tenancy_sustained_records(organisation, period, months):
    """Move-ins of the same period ``months`` earlier: the cohort whose follow-up falls into this period."""
    return Placement.objects.filter(
        organisation=organisation,
        step=PlacementStep.MOVED_IN,
        moved_in_on__range=cohort_range(period, months),
    )


def tenancy_sustained(organisation, period):
    by_follow_up = {}
    for months in (6, 12):
        cohort = tenancy_sustained_records(organisation, period, months)
        result = FollowUp.objects.filter(placement=OuterRef("pk"), months=months).values("result")[:1]
        counts = _group_counts(cohort.annotate(follow_up=Coalesce(Subquery(result), Value(""))), "follow_up")
        counts["not_answered"] = counts.pop("", 0) + counts.pop(None, 0)
        answers = _complete(FOLLOW_UP_RESULTS, counts)
        by_follow_up[f"{months}_months"] = {"moved_in": sum(answers.values()), **answers}
    return {
        "total": sum(entry[FollowUpResult.HELD] for entry in by_follow_up.values()),
        "by_follow_up": by_follow_up,
    }


# --- Offers, agreements, senior flat, group offers, referrals ------------------------------


def housing_offer_records(organisation, period):
    return HousingOffer.objects.filter(organisation=organisation, acquired_on__range=(period.start, period.end))


def housing_offers(organisation, period):
    """Offers acquired in the period by landlord kind, and offers let in the period (one query)."""
    acquired_in = Q(acquired_on__range=(period.start, period.end))
    let_in = Q(let_on__range=(period.start, period.end))
    rows = (
        HousingOffer.objects.filter(acquired_in | let_in, organisation=organisation)
        .order_by()
        .values_list("landlord__kind")
        .annotate(acquired=Count("pk", filter=acquired_in), let=Count("pk", filter=let_in))
    )
    by_kind, let = Counter(), 0
    for kind, acquired, let_count in rows:
        by_kind[kind] += acquired
        let += let_count
    by_kind = _complete(LANDLORD_KINDS, by_kind)
    return {"total": sum(by_kind.values()), "by_landlord_kind": by_kind, "let": let}


def agreement_records(organisation, period):
    return Agreement.objects.all_of_organisation(organisation).signed_between(period.start, period.end)


def agreements(organisation, period):
    signed = agreement_records(organisation, period).count()
    active = Agreement.objects.all_of_organisation(organisation).active_on(period.end).count()
    return {"total": signed, "signed": signed, "active": active}


def senior_flat(organisation, period):
    """Places and occupancy: the senior flat page's figures (housing.occupancy), in one query."""
    flat = senior_flat_figures(organisation, period.start, period.end)
    rate = round(flat.occupied_place_days / flat.place_days, 4) if flat.place_days else 0.0
    return {
        "total": flat.places,
        "places": flat.places,
        "goal": SENIOR_FLAT_PLACE_GOAL,
        "occupied": flat.occupied,
        "occupancy_rate": rate,
        "place_days": flat.place_days,
        "occupied_days": flat.occupied_place_days,
    }


def group_offer_records(organisation, period):
    return GroupOffer.objects.all_of_organisation(organisation).between(period.start, period.end)


def group_offers(organisation, period):
    linked = (
        GroupOffer.participants.through.objects.filter(groupoffer=OuterRef("pk"))
        .order_by()
        .values("groupoffer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    events = group_offer_records(organisation, period).annotate(
        people=Coalesce(F("participant_count"), Subquery(linked), 0)
    )
    rows = events.order_by().values("target_group").annotate(events=Count("pk"), participants=Sum("people"))
    by_group = {row["target_group"] or "none": row for row in rows}
    return {
        "total": sum(row["events"] for row in by_group.values()),
        "participants": sum(row["participants"] or 0 for row in by_group.values()),
        "by_target_group": _complete(TARGET_GROUPS_AND_NONE, {k: v["events"] for k, v in by_group.items()}),
        "participants_by_target_group": _complete(
            TARGET_GROUPS_AND_NONE, {k: v["participants"] for k, v in by_group.items()}
        ),
    }


def referral_records(organisation, period):
    return Referral.objects.filter(client__organisation=organisation, referred_on__range=(period.start, period.end))


def referrals(organisation, period):
    return referrals_in_periods(organisation, [period])[0]


def referrals_in_periods(organisation, periods):
    """Referrals made in each period by the partner's kind and by outcome (one query for all periods)."""
    made = Referral.objects.filter(client__organisation=organisation)
    results = []
    for rows in _rows_in_periods(made, "referred_on", periods, ["partner__kind", "outcome"]):
        by_kind, by_outcome = Counter(), Counter()
        for (kind, outcome), n, _sum in rows:
            by_kind[kind] += n
            by_outcome[outcome or "open"] += n
        by_kind = _complete(PARTNER_KINDS, by_kind)
        results.append(
            {
                "total": sum(by_kind.values()),
                "by_partner_kind": by_kind,
                "by_outcome": _complete(REFERRAL_OUTCOMES, by_outcome),
            }
        )
    return results


# --- The whole report ---------------------------------------------------------------------

FIGURES = {
    "persons_with_contact": persons_with_contact,
    "contacts": contacts,
    "new_cases": new_cases,
    "prevention": prevention,
    "placements": placements,
    "tenancy_sustained": tenancy_sustained,
    "housing_offers": housing_offers,
    "agreements": agreements,
    "senior_flat": senior_flat,
    "group_offers": group_offers,
    "referrals": referrals,
}


def compute_report(organisation, period):
    """All figures of the report for the organisation and period, keyed as in the report contract."""
    return compute_reports(organisation, [period])[0]


#: Memory for the sorts and hashes of one report query (PostgreSQL's default, 4 MB, makes the grouping
#: of a few hundred thousand contacts spill to disk); only for the transaction that counts the report.
REPORT_WORK_MEM = "64MB"


@contextmanager
def counting():
    """A transaction for counting a report: one snapshot of the data, and memory for the sorts and hashes."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = %s", [REPORT_WORK_MEM])
        yield


def compute_reports(organisation, periods):
    """The reports of several periods (figures shared between them are counted in one pass)."""
    reports = []
    with counting():
        shared = {
            "persons_with_contact": persons_with_contact_in_periods(organisation, periods),
            "contacts": contacts_in_periods(organisation, periods),
            "new_cases": new_cases_in_periods(organisation, periods),
            "prevention": prevention_in_periods(organisation, periods),
            "referrals": referrals_in_periods(organisation, periods),
        }
        for number, period in enumerate(periods):
            report = {"period": period.as_json()}
            for key, compute in FIGURES.items():
                report[key] = shared[key][number] if key in shared else compute(organisation, period)
            reports.append(report)
    return reports


_COHORT = ["moved_in", *FOLLOW_UP_RESULTS]

#: Every key of the report in the order compute_report gives it: a list names the codes of a map, a
#: dict the keys of an object, None a number. PostgreSQL's jsonb keeps no key order, so a report read
#: back from a snapshot is put into this order again (:func:`ordered_report`); a test keeps it in step.
REPORT_SHAPE = {
    "period": ["year", "quarter", "start", "end"],
    "persons_with_contact": {
        "total": None,
        "by_gender": GENDERS,
        "by_target_group": TARGET_GROUPS_AND_NONE,
        "by_age_band": AGE_BANDS,
        "by_nationality_group": NATIONALITY_GROUPS,
    },
    "contacts": {"total": None, "by_type": CONTACT_TYPES},
    "new_cases": {"total": None, "by_type": CASE_TYPES},
    "prevention": {
        "total": None,
        "by_outcome": PREVENTION_OUTCOMES,
        "housing_secured": ["total", "households", "persons"],
    },
    "placements": {"total": None, "households": None, "persons": None, "by_target_group": TARGET_GROUPS_AND_NONE},
    "tenancy_sustained": {"total": None, "by_follow_up": {"6_months": _COHORT, "12_months": _COHORT}},
    "housing_offers": {"total": None, "by_landlord_kind": LANDLORD_KINDS, "let": None},
    "agreements": {"total": None, "signed": None, "active": None},
    "senior_flat": dict.fromkeys(
        ["total", "places", "goal", "occupied", "occupancy_rate", "place_days", "occupied_days"]
    ),
    "group_offers": {
        "total": None,
        "participants": None,
        "by_target_group": TARGET_GROUPS_AND_NONE,
        "participants_by_target_group": TARGET_GROUPS_AND_NONE,
    },
    "referrals": {"total": None, "by_partner_kind": PARTNER_KINDS, "by_outcome": REFERRAL_OUTCOMES},
}


def _in_order(value, shape):
    if not isinstance(value, dict) or not isinstance(shape, dict | list):
        return value
    keys = list(shape)
    ordered = {
        key: _in_order(value[key], shape[key] if isinstance(shape, dict) else None) for key in keys if key in value
    }
    ordered.update({key: item for key, item in value.items() if key not in ordered})
    return ordered


def ordered_report(report):
    """The report with every key in the order of :data:`REPORT_SHAPE` (keys it does not know come last)."""
    return _in_order(report, REPORT_SHAPE)
