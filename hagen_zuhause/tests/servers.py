"""Running the app as operators do, from tests: its commands and gunicorn in processes of their own."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg2
from django.conf import settings

from hagen_zuhause.backups import connection_parameters
from hagen_zuhause.database import owner_role_settings

ROOT = Path(settings.BASE_DIR)


def database_url(database, name=None):
    """A DATABASE_URL for Django connection settings (TCP or a socket folder), optionally another database."""
    parameters = connection_parameters(database)
    user = quote(parameters.get("user", ""))
    password = f":{quote(parameters['password'])}" if "password" in parameters else ""
    name = name or parameters["dbname"]
    host, port = parameters.get("host", ""), parameters.get("port", "")
    if host.startswith("/"):
        return f"postgres://{user}{password}@/{name}?host={host}" + (f"&port={port}" if port else "")
    return f"postgres://{user}{password}@{host}{':' + port if port else ''}/{name}"


def connect(database, name=None):
    """A psycopg2 connection with Django connection settings, optionally to another database."""
    parameters = connection_parameters(database)
    if name:
        parameters["dbname"] = name
    return psycopg2.connect(**parameters)


def production_environment(database_url, *, owner_url=None, **extra):
    """The environment of a production installation (settings from the environment only)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="hagen_zuhause.settings",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="wohnen.example.org,127.0.0.1",
        DATABASE_URL=database_url,
        DJANGO_DB_CONN_MAX_AGE="60",
    )
    env.pop("DATABASE_OWNER_URL", None)
    if owner_url:
        env["DATABASE_OWNER_URL"] = owner_url
    env.update({key: str(value) for key, value in extra.items()})
    return env


def app_environment(name=None, **extra):
    """A production environment for the test database (or database ``name`` on the same server).

    As in production, the application connects with its own role and the owning role is named for
    what only it may do (``migrate``, ``restore``).
    """
    from django.db import connection

    name = name or connection.settings_dict["NAME"]
    return production_environment(
        database_url(connection.settings_dict, name), owner_url=database_url(owner_role_settings(), name), **extra
    )


def manage(*arguments, env, check=True, timeout=300):
    """Run ``manage.py`` in its own process; the completed process (stdout, stderr, returncode)."""
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env, *, workers=1, log_path):
    """gunicorn with the project's gunicorn.conf.py on a free loopback port; yields the base URL."""
    port = free_port()
    # Production settings but static files from the source folders: collectstatic takes half a minute.
    env = dict(
        env,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(workers),
        DJANGO_SETTINGS_MODULE="hagen_zuhause.test_settings",
        DJANGO_SECURE_SSL_REDIRECT=env.get("DJANGO_SECURE_SSL_REDIRECT", "true"),
        DJANGO_SECURE_COOKIES=env.get("DJANGO_SECURE_COOKIES", "true"),
        # Without an owner URL the test settings would swap in the test suite's own application role.
        DATABASE_OWNER_URL=env.get("DATABASE_OWNER_URL") or env["DATABASE_URL"],
    )
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "hagen_zuhause.wsgi"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("gunicorn did not start:\n" + Path(log_path).read_text()) from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, *, headers=None, data=None, method=None):
    """(status, headers, body) of one request; redirects are not followed, errors are answers too."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()
