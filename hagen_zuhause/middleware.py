"""Request-wide foundations: request id, history context, idle timeout, no caching of pages."""

import time
import uuid

from django.utils.cache import add_never_cache_headers
from pghistory.middleware import HistoryMiddleware


class RequestIdMiddleware:
    """Gives every request an id that ties its history and access-log rows together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class SessionActivityMiddleware:
    """Keeps a signed-in session alive while it is used, writing it at most once a minute.

    The session ends after ``SESSION_IDLE_MINUTES`` without a request. Saving it on every request would
    cost every page a write to the session table; saving it when the last save is a minute old or more
    ends an idle session between 29 and 30 minutes after the last request instead (never later).
    """

    #: Seconds between two saves of a session that is only being used.
    interval = 60
    key = "_activity_saved_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.key, 0) >= self.interval:
                session[self.key] = now  # modified: SessionMiddleware saves it with a fresh expiry
        return response


class HistoryContextMiddleware(HistoryMiddleware):
    """Records who changed what: user, organisation and request id on every history event."""

    def get_context(self, request):
        user = getattr(request, "user", None)
        authenticated = bool(user and user.is_authenticated)
        return {
            "user": user.pk if authenticated else None,
            "actor": user.get_username() if authenticated else "",
            "organisation": user.organisation_id if authenticated else None,
            "request_id": getattr(request, "request_id", ""),
            "url": request.path,
        }


class NoStoreMiddleware:
    """Pages may show personal data: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
