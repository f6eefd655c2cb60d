"""Opening, closing and reopening cases."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services.casework import lock_client
from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.codes import OUTCOMES_BY_CASE_TYPE
from hagen_zuhause.locking import lock_for_edit


@transaction.atomic
def case_open(*, client, case_type, actor, opened_on=None, **fields):
    """Open a case of the given type; a client has at most one open case of each type."""
    refuse_if_processing_restricted(client)
    case = Case(client=client, case_type=case_type, opened_on=opened_on or timezone.localdate(), opened_by=actor)
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ValidationError(_("The person already has an open case of this kind.")) from None
    return case


@transaction.atomic
def case_close(*, case, outcome, actor, closed_on=None):
    """Close a case with an outcome that fits its type."""
    refuse_if_processing_restricted(case.client_id)
    # The client first, then the case: the waiting list's trigger locks the client when the case
    # changes, and erasure locks the client before its cases (one order, no deadlock).
    lock_client(case.client)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.closed_on is not None:
        raise ValidationError(_("This case is already closed."))
    if outcome not in OUTCOMES_BY_CASE_TYPE[case.case_type]:
        raise ValidationError(_("This outcome does not fit the kind of case."))
    closed_on = closed_on or timezone.localdate()
    if closed_on < case.opened_on:
        raise ValidationError(_("A case cannot be closed before it was opened."))
    case.closed_on, case.outcome, case.closed_by = closed_on, outcome, actor
    case.save(update_fields=["closed_on", "outcome", "closed_by"])
    return case


@transaction.atomic
def case_reopen(*, case, actor):
    """Reopen a closed case (e.g. closed by mistake); refused while another case of its type is open."""
    refuse_if_processing_restricted(case.client_id)
    lock_client(case.client)  # the client first, as in case_close
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.closed_on is None:
        raise ValidationError(_("This case is open."))
    case.closed_on, case.outcome, case.closed_by = None, "", None
    try:
        with transaction.atomic():
            case.save(update_fields=["closed_on", "outcome", "closed_by"])
    except IntegrityError:
        raise ValidationError(_("The person already has an open case of this kind.")) from None
    return case


@transaction.atomic
def case_update(*, case, actor, version=""):
    """Correct a case's intake data (kind, dates, housing situation); refused after a concurrent change."""
    refuse_if_processing_restricted(case.client_id)
    lock_for_edit(case, version)
    if case.closed_on is not None and case.closed_on < case.opened_on:
        raise ValidationError(_("A case cannot be closed before it was opened."))
    case.full_clean()
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ValidationError(_("The person already has an open case of this kind.")) from None
    return case
