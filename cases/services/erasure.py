"""Erasure on request (Art. 17 GDPR) with four eyes.

A Teamleitung requests that one client be anonymised now, with a reason; another Teamleitung of the
organisation confirms (the client is anonymised at once, history included) or refuses with a reason.
Anonymising is the same as at the end of the retention period (``cases.services.retention``): the
records as the application's role, the history through the owning role's database function, which
redacts only clients already marked anonymised.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, Client, ErasureRequest, ProcessingRestriction
from cases.services.retention import anonymise_clients_now
from hagen_zuhause import four_eyes


def _check_team_lead(actor, organisation_id, permission):
    if not (actor.is_active and actor.organisation_id == organisation_id and actor.has_perm(permission)):
        raise ValidationError(_("Only a team lead of the office can request or decide an erasure."))


def _check_erasable(client):
    if client.anonymised_at is not None:
        raise ValidationError(_("The person's data have already been anonymised."))
    if Case.objects.filter(client=client).open().exists():
        raise ValidationError(_("The person still has an open case. Please close it first."))
    if ProcessingRestriction.objects.active().filter(client=client).exists():
        raise ValidationError(
            _("The processing of this person's data is restricted. Please lift the restriction first.")
        )


@transaction.atomic
def erasure_request(*, client, actor, reason):
    """A Teamleitung asks that ``client`` be anonymised now; a second Teamleitung decides."""
    _check_team_lead(actor, client.organisation_id, "cases.add_erasurerequest")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for the erasure.")})
    client = Client.objects.select_for_update().get(pk=client.pk)
    _check_erasable(client)
    request = ErasureRequest(organisation_id=client.organisation_id, client=client, reason=reason, requested_by=actor)
    return four_eyes.open_request(
        request,
        pending=ErasureRequest.objects.pending().filter(client=client),
        already=_("An erasure of this person is already requested."),
    )


def _locked_pending(request):
    """The request and its client, both locked (the client first, as every erasure step locks it)."""
    Client.objects.select_for_update().get(pk=request.client_id)
    request = ErasureRequest.objects.select_for_update().select_related("client").get(pk=request.pk)
    four_eyes.check_pending(request)
    return request


def _check_decides(actor, request):
    _check_team_lead(actor, request.organisation_id, "cases.decide_erasurerequest")
    four_eyes.check_not_requester(actor, request)


@transaction.atomic
def erasure_confirm(*, request, actor):
    """A second Teamleitung confirms: the client is anonymised now, the history forgets them too.

    Returns the request and the counts of what was anonymised (never a name).
    """
    request = _locked_pending(request)
    _check_decides(actor, request)
    _check_erasable(request.client)
    result = anonymise_clients_now(ids=[request.client_id])
    four_eyes.close(request, state=ErasureRequest.State.CONFIRMED, actor=actor)
    return request, result


@transaction.atomic
def erasure_refuse(*, request, actor, reason):
    """A second Teamleitung refuses, with a reason the requester reads; nothing is anonymised."""
    request = _locked_pending(request)
    _check_decides(actor, request)
    return four_eyes.close(
        request, state=ErasureRequest.State.REFUSED, actor=actor, reason=four_eyes.refusal_reason(reason)
    )


@transaction.atomic
def erasure_withdraw(*, request, actor):
    """The requester takes a pending request back."""
    request = _locked_pending(request)
    if actor.pk != request.requested_by_id:
        raise ValidationError(_("Only the person who made the request can withdraw it."))
    return four_eyes.close(request, state=ErasureRequest.State.WITHDRAWN, actor=actor)
