from django.conf import settings

from hagen_zuhause.navigation import sections_for
from hagen_zuhause.notices import notices_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if getattr(request, "second_factor_step", None):
        # Before the second step nothing but that step (and logout) can be reached: no menu.
        return {"second_factor_pending": True, "session_idle_minutes": settings.SESSION_IDLE_MINUTES}
    sections = sections_for(user, request.path)
    active = next((section for section in sections if section["active"]), None)
    return {
        "nav_sections": sections,
        "nav_subitems": active["items"] if active and len(active["items"]) > 1 else [],
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
        "access_notices": notices_for(request),
    }
