"""Restriction of processing (Art. 18 GDPR): a team lead restricts a client's processing with a reason and
lifts it later with a reason. While it is active every service that changes the client's file refuses
(:func:`refuse_if_processing_restricted`, which refuses an anonymised file too), the client page shows no
edit actions, and the client leaves every list except the team lead's; task and appointment lists mark
the entry and offer no action on it.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Client, ProcessingRestriction


def refuse_if_processing_restricted(client):
    """Refuse (ValidationError, German) a change to the file of a client that is read-only.

    Read-only is a file whose processing is restricted (Art. 18 GDPR) or whose person has been
    anonymised. ``client`` is a client or its id; ``None`` (a record without a client) passes.
    The client's row is locked first (as :func:`processing_restrict` does), so a restriction made in
    the same instant waits for this change or is seen by it; services call this after their own row
    locks (offer, placement, record), keeping one lock order: the record, then the client.
    """
    client_id = getattr(client, "pk", client)
    if client_id is None:
        return
    state = (
        Client.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk=client_id)
        .values_list("anonymised_at", flat=True)
        .first()
    )
    if state is not None:
        raise ValidationError(
            _("This person's data have been anonymised: the file can no longer be changed."),
            code="anonymised",
        )
    if ProcessingRestriction.objects.active().filter(client_id=client_id).exists():
        raise ValidationError(
            _(
                "The processing of this person's data is restricted (Art. 18 GDPR): the file can be read, "
                "not changed. A team lead can lift the restriction."
            ),
            code="processing_restricted",
        )


def file_is_read_only(client):
    """Whether the client's file can only be read (restricted processing or anonymised): no edit buttons."""
    return client.anonymised_at is not None or ProcessingRestriction.objects.active().filter(client=client).exists()


def _check_team_lead(actor, client, permission):
    if not (actor.is_active and actor.organisation_id == client.organisation_id and actor.has_perm(permission)):
        raise ValidationError(_("Only a team lead of the office can restrict the processing or lift the restriction."))


def _reason(reason, message):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


@transaction.atomic
def processing_restrict(*, client, actor, reason):
    """Restrict the processing of ``client``'s data from now on, with a reason."""
    _check_team_lead(actor, client, "cases.add_processingrestriction")
    reason = _reason(reason, _("Please give a reason for the restriction."))
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.anonymised_at is not None:
        raise ValidationError(_("The person's data have already been anonymised."))
    already = _("The processing of this person's data is already restricted.")
    if ProcessingRestriction.objects.active().filter(client=client).exists():
        raise ValidationError(already)
    restriction = ProcessingRestriction(client=client, reason=reason, restricted_by=actor)
    try:
        with transaction.atomic():
            restriction.save()
    except IntegrityError:
        raise ValidationError(already) from None  # sent twice at once: the partial unique constraint
    return restriction


@transaction.atomic
def processing_restriction_lift(*, client, actor, reason):
    """Lift the active restriction of ``client``, with a reason: the file can be changed again."""
    _check_team_lead(actor, client, "cases.change_processingrestriction")
    reason = _reason(reason, _("Please give a reason for lifting the restriction."))
    Client.objects.select_for_update().get(pk=client.pk)
    restriction = ProcessingRestriction.objects.active().select_for_update().filter(client=client).first()
    if restriction is None:
        raise ValidationError(_("The processing of this person's data is not restricted."))
    restriction.lifted_by = actor
    restriction.lifted_at = timezone.now()
    restriction.lift_reason = reason
    restriction.save()
    return restriction
