"""Reading the change history that django-pghistory's triggers write."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from pghistory.models import Events

LABELS = {
    "insert": _("created"),
    "update": _("changed"),
    "delete": _("deleted"),
    "role.add": _("role added"),
    "role.remove": _("role removed"),
}


def events_of_organisation(organisation_id):
    """All history events written in the organisation's context, newest first."""
    return Events.objects.filter(pgh_context__organisation=organisation_id).order_by("-pgh_created_at", "-pgh_slug")


def tracked_models():
    """(label, verbose name) of every model whose changes are tracked."""
    found = []
    for model in apps.get_models():
        tracked = getattr(model, "pgh_tracked_model", None)
        if tracked is not None and (tracked._meta.label, tracked._meta.verbose_name) not in found:
            found.append((tracked._meta.label, tracked._meta.verbose_name))
    return sorted(found, key=lambda item: str(item[1]))


def describe(event, users_by_id):
    """A row of the history page: who changed which record how, with before and after."""
    context = event.pgh_context or {}
    model = _model_for(event.pgh_obj_model)
    changes = []
    for field_name, (before, after) in (event.pgh_diff or {}).items():
        changes.append({"field": _field_label(model, field_name), "before": before, "after": after})
    user = users_by_id.get(context.get("user"))
    return {
        "at": event.pgh_created_at,
        "actor": str(user) if user else context.get("actor") or _("unknown"),
        "command": context.get("command", ""),
        "request_id": context.get("request_id", ""),
        "record_type": model._meta.verbose_name if model else event.pgh_obj_model,
        "record_id": event.pgh_obj_id or _record_id(event),
        "label": LABELS.get(event.pgh_label, event.pgh_label),
        "changes": changes,
    }


def _record_id(event):
    data = event.pgh_data or {}
    return data.get("user") or data.get("id") or ""


def _model_for(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_label(model, field_name):
    if model is None:
        return field_name
    try:
        return model._meta.get_field(field_name).verbose_name
    except Exception:
        return field_name
