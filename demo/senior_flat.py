"""Demo data of the senior shared flat, called by ``seed_demo``: a flat with seven places, a few
residents and a waiting list, taken from the demo's older clients (target group ``seniors``)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Client
from hagen_zuhause.codes import TargetGroup
from hagen_zuhause.models import User
from hagen_zuhause.roles import Role
from housing.models import SeniorFlat, SeniorFlatPlace, SeniorFlatResidency, WaitingListEntry

DEMO_FLAT_NAME = "Senioren-WG Wehringhausen"
DEMO_PLACES = 7
#: Days before today of each demo move-in (and move-out, for a former resident).
DEMO_STAYS = [(420, None), (300, None), (250, 40), (180, None), (90, None), (20, None)]
DEMO_WAITING = [(75, "Pflegegrad 2, Rollator"), (30, "dringend: Notunterkunft endet"), (8, "")]


@transaction.atomic
def ensure_demo_senior_flat(organisation):
    """Create the demo flat unless the organisation has it; returns the flat.

    Residents and the waiting list are drawn from existing clients of the target group of older
    people (without a Sperrvermerk); with none, the flat is created with its places only. Running
    it twice creates nothing twice.
    """
    flat = SeniorFlat.objects.all_of_organisation(organisation).filter(name=DEMO_FLAT_NAME).first()
    if flat is not None:
        return flat
    today = timezone.localdate()
    opened = today - timedelta(days=540)
    flat = SeniorFlat.objects.create(
        organisation=organisation,
        name=DEMO_FLAT_NAME,
        address="Lange Straße 41\n58089 Hagen",
        care_provider="Ambulanter Pflegedienst Wehringhausen (Demo)",
        opened_on=opened,
        notes="Demodaten",
    )
    places = [
        SeniorFlatPlace.objects.create(flat=flat, label=f"Zimmer {number}", created_on=opened)
        for number in range(1, DEMO_PLACES + 1)
    ]
    seniors = list(
        Client.objects.all_of_organisation(organisation)
        .in_target_group(TargetGroup.SENIORS, today)
        .not_anonymised()
        .filter(restricted=False)
        .order_by("pk")[: len(DEMO_STAYS) + len(DEMO_WAITING)]
    )
    residents, waiting = seniors[: len(DEMO_STAYS)], seniors[len(DEMO_STAYS) :]
    for index, (client, (moved_in_days, moved_out_days)) in enumerate(zip(residents, DEMO_STAYS, strict=False)):
        SeniorFlatResidency.objects.create(
            place=places[index % DEMO_PLACES],
            client=client,
            move_in=today - timedelta(days=moved_in_days),
            move_out=today - timedelta(days=moved_out_days) if moved_out_days is not None else None,
        )
    worker = (
        User.objects.all_of_organisation(organisation).active().with_role(Role.SOCIAL_WORKER).order_by("pk").first()
        or User.objects.all_of_organisation(organisation).active().order_by("pk").first()
    )
    if worker is not None:
        for client, (days, note) in zip(waiting, DEMO_WAITING, strict=False):
            WaitingListEntry.objects.create(
                flat=flat, client=client, added_on=today - timedelta(days=days), note=note, added_by=worker
            )
    return flat
