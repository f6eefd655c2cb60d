"""Requests a second person decides (four eyes): a role or reset that a team lead confirms
(``AccessChange``), an erasure that a second team lead confirms (``cases.ErasureRequest``).

Such a request has a ``state`` (``State``: pending, confirmed, refused, withdrawn), ``requested_by``,
``decided_by``, ``decided_at``, ``decision_reason`` and ``is_pending``. Nobody decides a request they
made; a refusal gives the requester a reason. The services check and close the request here; the views
carry out a step here and show it with ``includes/four_eyes_decision.html``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from hagen_zuhause.editing import refused

# --- Services ---------------------------------------------------------------------------------


def open_request(record, *, pending, already):
    """Save the new request ``record`` unless one like it is ``pending`` (a queryset): then refuse with ``already``.

    Two requests sent at once meet the partial unique constraint on pending requests: the second is
    refused with the same words.
    """
    if pending.exists():
        raise ValidationError(already)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError(already) from None
    return record


def check_pending(record):
    """Refuse a step on a request that has been decided meanwhile (the caller holds its row lock)."""
    if not record.is_pending:
        raise ValidationError(_("This request has already been decided."))


def check_not_requester(actor, record):
    """Four eyes: the person who made the request does not decide it."""
    if actor.pk == record.requested_by_id:
        raise ValidationError(_("You cannot decide about a request you made yourself."))


def refusal_reason(reason):
    """The reason of a refusal, which the requester reads: required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason for the refusal.")})
    return reason


def close(record, *, state, actor, reason=""):
    """Record the step that ends the request: its new state, who took it and when, why it was refused."""
    record.state = state
    record.decided_by = actor
    record.decided_at = timezone.now()
    record.decision_reason = reason
    record.save()
    return record


# --- Views ------------------------------------------------------------------------------------


def may_decide(user, record, permission):
    """Whether ``user`` is offered to confirm or refuse: a pending request they did not make."""
    return record.is_pending and user.has_perm(permission) and user.pk != record.requested_by_id


def step(request, record, carry_out, success_message):
    """Carry out a step of the request (``carry_out()`` calls the service) and go back to the request."""
    try:
        carry_out()
    except ValidationError as error:
        return refused(request, error, record.get_absolute_url())
    messages.success(request, success_message)
    return redirect(record.get_absolute_url())


def refusal_step(request, record, form, refuse, *, detail):
    """Refuse with the reason of ``form`` (a bound ``ReasonForm``): ``refuse(reason)`` calls the service.

    Without a reason the request's page (``detail(request, pk, refuse_form=form)``) shows the form's error.
    """
    if not form.is_valid():
        return detail(request, record.pk, refuse_form=form)
    return step(
        request,
        record,
        lambda: refuse(form.cleaned_data["reason"]),
        _("Refused. The requester sees your reason."),
    )
