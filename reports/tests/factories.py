"""A quarter's worth of case work, built through the real services, for the report's tests.

The report quarter is Q3 2026 (1 July – 30 September 2026): over when the tests run (they are
written in November 2026) and so finalisable. Q2 2026 is its previous quarter.
"""

from datetime import date

from cases.models import AccommodationStay, Contact, HouseholdMember, Referral
from cases.services.cases import case_close, case_open
from cases.services.clients import target_group_join
from cooperation.models import Agreement, GroupOffer, Partner, PartnerKind
from hagen_zuhause.codes import AccommodationKind, CaseType, ContactType, Gender, Outcome, ProviderType, TargetGroup
from housing.models import FollowUp, LandlordKind, SeniorFlat, SeniorFlatPlace, SeniorFlatResidency
from housing.services.placements import follow_up_answer, placement_advance, placement_propose
from reports.periods import Period
from tests.builders import SKIPPED, make_client, make_landlord, make_offer

Q3 = Period.quarter_of(2026, 3)
Q2 = Period.quarter_of(2026, 2)


def contact(client, day, kind=ContactType.OFFICE, worker=None):
    return Contact.objects.create(client=client, date=day, contact_type=kind, worker=worker or client.created_by)


def move_in(actor, client, offer, day):
    """A placement from proposal to move-in on ``day`` (with the follow-ups it schedules)."""
    placement = placement_propose(offer=offer, client=client, actor=actor, on=day)
    placement_advance(placement=placement, step="lease_signed", actor=actor, on=day, skip_reason=SKIPPED)
    return placement_advance(placement=placement, step="moved_in", actor=actor, on=day)


def make_report_data(social_worker, team_lead, admin_staff):
    """Clients, contacts, cases, placements, offers, agreements, the senior flat, group offers, referrals.

    Numbers in Q3 2026 (hand-counted): 5 persons with contact (one of them restricted, visible to the
    team lead only), 6 contacts, 3 prevention cases closed, 2 of them with the housing secured
    (4 persons), one family of three moved in, one household of the 6-month cohort held its tenancy.
    """
    organisation = social_worker.organisation
    anna = make_client(
        social_worker,
        first_name="Anna",
        last_name="Müller",
        gender=Gender.FEMALE,
        nationality="DE",
        birth_date=date(1958, 9, 30),
    )
    target_group_join(client=anna, group=TargetGroup.SENIORS, start=date(2025, 1, 1))
    contact(anna, date(2026, 7, 1))
    contact(anna, date(2026, 8, 3), ContactType.OUTREACH)

    georgi = make_client(
        social_worker,
        first_name="Георги",
        last_name="Иванов",
        gender=Gender.MALE,
        nationality="BG",
        birth_year_estimated=1990,
    )
    target_group_join(client=georgi, group=TargetGroup.EU2, start=date(2026, 2, 1))
    HouseholdMember.objects.create(
        client=georgi, relationship="partner", birth_year=1992, gender=Gender.FEMALE, nationality="BG"
    )
    HouseholdMember.objects.create(
        client=georgi, relationship="child", birth_year=2019, gender=Gender.MALE, nationality="BG"
    )
    contact(georgi, date(2026, 9, 30), ContactType.PHONE)
    contact(georgi, date(2026, 5, 12))  # previous quarter

    joerg = make_client(
        social_worker,
        first_name="Jörg",
        last_name="Weißbäcker",
        gender=Gender.MALE,
        nationality="DE",
        birth_date=date(1975, 3, 2),
    )
    contact(joerg, date(2026, 7, 15), ContactType.HOME_VISIT)
    contact(joerg, date(2026, 6, 30))  # previous quarter, last day

    elena = make_client(
        team_lead,
        first_name="Elena",
        last_name="Schutz",
        gender=Gender.FEMALE,
        nationality="RO",
        birth_date=date(2001, 4, 4),
        restricted=True,
    )
    target_group_join(client=elena, group=TargetGroup.WOMEN, start=date(2026, 6, 1))
    contact(elena, date(2026, 8, 20), ContactType.ACCOMPANIMENT, worker=team_lead)

    sam = make_client(social_worker, first_name="Sam", last_name="Öztürk", nationality="SY")
    contact(sam, date(2026, 9, 1), ContactType.OTHER)

    later = make_client(social_worker, first_name="Lena", last_name="Später", gender=Gender.FEMALE)
    contact(later, date(2026, 10, 1))  # next quarter

    # Prevention: Jörg kept his tenancy (alone), Georgi's family of three got an alternative flat.
    for client, outcome in [(joerg, Outcome.TENANCY_KEPT), (georgi, Outcome.ALTERNATIVE_FLAT)]:
        case = case_open(client=client, case_type=CaseType.PREVENTION, actor=social_worker, opened_on=date(2026, 6, 2))
        case_close(case=case, outcome=outcome, actor=social_worker, closed_on=date(2026, 9, 15))
    lost = case_open(client=sam, case_type=CaseType.PREVENTION, actor=social_worker, opened_on=date(2026, 7, 10))
    case_close(case=lost, outcome=Outcome.LOST_SHELTER, actor=social_worker, closed_on=date(2026, 9, 20))

    # Housing: offers acquired, a family moved in (Q3), a single person moved in in Q1 (6-month cohort).
    landlord = make_landlord(admin_staff, kind=LandlordKind.COOPERATIVE, name="Wohnungsgenossenschaft Hagen")
    family_flat = make_offer(admin_staff, landlord, acquired_on=date(2026, 7, 2), street="Volmestraße 12")
    make_offer(admin_staff, acquired_on=date(2026, 8, 1), street="Eilper Straße 3")
    case_open(client=georgi, case_type=CaseType.PROVISION, actor=social_worker, opened_on=date(2026, 7, 1))
    family = move_in(social_worker, georgi, family_flat, date(2026, 8, 14))

    early_flat = make_offer(admin_staff, landlord, acquired_on=date(2026, 1, 10), street="Haspe Markt 1")
    case_open(client=anna, case_type=CaseType.PROVISION, actor=social_worker, opened_on=date(2026, 1, 5))
    early = move_in(social_worker, anna, early_flat, date(2026, 3, 31))
    six_months = FollowUp.objects.get(placement=early, months=6)
    follow_up_answer(follow_up=six_months, result="held", actor=social_worker, on=date(2026, 9, 30))

    # Cooperation, senior flat, group offers, referrals.
    partner = Partner.objects.create(organisation=organisation, name="SpDi Hagen", kind=PartnerKind.HEALTH_OFFICE_SPDI)
    Agreement.objects.create(
        organisation=organisation,
        partner=partner,
        subject="Kooperation SpDi",
        status="signed",
        signed_on=date(2026, 9, 1),
        valid_from=date(2026, 9, 1),
        review_on=date(2026, 12, 1),
    )
    flat = SeniorFlat.objects.create(organisation=organisation, name="Senioren-WG Emst")
    room = SeniorFlatPlace.objects.create(flat=flat, label="Zimmer 1", created_on=date(2026, 7, 1))
    SeniorFlatPlace.objects.create(flat=flat, label="Zimmer 2", created_on=date(2026, 7, 1))
    SeniorFlatResidency.objects.create(place=room, client=anna, move_in=date(2026, 9, 1))
    breakfast = GroupOffer.objects.create(
        organisation=organisation, title="Frauenfrühstück", date=date(2026, 9, 9), target_group="women"
    )
    breakfast.participants.set([anna, elena])
    Referral.objects.create(
        client=sam,
        partner=partner,
        referred_on=date(2026, 7, 20),
        worker=social_worker,
        consent_override_reason="Gefahr im Verzug",
    )

    # Accommodation on 31 January 2026: Sam in an emergency shelter, Georgi's family in a transitional flat.
    AccommodationStay.objects.create(
        client=sam,
        kind=AccommodationKind.EMERGENCY_SHELTER,
        provider_type=ProviderType.MUNICIPAL,
        start=date(2025, 11, 3),
    )
    AccommodationStay.objects.create(
        client=georgi,
        kind=AccommodationKind.TRANSITIONAL_FLAT,
        provider_type=ProviderType.WELFARE_ORG,
        start=date(2026, 1, 31),
        end=date(2026, 8, 13),
    )
    return {
        "anna": anna,
        "georgi": georgi,
        "joerg": joerg,
        "elena": elena,
        "sam": sam,
        "family_placement": family,
        "partner": partner,
    }
