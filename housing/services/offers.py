"""Writes of landlords, housing offers and housing searches (maintained in the app pages).

Edits carry the version of the record the form showed (``hagen_zuhause.locking``): a save over a
newer state is refused instead of silently overwriting someone else's changes.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.locking import check_version, lock_for_edit, record_version, stale_error
from housing.models import DeclineReason, HousingOffer, HousingSearch, Landlord, OfferStatus
from housing.services.placements import decline_locked

# --- Landlords ----------------------------------------------------------------------------


@transaction.atomic
def landlord_create(*, organisation, actor, **fields):
    """Record a landlord (Vermieter*in) of the organisation."""
    landlord = Landlord(organisation=organisation, **fields)
    landlord.full_clean()
    landlord.save()
    return landlord


@transaction.atomic
def landlord_update(*, landlord, actor, version="", **fields):
    """Change a landlord; refused when someone else saved since ``version`` was read."""
    landlord = lock_for_edit(landlord, version)
    for name, value in fields.items():
        setattr(landlord, name, value)
    landlord.full_clean()
    landlord.save()
    return landlord


# --- Offers -------------------------------------------------------------------------------


@transaction.atomic
def offer_create(*, organisation, actor, acquired_by=None, **fields):
    """Record a flat offered to the office; acquired by the actor (or a colleague) today unless told otherwise."""
    offer = HousingOffer(organisation=organisation, acquired_by=acquired_by or actor, **fields)
    offer.acquired_on = offer.acquired_on or timezone.localdate()
    _check_offer(offer)
    offer.full_clean()
    offer.save()
    return offer


@transaction.atomic
def offer_update(*, offer, actor, version="", **fields):
    """Change an offer's data; refused when someone else saved since ``version``.

    By hand the status moves only between available and reserved, or a withdrawn offer becomes
    available again. "Let" is set by the placement pipeline alone, "withdrawn" by offer_withdraw.
    """
    offer = lock_for_edit(offer, version)
    new_status = fields.pop("status", offer.status)
    if new_status != offer.status:
        if offer.status == OfferStatus.LET:
            raise ValidationError(_("The flat is let; its status no longer changes."))
        if new_status == OfferStatus.LET:
            raise ValidationError(_("A flat is let through its placement (lease signed), not by hand."))
        if new_status == OfferStatus.WITHDRAWN:
            raise ValidationError(_("Use “Withdraw offer” to withdraw it; open placements are then declined."))
        if offer.status == OfferStatus.WITHDRAWN:
            offer.withdrawn_on = None
        offer.status = new_status
    for name, value in fields.items():
        setattr(offer, name, value)
    _check_offer(offer)
    offer.full_clean()
    offer.save()
    return offer


@transaction.atomic
def offer_withdraw(*, offer, actor, on=None):
    """Withdraw an offer; its active placements are declined with that reason."""
    # Lock order as in the placement services: the offer, then its placements.
    offer = HousingOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status == OfferStatus.LET:
        raise ValidationError(_("A let flat cannot be withdrawn."))
    on = on or timezone.localdate()
    offer.status, offer.withdrawn_on = OfferStatus.WITHDRAWN, on
    offer.save(update_fields=["status", "withdrawn_on", "updated_at"])
    for placement in offer.placements.active().select_for_update():
        decline_locked(placement, DeclineReason.OFFER_WITHDRAWN, actor, on, "")
    return offer


def _check_offer(offer):
    """Rules of an offer's data that the form cannot see: same organisation, no letting by hand."""
    if offer.landlord.organisation_id != offer.organisation_id:
        raise ValidationError(_("The landlord belongs to another organisation."))
    if offer.acquired_by.organisation_id != offer.organisation_id:
        raise ValidationError(_("The person who acquired the flat belongs to another organisation."))
    if offer._state.adding and offer.status not in (OfferStatus.AVAILABLE, OfferStatus.RESERVED):
        raise ValidationError(_("A new offer is available or reserved."))


# --- Housing searches ---------------------------------------------------------------------


@transaction.atomic
def housing_search_save(*, client, actor, version="", **fields):
    """Create or change what a household looks for; refused when someone else saved in between."""
    search = HousingSearch.objects.select_for_update().filter(client=client).first()
    refuse_if_processing_restricted(client)
    if search is None:
        # A version means the form was loaded for an existing search that has since been deleted.
        check_version(None, version)
        search = HousingSearch(client=client)
    else:
        check_version(record_version(search), version)
    for name, value in fields.items():
        setattr(search, name, value)
    search.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            search.save()
    except IntegrityError:
        # Two first saves at the same moment: the other one won.
        raise stale_error() from None
    return search
