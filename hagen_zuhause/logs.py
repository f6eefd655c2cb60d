"""Log lines as JSON, one object per line, that name requests by id and never a person.

Every line carries the request id of the request it belongs to (the ``X-Request-ID`` header of the
response), so that an operator can follow one request through the app's and gunicorn's lines and
find its history and access-log rows. A request line holds the method, the path *without* the query
string (searches carry names), the status, the duration and the ids of the user and the
organisation — never a name, a query string, a form value or the token of a calendar subscription. An
exception is logged with its type and its stack, not its message: a database error's message may quote
the values of a row.
"""

import contextvars
import json
import logging
import re
import traceback
from datetime import UTC, datetime

from gunicorn.glogging import Logger as GunicornBaseLogger

#: The id of the request being served in this thread, for every line logged while it runs.
request_id_var = contextvars.ContextVar("request_id", default="")
#: (user id, organisation id) of the signed-in user of that request, once known.
request_user_var = contextvars.ContextVar("request_user", default=(None, None))

# Keys of the WSGI environ (Django's request.META) through which the app hands its ids to gunicorn.
ENVIRON_REQUEST_ID = "hagen_zuhause.request_id"
ENVIRON_USER_ID = "hagen_zuhause.user_id"
ENVIRON_ORGANISATION_ID = "hagen_zuhause.organisation_id"

#: Fields a request line may carry, in this order.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "user_id", "organisation_id", "request_id")


#: Paths that carry a secret (the calendar subscription's token): written without it.
_SECRET_IN_PATH = re.compile(r"(/calendar/feed/)[^/\s]+(\.ics)")


def without_secrets(text):
    """``text`` (a path, or a message quoting one) with the secret part of such paths blanked out."""
    return _SECRET_IN_PATH.sub(r"\1***\2", text)


def request_line(environ, status, duration_seconds):
    """The fields of one request line, from the WSGI environ (the app's and gunicorn's lines alike)."""
    return {
        "method": environ.get("REQUEST_METHOD", ""),
        # PATH_INFO never holds the query string.
        "path": without_secrets(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")),
        "status": int(status),
        "duration_ms": round(duration_seconds * 1000, 1),
        "user_id": environ.get(ENVIRON_USER_ID),
        "organisation_id": environ.get(ENVIRON_ORGANISATION_ID),
        "request_id": environ.get(ENVIRON_REQUEST_ID, ""),
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id and the request fields."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": without_secrets(record.getMessage()),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        user_id, organisation_id = request_user_var.get()
        if user_id is not None:
            line.update(user_id=user_id, organisation_id=organisation_id)
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        request = getattr(record, "request", None)  # django.request passes the request along
        if request is not None:
            line["path"] = without_secrets(getattr(request, "path", ""))
            line["method"] = getattr(request, "method", "")
        if record.exc_info and record.exc_info[0] is not None:
            error_type, _error, stack = record.exc_info
            line["exception"] = error_type.__qualname__
            line["stack"] = "".join(traceback.format_tb(stack))
        return json.dumps(line, ensure_ascii=False, default=str)


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's access log as the app's request line, its error log as JSON lines too."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())
        for handler in self.access_log.handlers:
            handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": "request",
            **request_line(environ, status, request_time.total_seconds()),
        }
        self.access_log.info(json.dumps(line, ensure_ascii=False))
