"""Every figure of the quarterly report against hand-computed fixtures on the boundaries of Q4 2026."""

from datetime import date
from decimal import Decimal

import pytest

from cases.models import Client, Contact, HouseholdMember
from cases.services.cases import case_close, case_open
from cases.services.clients import target_group_join
from cooperation.models import Agreement, GroupOffer, Partner, PartnerKind
from hagen_zuhause.codes import CaseType, ContactType, Outcome, TargetGroup
from housing.models import HousingOffer, Landlord, SeniorFlat, SeniorFlatPlace, SeniorFlatResidency
from housing.services.placements import placement_advance, placement_propose
from reports import drilldown, figures
from reports.periods import Period
from tests.builders import SKIPPED, make_client

Q4 = Period.quarter_of(2026, 4)


def contact(client, day, kind=ContactType.OFFICE):
    return Contact.objects.create(client=client, date=day, contact_type=kind, worker=client.created_by)


@pytest.fixture
def people(social_worker, team_lead, outsider):
    """Seven clients around the boundaries of the quarter; five of them had contact in it."""
    a = make_client(social_worker, gender="female", nationality="DE", birth_date=date(1958, 12, 31))
    target_group_join(client=a, group=TargetGroup.SENIORS, start=date(2025, 1, 1))
    target_group_join(client=a, group=TargetGroup.WOMEN, start=date(2026, 12, 31))
    contact(a, date(2026, 10, 1))  # first day
    contact(a, date(2026, 10, 2), ContactType.OUTREACH)
    b = make_client(social_worker, gender="male", nationality="BG", birth_date=date(2008, 12, 31))
    contact(b, date(2026, 12, 31), ContactType.PHONE)  # last day; 18th birthday on the last day
    e = make_client(social_worker, gender="diverse", nationality="RO", birth_date=date(1990, 6, 15))
    target_group_join(client=e, group=TargetGroup.EU2, start=date(2026, 1, 1), end=date(2026, 11, 15))
    contact(e, date(2026, 11, 20), ContactType.HOME_VISIT)
    f = make_client(social_worker, nationality="FR")
    target_group_join(client=f, group=TargetGroup.MENTAL_HEALTH, start=date(2027, 1, 1))
    contact(f, date(2026, 12, 1))
    g = make_client(team_lead, gender="female", nationality="SY", birth_year_estimated=2001, restricted=True)
    contact(g, date(2026, 11, 1), ContactType.ACCOMPANIMENT)
    c = make_client(social_worker, gender="male", nationality="DE")
    contact(c, date(2026, 9, 30))  # day before the quarter
    d = make_client(social_worker, gender="male", nationality="DE")
    contact(d, date(2027, 1, 1))  # day after the quarter
    elsewhere = make_client(outsider, gender="female", nationality="DE")
    contact(elsewhere, date(2026, 11, 1))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g}


def test_persons_with_contact(people, organisation):
    figure = figures.persons_with_contact(organisation, Q4)
    assert figure["total"] == 5
    assert figure["by_gender"] == {"female": 2, "male": 1, "diverse": 1, "unknown": 1}
    assert figure["by_target_group"] == {"seniors": 1, "mental_health": 0, "women": 1, "eu2": 1, "none": 3}
    assert figure["by_age_band"] == {
        "under_18": 0,
        "18_24": 1,
        "25_29": 1,
        "30_39": 1,
        "40_49": 0,
        "50_59": 0,
        "60_64": 0,
        "65_plus": 1,
        "unknown": 1,
    }
    assert figure["by_nationality_group"] == {"germany": 1, "eu2": 2, "other_eu": 1, "non_eu": 1, "unknown": 0}


def test_persons_with_contact_of_several_periods_counts_each_period_on_its_own(people, organisation):
    """The report's columns overlap and leave gaps: one statement must keep each column to its own days,
    its own age day and the memberships that overlap it."""
    year, q3, q1_2027 = Period(2026, None, date(2026, 1, 1), Q4.end), Q4.previous(), Period.quarter_of(2027, 1)
    columns = figures.persons_with_contact_in_periods(organisation, [Q4, q3, year, q1_2027])
    assert columns[0] == figures.persons_with_contact(organisation, Q4)
    assert columns[0]["total"] == 5
    assert columns[1]["total"] == 1  # c, on the day before Q4
    assert columns[1]["by_gender"]["male"] == 1
    assert columns[1]["by_target_group"] == {"seniors": 0, "mental_health": 0, "women": 0, "eu2": 0, "none": 1}
    assert columns[2]["total"] == 6  # everyone of Q4 and c; d only in 2027, elsewhere in another organisation
    assert columns[2]["by_target_group"] == {"seniors": 1, "mental_health": 0, "women": 1, "eu2": 1, "none": 4}
    assert columns[3]["total"] == 1  # d
    # f joins the mental-health group on 1 January 2027 but had contact only in 2026.
    assert columns[3]["by_target_group"] == {"seniors": 0, "mental_health": 0, "women": 0, "eu2": 0, "none": 1}
    # The year ends with Q4: b turned 18 on its last day; c and f have no birth date.
    assert columns[2]["by_age_band"] == {**columns[0]["by_age_band"], "unknown": 2}
    assert [column["total"] for column in columns] == [
        figures.persons_with_contact(organisation, period)["total"] for period in (Q4, q3, year, q1_2027)
    ]


def _full_years(born, day):
    """Age in full years as the law counts it: one more year from the birthday on (29.02.: from 01.03.)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@pytest.mark.parametrize("day", [date(2026, 12, 31), date(2026, 2, 28), date(2028, 2, 29), date(2026, 3, 1)], ids=str)
def test_age_band_on_birthdays_and_leap_days_is_the_age_in_full_years(social_worker, organisation, day):
    births = [date(2008, 12, 31), date(2009, 1, 1), date(2008, 2, 29), date(2010, 2, 28), date(2010, 3, 1)]
    births += [date(day.year - years, 3, 1) for years in (18, 25, 30, 40, 50, 60, 65)]
    births += [date(day.year - years, 2, 28) for years in (18, 25, 30, 40, 50, 60, 65)]
    bands = [(18, "under_18"), (25, "18_24"), (30, "25_29"), (40, "30_39"), (50, "40_49"), (60, "50_59"), (65, "60_64")]
    expected = {}
    for born in births:
        client = make_client(social_worker, birth_date=born)
        age = _full_years(born, day)
        expected[client.pk] = next((band for limit, band in bands if age < limit), "65_plus")
    band, born_on = figures.age_band_expression(day)
    computed = dict(
        Client.objects.filter(pk__in=expected).annotate(born_on=born_on).annotate(band=band).values_list("pk", "band")
    )
    assert computed == expected


def test_contacts(people, organisation):
    figure = figures.contacts(organisation, Q4)
    assert figure["total"] == 6
    assert figure["by_type"] == {
        "office": 2,
        "outreach": 1,
        "phone": 1,
        "home_visit": 1,
        "accompaniment": 1,
        "other": 0,
    }


def test_sum_checks(people, organisation):
    figure = figures.persons_with_contact(organisation, Q4)
    for key in ("by_gender", "by_age_band", "by_nationality_group"):
        assert sum(figure[key].values()) == figure["total"], key
    # A person can be in several target groups: the map may add up to more, never to less.
    assert sum(figure["by_target_group"].values()) >= figure["total"]


def test_cases_and_prevention(social_worker, organisation):
    kept = make_client(social_worker)
    HouseholdMember.objects.create(client=kept, relationship="partner", birth_year=1980)
    HouseholdMember.objects.create(client=kept, relationship="child", birth_year=2015)
    alternative = make_client(social_worker)
    lost = make_client(social_worker)
    earlier = make_client(social_worker)
    for client, opened, closed, outcome in [
        (kept, date(2026, 10, 1), date(2026, 12, 31), Outcome.TENANCY_KEPT),
        (alternative, date(2026, 7, 1), date(2026, 11, 3), Outcome.ALTERNATIVE_FLAT),
        (lost, date(2026, 12, 31), date(2026, 12, 31), Outcome.LOST_SHELTER),
        (earlier, date(2026, 9, 30), date(2026, 9, 30), Outcome.TENANCY_KEPT),
    ]:
        case = case_open(client=client, case_type=CaseType.PREVENTION, actor=social_worker, opened_on=opened)
        case_close(case=case, outcome=outcome, actor=social_worker, closed_on=closed)
    case_open(client=kept, case_type=CaseType.PROVISION, actor=social_worker, opened_on=date(2026, 11, 1))

    assert figures.new_cases(organisation, Q4) == {"total": 3, "by_type": {"prevention": 2, "provision": 1}}
    figure = figures.prevention(organisation, Q4)
    assert figure["total"] == 3
    assert figure["by_outcome"]["tenancy_kept"] == 1
    assert figure["by_outcome"]["alternative_flat"] == 1
    assert figure["by_outcome"]["lost_shelter"] == 1
    assert sum(figure["by_outcome"].values()) == figure["total"]
    assert figure["housing_secured"] == {"total": 4, "households": 2, "persons": 4}


def test_the_persons_kept_in_their_homes_are_the_household_when_the_case_closed(social_worker, organisation):
    """A child born after the closing belongs to next year's life, not to last quarter's figure."""
    client = make_client(social_worker)
    HouseholdMember.objects.create(client=client, relationship="partner", birth_year=1980)
    case = case_open(client=client, case_type=CaseType.PREVENTION, actor=social_worker, opened_on=date(2026, 10, 1))
    case_close(case=case, outcome=Outcome.TENANCY_KEPT, actor=social_worker, closed_on=date(2026, 11, 2))

    HouseholdMember.objects.create(client=client, relationship="child", birth_year=2026)
    assert figures.prevention(organisation, Q4)["housing_secured"] == {"total": 2, "households": 1, "persons": 2}


@pytest.fixture
def offer(admin_staff, organisation):
    landlord = Landlord.objects.create(organisation=organisation, kind="cooperative", name="GWG Hagen")
    return HousingOffer.objects.create(
        organisation=organisation,
        landlord=landlord,
        street="Volmestraße 1",
        district="mitte",
        living_space=Decimal("55"),
        rooms=Decimal("2"),
        cold_rent=Decimal("380"),
        service_costs=Decimal("90"),
        acquired_by=admin_staff,
        acquired_on=date(2026, 10, 1),
    )


def test_placements_and_offers(social_worker, organisation, offer):
    family = make_client(social_worker)
    target_group_join(client=family, group=TargetGroup.EU2, start=date(2026, 1, 1))
    HouseholdMember.objects.create(client=family, relationship="child", birth_year=2018)
    HouseholdMember.objects.create(client=family, relationship="partner", birth_year=1990)
    case_open(client=family, case_type=CaseType.PROVISION, actor=social_worker, opened_on=date(2026, 3, 1))
    placement = placement_propose(offer=offer, client=family, actor=social_worker, on=date(2026, 10, 5))
    placement_advance(
        placement=placement, step="lease_signed", actor=social_worker, on=date(2026, 10, 20), skip_reason=SKIPPED
    )
    placement_advance(placement=placement, step="moved_in", actor=social_worker, on=date(2026, 11, 10))

    figure = figures.placements(organisation, Q4)
    assert figure["households"] == 1
    assert figure["persons"] == 3
    assert figure["by_target_group"]["eu2"] == 1
    assert figure["by_target_group"]["none"] == 0
    offers = figures.housing_offers(organisation, Q4)
    assert offers["total"] == 1
    assert offers["by_landlord_kind"] == {"municipal": 0, "cooperative": 1, "company": 0, "private": 0}
    assert offers["let"] == 1


def test_senior_flat_occupancy(social_worker, organisation):
    flat = SeniorFlat.objects.create(organisation=organisation, name="Senioren-WG")
    one = SeniorFlatPlace.objects.create(flat=flat, label="Zimmer 1", created_on=date(2026, 10, 1))
    SeniorFlatPlace.objects.create(flat=flat, label="Zimmer 2", created_on=date(2026, 10, 1))
    SeniorFlatResidency.objects.create(place=one, client=make_client(social_worker), move_in=date(2026, 11, 1))
    figure = figures.senior_flat(organisation, Q4)
    assert figure["places"] == 2
    assert figure["goal"] == 10
    assert figure["occupied"] == 1
    assert figure["place_days"] == 184
    assert figure["occupied_days"] == 61
    assert figure["occupancy_rate"] == round(61 / 184, 4)


def test_agreements_group_offers_referrals(social_worker, organisation):
    from cases.models import Referral

    partner = Partner.objects.create(organisation=organisation, name="SpDi Hagen", kind=PartnerKind.HEALTH_OFFICE_SPDI)
    Agreement.objects.create(
        organisation=organisation,
        partner=partner,
        subject="Kooperation SpDi",
        status="signed",
        signed_on=date(2026, 11, 1),
        valid_from=date(2026, 11, 1),
    )
    Agreement.objects.create(
        organisation=organisation,
        partner=partner,
        subject="Alte Vereinbarung",
        status="signed",
        signed_on=date(2025, 1, 1),
        valid_from=date(2025, 1, 1),
        valid_until=date(2026, 12, 30),
    )
    breakfast = GroupOffer.objects.create(
        organisation=organisation, title="Frauenfrühstück", date=date(2026, 10, 7), target_group="women"
    )
    breakfast.participants.set([make_client(social_worker), make_client(social_worker)])
    GroupOffer.objects.create(
        organisation=organisation,
        title="Gesundheitssprechstunde",
        date=date(2026, 12, 31),
        target_group="seniors",
        participant_count=7,
    )
    client = make_client(social_worker)
    Referral.objects.create(
        client=client,
        partner=partner,
        referred_on=date(2026, 10, 1),
        consent_override_reason="Gefahr im Verzug",
        worker=social_worker,
    )

    assert figures.agreements(organisation, Q4) == {"total": 1, "signed": 1, "active": 1}
    group = figures.group_offers(organisation, Q4)
    assert group["total"] == 2
    assert group["participants"] == 9
    assert group["by_target_group"]["women"] == 1
    assert group["participants_by_target_group"]["seniors"] == 7
    referral = figures.referrals(organisation, Q4)
    assert referral["total"] == 1
    assert referral["by_partner_kind"]["health_office_spdi"] == 1
    assert referral["by_outcome"]["open"] == 1


def test_report_has_every_figure_and_the_period(people, organisation):
    report = figures.compute_report(organisation, Q4)
    assert report["period"] == {"year": 2026, "quarter": 4, "start": "2026-10-01", "end": "2026-12-31"}
    assert set(report) == {"period", *figures.FIGURES}
    for key, figure in report.items():
        if key != "period":
            assert "total" in figure, key


def test_another_organisation_is_left_out(people, other_organisation):
    report = figures.compute_report(other_organisation, Q4)
    assert report["persons_with_contact"]["total"] == 1
    assert report["contacts"]["total"] == 1


@pytest.mark.parametrize(
    ("quarter", "months", "expected"),
    [
        (Period.quarter_of(2026, 1), 6, (date(2025, 7, 1), date(2025, 9, 30))),
        (Period.quarter_of(2026, 2), 6, (date(2025, 10, 1), date(2025, 12, 31))),
        (Period.quarter_of(2026, 3), 6, (date(2026, 1, 1), date(2026, 3, 31))),
        (Period.quarter_of(2026, 4), 6, (date(2026, 4, 1), date(2026, 6, 30))),
        (Period.quarter_of(2026, 3), 12, (date(2025, 7, 1), date(2025, 9, 30))),
        (Period.year_to_date(2026, 3), 6, (date(2025, 7, 1), date(2026, 3, 31))),
    ],
)
def test_tenancy_cohorts_are_whole_periods(quarter, months, expected):
    # Shifting 30 September back six months must reach 31 March, not 30 March.
    assert figures.cohort_range(quarter, months) == expected


def test_a_move_in_on_the_last_day_of_march_is_in_the_third_quarters_cohort(social_worker, organisation, offer):
    household = make_client(social_worker)
    case_open(client=household, case_type=CaseType.PROVISION, actor=social_worker, opened_on=date(2026, 3, 1))
    placement = placement_propose(offer=offer, client=household, actor=social_worker, on=date(2026, 3, 2))
    placement_advance(
        placement=placement, step="moved_in", actor=social_worker, on=date(2026, 3, 31), skip_reason=SKIPPED
    )

    figure = figures.tenancy_sustained(organisation, Period.quarter_of(2026, 3))

    assert figure["by_follow_up"]["6_months"]["moved_in"] == 1
    assert figure["by_follow_up"]["6_months"]["not_answered"] == 1


def test_report_shape_lists_every_key_in_the_order_of_the_report(people, organisation):
    report = figures.compute_report(organisation, Q4)

    def keys(value):
        return [(key, keys(item)) for key, item in value.items()] if isinstance(value, dict) else None

    shuffled = {key: dict(reversed(list(value.items()))) for key, value in reversed(list(report.items()))}
    assert keys(figures.ordered_report(shuffled)) == keys(report)


def test_records_behind_a_number_are_the_ones_it_counts(people, organisation):
    assert drilldown.records(organisation, Q4, "persons_with_contact").count() == 5
    assert set(drilldown.records(organisation, Q4, "persons_with_contact", "by_gender.female")) == {
        people["a"],
        people["g"],
    }
    assert list(drilldown.records(organisation, Q4, "persons_with_contact", "by_age_band.18_24")) == [people["b"]]
    assert set(drilldown.records(organisation, Q4, "persons_with_contact", "by_target_group.none")) == {
        people["b"],
        people["f"],
        people["g"],
    }
    assert drilldown.records(organisation, Q4, "contacts", "by_type.office").count() == 2
    with pytest.raises(drilldown.NoRecords):
        drilldown.records(organisation, Q4, "senior_flat", "goal")
    with pytest.raises(drilldown.NoRecords):
        drilldown.records(organisation, Q4, "persons_with_contact", "by_gender.robot")
