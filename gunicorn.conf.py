"""Production server settings: `gunicorn hagen_zuhause.wsgi` picks this file up."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two cores: 2 × cores + 1 sync workers; override with GUNICORN_WORKERS.
workers = int(os.environ.get("GUNICORN_WORKERS", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"
# The path without the query string: search terms (names) never reach the logs.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)ss'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Move everything loaded so far (Django, the app, translations) out of the garbage collector's way.

    Full collections otherwise walk these long-lived objects again and again and pause a request now
    and then for tens of milliseconds.
    """
    import gc

    gc.freeze()
