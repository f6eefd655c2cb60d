"""Writing the access log and giving commands a history actor."""

import contextlib

import pghistory

from hagen_zuhause.models import AccessLog

SYSTEM_ACTOR = "system"


def log_access(request, action, obj=None, *, detail="", object_type="", object_id=""):
    """Record that the requesting user viewed, downloaded or exported something.

    ``obj`` is the record looked at (its type and id are stored, never its content);
    ``detail`` describes an export ("Quartalsbericht 2026/4, PDF") and must not contain
    personal data.
    """
    user = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AccessLog.objects.create(
        organisation_id=user.organisation_id,
        user=user,
        actor=user.get_username(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        request_id=getattr(request, "request_id", ""),
    )


def log_system_access(organisation, action, *, detail="", object_type="", object_id=""):
    """Record an export or read made by a management command."""
    return AccessLog.objects.create(
        organisation=organisation,
        user=None,
        actor=SYSTEM_ACTOR,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


@contextlib.contextmanager
def system_context(command, organisation=None):
    """History context for changes made by a management command: the actor is ``system``."""
    with pghistory.context(
        user=None,
        actor=SYSTEM_ACTOR,
        command=command,
        organisation=organisation.pk if organisation is not None else None,
    ):
        yield
