"""Demo landlords, housing offers and placements at any size (seed_demo).

One offer per five demo clients and one placement per twenty, spread over the pipeline so that the
board, the matching and the report have realistic work: most placements declined or still in an early
step, a fifth moved in with their follow-ups. Three in five households on the waiting list have a
recorded housing search (district wishes, barrier-free need, floor, rooms, WBS), which the matching
weighs. Written with bulk inserts; for large runs without change-history rows, like the client demo data.
"""

import random
from contextlib import nullcontext
from datetime import timedelta
from decimal import Decimal

import pgtrigger
from django.db import transaction

from cases.models import Case, Client, TargetGroupMembership
from hagen_zuhause.codes import CaseType, YesNoUnknown
from hagen_zuhause.dates import add_months
from hagen_zuhause.models import User
from housing.models import (
    DeclineReason,
    District,
    FollowUp,
    FollowUpResult,
    HousingOffer,
    HousingSearch,
    Landlord,
    LandlordKind,
    OfferStatus,
    Placement,
    PlacementStep,
    PlacementStepRecord,
)
from housing.services.placements import FOLLOW_UP_MONTHS

# Made-up names: demo data must not look like records of real companies.
LANDLORDS = [
    ("Städtische Wohnungsgesellschaft (Demo)", LandlordKind.MUNICIPAL),
    ("Volmetal Wohnen (Demo)", LandlordKind.MUNICIPAL),
    ("Wohnungsgenossenschaft Lennetal eG (Demo)", LandlordKind.COOPERATIVE),
    ("Bauverein Ruhrhöhen eG (Demo)", LandlordKind.COOPERATIVE),
    ("Westfalen Wohnbau GmbH (Demo)", LandlordKind.COMPANY),
    ("Rhein-Ruhr Immobilien AG (Demo)", LandlordKind.COMPANY),
]
STREETS = [
    "Elberfelder Straße",
    "Bahnhofstraße",
    "Eilper Straße",
    "Enneper Straße",
    "Kirchstraße",
    "Lange Straße",
    "Wehringhauser Straße",
    "Boeler Straße",
    "Altenhagener Straße",
    "Schwerter Straße",
]
PRIVATE_NAMES = ["Becker", "Schulte", "Yılmaz", "Nowak", "Hoffmann", "Kaya", "Wagner", "Krüger"]
TRACKED = [Landlord, HousingOffer, Placement, PlacementStepRecord, FollowUp, HousingSearch]


def _history_triggers():
    return [
        f"{model._meta.label}:{trigger.name}"
        for model in TRACKED
        for trigger in getattr(model._meta, "triggers", [])
        if trigger.name == "insert_insert"
    ]


def seed_housing(*, organisation, seed, today, clients, without_history):
    """Create demo landlords, ``clients // 5`` offers, ``clients // 20`` placements and the housing searches of
    the waiting households; returns counts."""
    rng = random.Random(f"housing-{seed}")
    workers = list(User.objects.filter(organisation=organisation, is_active=True).order_by("pk"))
    if not workers or clients < 5:
        return {"landlords": 0, "offers": 0, "placements": 0, "searches": 0}
    triggers = _history_triggers() if without_history else []
    with transaction.atomic(), pgtrigger.ignore(*triggers) if triggers else nullcontext():
        landlords = _landlords(organisation, rng, max(8, clients // 2000))
        offers = _offers(organisation, rng, today, landlords, workers, clients // 5)
        placements = _placements(organisation, rng, today, offers, workers, clients // 20)
        # A generator of its own: the offers and placements of a seed stay what they were before.
        searches = housing_searches(organisation, random.Random(f"housing-searches-{seed}"), today)
    return {"landlords": len(landlords), "offers": len(offers), "placements": placements, "searches": searches}


def _landlords(organisation, rng, count):
    rows = [Landlord(organisation=organisation, name=name, kind=kind, cooperation_status="cooperating")
            for name, kind in LANDLORDS]  # fmt: skip
    for number in range(max(0, count - len(rows))):
        rows.append(
            Landlord(
                organisation=organisation,
                name=f"{rng.choice(PRIVATE_NAMES)} ({number + 1})",
                kind=LandlordKind.PRIVATE,
                cooperation_status=rng.choice(["none", "in_contact", "cooperating"]),
            )
        )
    return Landlord.objects.bulk_create(rows, batch_size=2000)


def _offers(organisation, rng, today, landlords, workers, count):
    districts = [code for code, _name in District.objects.of_organisation(organisation).choices()]
    if not districts:
        return []
    rows = []
    for _number in range(count):
        rooms = rng.choice([1, 1.5, 2, 2, 2.5, 3, 3, 4, 5])
        space = Decimal(str(round(22 + rooms * rng.uniform(14, 22), 1)))
        acquired = today - timedelta(days=rng.randint(0, 720))
        rows.append(
            HousingOffer(
                organisation=organisation,
                landlord=rng.choice(landlords),
                street=f"{rng.choice(STREETS)} {rng.randint(1, 180)}",
                postcode=rng.choice(["58089", "58095", "58097", "58099", "58119", "58135"]),
                district=rng.choice(districts),
                living_space=space,
                rooms=Decimal(str(rooms)),
                floor=rng.randint(0, 5),
                lift=rng.choice(["yes", "no", "no", "unknown"]),
                barrier_free=rng.choice(["yes", "no", "no", "no", "unknown"]),
                cold_rent=(space * Decimal(str(round(rng.uniform(5.6, 8.4), 2)))).quantize(Decimal("0.01")),
                service_costs=(space * Decimal("1.90")).quantize(Decimal("0.01")),
                heating_costs=(space * Decimal("1.20")).quantize(Decimal("0.01")),
                wbs_required=rng.choice(["no", "no", "yes", "unknown"]),
                available_from=acquired + timedelta(days=rng.randint(0, 60)),
                acquired_by=rng.choice(workers),
                acquired_on=acquired,
                status=OfferStatus.AVAILABLE,
            )
        )
    return HousingOffer.objects.bulk_create(rows, batch_size=5000)


def _placements(organisation, rng, today, offers, workers, count):
    """Placements on distinct offers for distinct households with open provision cases where possible."""
    households = list(
        Case.objects.filter(client__organisation=organisation, case_type=CaseType.PROVISION, closed_on__isnull=True)
        .order_by("client_id")
        .values_list("client_id", flat=True)
        .distinct()[: count * 2]
    )
    if len(households) < count:
        households += list(
            Client.objects.filter(organisation=organisation)
            .exclude(pk__in=households)
            .values_list("pk", flat=True)[: count - len(households)]
        )
    rng.shuffle(households)
    chosen_offers = rng.sample(offers, min(count, len(offers)))
    steps = [
        (PlacementStep.DECLINED, 40),
        (PlacementStep.PROPOSED, 15),
        (PlacementStep.VIEWING, 10),
        (PlacementStep.LANDLORD_ACCEPTED, 5),
        (PlacementStep.LEASE_SIGNED, 5),
        (PlacementStep.MOVED_IN, 25),
    ]
    population = [step for step, weight in steps for _ in range(weight)]
    placements, records, let_offers = [], [], []
    for offer, client_id in zip(chosen_offers, households, strict=False):
        step = rng.choice(population)
        proposed = max(offer.acquired_on, today - timedelta(days=700)) + timedelta(days=rng.randint(0, 20))
        proposed = min(proposed, today)
        placement = Placement(
            organisation=organisation,
            offer=offer,
            client_id=client_id,
            step=step,
            proposed_on=proposed,
            step_changed_on=proposed,
            household_size=rng.choice([1, 1, 1, 2, 3, 4, 5]),
            proposed_by=rng.choice(workers),
        )
        day, reached = proposed, PlacementStep.PROPOSED
        for pipeline_step in (PlacementStep.VIEWING, PlacementStep.LANDLORD_ACCEPTED, PlacementStep.LEASE_SIGNED,
                              PlacementStep.MOVED_IN):  # fmt: skip
            if step == PlacementStep.DECLINED or _order(pipeline_step) > _order(step):
                break
            next_day = day + timedelta(days=rng.randint(3, 21))
            if next_day > today:  # proposed lately: it has not got that far yet
                break
            day, reached = next_day, pipeline_step
            setattr(placement, f"{pipeline_step.value}_on", day)
        if step != PlacementStep.DECLINED:
            placement.step = step = reached
        placement.step_changed_on = day
        if step == PlacementStep.DECLINED:
            placement.declined_on = min(today, proposed + timedelta(days=rng.randint(3, 30)))
            placement.step_changed_on = placement.declined_on
            placement.decline_reason = rng.choice([DeclineReason.CLIENT_DECLINED, DeclineReason.LANDLORD_DECLINED])
        if step in (PlacementStep.LEASE_SIGNED, PlacementStep.MOVED_IN):
            offer.status, offer.let_on = OfferStatus.LET, placement.lease_signed_on
            let_offers.append(offer)
        placements.append(placement)
    Placement.objects.bulk_create(placements, batch_size=5000)
    HousingOffer.objects.bulk_update(let_offers, ["status", "let_on"], batch_size=5000)
    follow_ups = []
    for placement in placements:
        records.append(
            PlacementStepRecord(
                placement=placement, step=placement.step, on=placement.step_changed_on, actor=placement.proposed_by
            )
        )
        if placement.step == PlacementStep.MOVED_IN:
            for months in FOLLOW_UP_MONTHS:
                due = add_months(placement.moved_in_on, months)
                answered = due <= today and rng.random() < 0.85
                result = rng.choice([FollowUpResult.HELD] * 8 + [FollowUpResult.LOST, FollowUpResult.UNKNOWN])
                follow_ups.append(
                    FollowUp(
                        placement=placement,
                        months=months,
                        due_on=due,
                        result=result if answered else "",
                        answered_on=due if answered else None,
                        answered_by=placement.proposed_by if answered else None,
                    )
                )
    PlacementStepRecord.objects.bulk_create(records, batch_size=5000)
    FollowUp.objects.bulk_create(follow_ups, batch_size=5000)
    return len(placements)


def housing_searches(organisation, rng, today):
    """Housing searches for three in five households on the waiting list that have none yet; returns how many.

    As a social worker records them at intake: about half name one or two districts, older people more
    often need a barrier-free flat or a low floor, some families name a least number of rooms, a third have
    a WBS (certificate of eligibility for social housing).
    """
    districts = [code for code, _name in District.objects.of_organisation(organisation).choices()]
    waiting = (
        Client.objects.filter(organisation=organisation, waiting_since__isnull=False, housing_search__isnull=True)
        .order_by("pk")
        .values_list("pk", "household_size")
    )
    seniors = set(
        TargetGroupMembership.objects.current(today)
        .filter(client__organisation=organisation, group="seniors")
        .values_list("client_id", flat=True)
    )
    rows = []
    for client_id, household_size in waiting:
        # Chosen by the client's number, not drawn: a household left without one stays so in a later run.
        if client_id % 5 >= 3:
            continue
        senior = client_id in seniors
        wished = rng.choice([0, 0, 1, 1, 2]) if districts else 0
        rows.append(
            HousingSearch(
                client_id=client_id,
                districts=sorted(rng.sample(districts, min(wished, len(districts)))),
                barrier_free_needed=rng.choices(
                    [YesNoUnknown.YES, YesNoUnknown.NO, YesNoUnknown.UNKNOWN], [4, 3, 3] if senior else [1, 6, 3]
                )[0],
                max_floor_without_lift=rng.choice([0, 1, 1, 2, None] if senior else [None] * 6 + [1, 2, 3]),
                min_rooms=Decimal(household_size - 1) if household_size >= 3 and rng.random() < 0.3 else None,
                wbs_available=rng.choices([YesNoUnknown.YES, YesNoUnknown.NO, YesNoUnknown.UNKNOWN], [35, 20, 45])[0],
            )
        )
    HousingSearch.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _order(step):
    return [PlacementStep.PROPOSED, PlacementStep.VIEWING, PlacementStep.LANDLORD_ACCEPTED, PlacementStep.LEASE_SIGNED,
            PlacementStep.MOVED_IN].index(step)  # fmt: skip
