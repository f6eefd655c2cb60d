"""Writes of landlords, housing offers and housing searches (maintained in the app pages)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.locking import check_version, fingerprint
from housing.models import DeclineReason, HousingOffer, HousingSearch, Landlord, OfferStatus
from housing.services.placements import decline_locked

# --- Landlords ----------------------------------------------------------------------------

#: Landlord fields a person edits; their values make up the landlord's version (see landlord_version).
LANDLORD_FIELDS = (
    "kind",
    "name",
    "contact_person",
    "phone",
    "email",
    "address",
    "cooperation_status",
    "notes",
    "active",
)


def landlord_version(landlord):
    """A fingerprint of the landlord's editable values, sent with the edit form.

    Landlord has no change timestamp; comparing the fingerprint when saving tells whether someone
    else saved in between, so that two edits never silently overwrite each other.
    """
    return fingerprint(getattr(landlord, name) for name in LANDLORD_FIELDS)


@transaction.atomic
def landlord_create(*, organisation, actor, **fields):
    """Record a landlord (Vermieter*in) of the organisation."""
    landlord = Landlord(organisation=organisation, **fields)
    landlord.full_clean()
    landlord.save()
    return landlord


@transaction.atomic
def landlord_update(*, landlord, actor, version=None, **fields):
    """Change a landlord; refused when someone else saved since ``version`` was read."""
    landlord = Landlord.objects.select_for_update().get(pk=landlord.pk)
    check_version(landlord_version(landlord), version)
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
def offer_update(*, offer, actor, version=None, **fields):
    """Change an offer's data; refused when someone else saved since ``version``.

    By hand the status moves only between available and reserved, or a withdrawn offer becomes
    available again. "Let" is set by the placement pipeline alone, "withdrawn" by offer_withdraw.
    """
    offer = HousingOffer.objects.select_for_update().get(pk=offer.pk)
    check_version(offer.updated_at, version)
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
def housing_search_save(*, client, actor, version=None, **fields):
    """Create or change what a household looks for; refused when someone else saved in between."""
    search = HousingSearch.objects.select_for_update().filter(client=client).first()
    refuse_if_processing_restricted(client)
    if search is None:
        if version is not None:
            # The form was loaded for an existing search that has since been deleted.
            check_version(None, version)
        search = HousingSearch(client=client)
    else:
        check_version(search.updated_at, version)
    for name, value in fields.items():
        setattr(search, name, value)
    search.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            search.save()
    except IntegrityError:
        # Two first saves at the same moment: the other one won.
        raise ValidationError(_("Someone else saved this record while you were editing it.")) from None
    return search
