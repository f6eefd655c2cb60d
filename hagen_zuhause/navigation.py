"""The main navigation: each role sees only what it may use."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

#: (label, URL name, required permission or None). Apps add their entries here.
MAIN_NAVIGATION = [
    (_("Start"), "dashboard", None),
    (_("Audit log"), "audit:history", "hagen_zuhause.view_audit"),
]


def items_for(user, current_path):
    items = []
    for label, url_name, permission in MAIN_NAVIGATION:
        if permission and not user.has_perm(permission):
            continue
        url = reverse(url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    if user.is_staff:
        items.append({"label": _("Administration"), "url": reverse("admin:index"), "active": False})
    return items
