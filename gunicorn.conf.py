"""Production server settings: `gunicorn hagen_zuhause.wsgi` picks this file up."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two cores: 2 × cores + 1 sync workers; override with GUNICORN_WORKERS.
workers = int(os.environ.get("GUNICORN_WORKERS", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# The access log is the app's JSON request line on stdout: request id, user and organisation ids,
# the path without its query string (searches carry names), status and duration.
accesslog = "-"
logger_class = "hagen_zuhause.logs.GunicornLogger"
# systemd starts, reloads and stops the server; no control socket in the service user's home.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Move everything loaded so far (Django, the app, translations) out of the garbage collector's way.

    Full collections otherwise walk these long-lived objects again and again and pause a request now
    and then for tens of milliseconds.
    """
    import gc

    gc.freeze()
