from django.conf import settings

from hagen_zuhause.navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": items_for(user, request.path),
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
