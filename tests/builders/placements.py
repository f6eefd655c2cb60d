"""Building placement and senior-flat state for tests, through the real services."""

from datetime import date

from cases.services.cases import case_open
from hagen_zuhause.codes import CaseType, TargetGroup
from housing.models import PIPELINE, SeniorFlat, SeniorFlatPlace
from housing.services import placements as services
from tests.builders.clients import make_client
from tests.builders.offers import make_offer

#: The reason given when a test jumps over placement steps (they are recorded as skipped).
SKIPPED = "Direkt über die Wohnungsgesellschaft vermittelt"


def make_seeker(actor, *, opened_on=date(2023, 1, 10), **fields):
    """A client with an open provision case (a household looking for a flat)."""
    client = make_client(actor, **fields)
    case_open(client=client, case_type=CaseType.PROVISION, actor=actor, opened_on=opened_on)
    return client


def make_senior(actor, **fields):
    """A client of the target group of older people."""
    fields.setdefault("birth_date", date(1954, 3, 2))
    return make_client(actor, target_groups=[TargetGroup.SENIORS], target_groups_from=date(2025, 1, 1), **fields)


def make_placement(actor, *, offer=None, client=None, step="proposed", on=None, close_case=True):
    """A placement proposed and advanced step by step up to ``step`` (all on ``on``, default today)."""
    offer = offer or make_offer(actor)
    client = client or make_seeker(actor)
    placement = services.placement_propose(offer=offer, client=client, actor=actor, on=on)
    for next_step in PIPELINE[1 : PIPELINE.index(step) + 1]:
        placement = services.placement_advance(
            placement=placement, step=next_step, actor=actor, on=on, close_case=close_case
        )
    return placement


def make_flat(organisation, *, places=3, name="Senioren-WG Wehringhausen", created_on=date(2025, 1, 1)):
    """A senior shared flat with numbered places (what Verwaltung creates in the admin)."""
    flat = SeniorFlat.objects.create(organisation=organisation, name=name, care_provider="Pflegedienst Volme")
    for number in range(1, places + 1):
        SeniorFlatPlace.objects.create(flat=flat, label=f"Zimmer {number}", created_on=created_on)
    return flat
