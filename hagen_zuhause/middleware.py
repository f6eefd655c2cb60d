"""Request-wide foundations: health probe, request id, history context, idle timeout, no caching of pages."""

import logging
import re
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django_htmx.http import HttpResponseClientRedirect
from pghistory.middleware import HistoryMiddleware

from hagen_zuhause import logs

HEALTH_PATH = "/healthz"
REQUEST_ID_SHAPE = re.compile(r"[0-9a-f]{32}")


def health_response():
    """200 "ok" when the database answers, else 503; plain text, no data, never cached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        response = HttpResponse("ok\n", content_type="text/plain")
    except Exception:
        response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answers the load balancer's probe before anything else looks at the request.

    A probe speaks plain HTTP and names the server by its address: the HTTPS redirect, the host check
    (``ALLOWED_HOSTS``) and the session would answer it with a redirect or a 400 instead of the
    health of this server.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)


class RequestIdMiddleware:
    """Gives every request an id that ties its history, access-log and log lines together.

    It also writes the request line of the JSON log (``hagen_zuhause.logs``): under gunicorn the
    access log is that line, so the app only hands it the ids through the WSGI environ.
    """

    logger = logging.getLogger("hagen_zuhause.request")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id = self._proxy_request_id(request) or uuid.uuid4().hex
        request.META[logs.ENVIRON_REQUEST_ID] = request.request_id
        token = logs.request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            self._note_user(request)
            if not request.META.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
                line = logs.request_line(request.META, response.status_code, time.monotonic() - started)
                self.logger.info("request", extra=line)
            return response
        finally:
            logs.request_id_var.reset(token)
            logs.request_user_var.set((None, None))

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Signed in by now: every line logged while the view runs names user and organisation.
        self._note_user(request)

    @staticmethod
    def _proxy_request_id(request):
        """The id nginx gave the request (the same in its log), when a trusted proxy is in front.

        Only an id of the app's own shape is taken: a client must not write text into the history.
        """
        if not settings.TRUSTED_PROXY_COUNT:
            return None
        candidate = request.headers.get("X-Request-ID", "")
        return candidate if REQUEST_ID_SHAPE.fullmatch(candidate) else None

    @staticmethod
    def _note_user(request):
        user = getattr(request, "user", None)
        try:
            authenticated = user is not None and user.is_authenticated
        except DatabaseError:  # the database went away during the request: the line has no user
            return
        if authenticated:
            request.META[logs.ENVIRON_USER_ID] = user.pk
            request.META[logs.ENVIRON_ORGANISATION_ID] = user.organisation_id
            logs.request_user_var.set((user.pk, user.organisation_id))


class HtmxLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Sends the whole page to the login when an htmx request finds the session ended.

    A plain redirect would be followed by htmx inside the fragment and put a login form into a table
    cell; ``HX-Redirect`` makes the browser load the login page instead, returning to the page
    afterwards (its path only: a query string may hold a search for a name).
    """

    def handle_no_permission(self, request, view_func):
        if request.headers.get("HX-Request") != "true":
            return super().handle_no_permission(request, view_func)
        page = urlsplit(request.headers.get("HX-Current-URL", "")).path
        next_path = page if page.startswith("/") and not page.startswith("//") else "/"
        login = redirect_to_login(next_path, self.get_login_url(view_func), self.get_redirect_field_name(view_func))
        return HttpResponseClientRedirect(login.url)


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
