"""Building cooperation state for tests through the real services: partners, agreements, group
offers, and move-ins with a partner's landlord (for the flat quota)."""

import itertools
from datetime import date

from cooperation import services
from cooperation.models import AgreementStatus, PartnerKind
from housing.models import PlacementStep
from housing.services.placements import placement_advance, placement_propose
from tests.builders import PDF_BYTES, SKIPPED, make_client, make_landlord, make_offer, upload

_numbers = itertools.count(1)


def make_partner(actor, **fields):
    """A partner of the actor's organisation, as the team lead or Verwaltung records it."""
    fields.setdefault("name", f"Beratungsstelle {next(_numbers)}")
    fields.setdefault("kind", PartnerKind.WELFARE_ORG)
    return services.partner_create(organisation=actor.organisation, actor=actor, **fields)


def make_agreement(team_lead, partner=None, **fields):
    """A signed agreement in force since the start of last year, unless told otherwise."""
    partner = partner or make_partner(team_lead)
    fields.setdefault("subject", f"Wohnungskontingent {next(_numbers)}")
    fields.setdefault("status", AgreementStatus.SIGNED)
    if fields["status"] != AgreementStatus.NEGOTIATING:
        start = date(date.today().year - 1, 1, 1)
        fields.setdefault("signed_on", start)
        fields.setdefault("valid_from", start)
    return services.agreement_create(organisation=team_lead.organisation, actor=team_lead, partner=partner, **fields)


def make_document(team_lead, agreement, name="vereinbarung.pdf", content=PDF_BYTES):
    return services.agreement_document_upload(
        agreement=agreement, uploaded_file=upload(name, content), description="Unterschriebene Fassung", actor=team_lead
    )


def make_group_offer(actor, **fields):
    fields.setdefault("title", f"Frauenfrühstück {next(_numbers)}")
    fields.setdefault("date", date.today())
    fields.setdefault("target_group", "women")
    if not fields.get("participants"):
        fields.setdefault("participant_count", 6)
    return services.group_offer_create(organisation=actor.organisation, actor=actor, **fields)


def linked_landlord(partner, actor):
    """A landlord linked to the partner (its placements count for the partner's agreements)."""
    landlord = make_landlord(actor)
    partner.landlords.add(landlord)
    return landlord


def move_in(actor, landlord, on, step=PlacementStep.MOVED_IN):
    """A household placed in a new flat of the landlord: proposed and moved in (or signed) on ``on``."""
    offer = make_offer(actor, landlord)
    placement = placement_propose(offer=offer, client=make_client(actor), actor=actor, on=on)
    return placement_advance(placement=placement, step=step, actor=actor, on=on, skip_reason=SKIPPED)
