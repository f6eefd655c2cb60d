"""Request-wide foundations: request id, history context, no caching of pages."""

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
