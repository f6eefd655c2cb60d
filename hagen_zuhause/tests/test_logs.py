"""Logs: one JSON object per line with the request id and ids of user and organisation, never a name."""

import io
import json
import logging

import pytest
from django.test import Client

from hagen_zuhause.logs import JsonFormatter
from hagen_zuhause.tests.servers import app_environment, fetch, gunicorn
from tests.builders import make_client

NAME_SEARCH = "/clients/?q=Georgi+Ivanov"


@pytest.fixture
def log_lines():
    """Every line the app logs during the test, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    root.removeHandler(handler)


def test_a_request_is_one_json_line_with_ids_and_without_its_query_string(client_of, social_worker, log_lines):
    make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    client = client_of(social_worker)

    response = client.get(NAME_SEARCH)
    missing = client.get("/clients/999999/?q=Ivanov")

    assert response.status_code == 200
    assert missing.status_code == 404
    lines = [json.loads(line) for line in log_lines()]
    requests = [line for line in lines if line["logger"] == "hagen_zuhause.request"]
    assert [(line["path"], line["status"]) for line in requests] == [("/clients/", 200), ("/clients/999999/", 404)]
    first = requests[0]
    assert first["request_id"] == response["X-Request-ID"]
    assert (first["user_id"], first["organisation_id"]) == (social_worker.pk, social_worker.organisation_id)
    assert first["method"] == "GET"
    assert first["duration_ms"] >= 0
    for line in log_lines():
        assert "Georgi" not in line
        assert "Ivanov" not in line


def test_an_error_is_logged_with_its_type_and_stack_but_not_its_message(
    client_of, social_worker, log_lines, monkeypatch
):
    from hagen_zuhause.views import DashboardView

    person = make_client(social_worker, first_name="Georgi", last_name="Ivanov")

    def fail(self, **kwargs):
        # A database error's message may quote a row, like this one.
        raise ValueError(f"{person.first_name} {person.last_name}")

    monkeypatch.setattr(DashboardView, "get_context_data", fail)
    client = client_of(social_worker)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    errors = [json.loads(line) for line in log_lines() if '"ERROR"' in line]
    assert errors
    assert errors[0]["exception"] == "ValueError"
    assert "get_context_data" in errors[0]["stack"] or "fail" in errors[0]["stack"]
    assert errors[0]["request_id"] == response["X-Request-ID"]
    assert (errors[0]["user_id"], errors[0]["organisation_id"]) == (social_worker.pk, social_worker.organisation_id)
    assert not any("Ivanov" in line for line in log_lines())


@pytest.mark.django_db(transaction=True)
def test_gunicorns_access_log_has_the_same_shape_and_no_name(social_worker, tmp_path):
    browser = Client()
    browser.force_login(social_worker)
    session = browser.cookies["sessionid"].value
    env = app_environment(DJANGO_BEHIND_TLS_PROXY="true")
    log = tmp_path / "gunicorn.log"

    with gunicorn(env, log_path=log) as base:
        headers = {"Host": "wohnen.example.org", "X-Forwarded-Proto": "https", "Cookie": f"sessionid={session}"}
        status, response_headers, _body = fetch(base + NAME_SEARCH, headers=headers)
        probe_status, _headers, probe = fetch(base + "/healthz", headers={"Host": "10.1.2.3"})

    assert status == 200
    assert (probe_status, probe) == (200, "ok\n")  # plain HTTP, an address as host, HTTPS redirect on
    lines = log.read_text().splitlines()
    assert not any("Georgi" in line or "Ivanov" in line for line in lines)
    access = [json.loads(line) for line in lines if '"gunicorn.access"' in line]
    search = next(line for line in access if line["path"] == "/clients/")
    assert search["request_id"] == response_headers["X-Request-ID"]
    assert (search["user_id"], search["organisation_id"], search["status"]) == (
        social_worker.pk,
        social_worker.organisation_id,
        200,
    )
    assert set(search) >= {"time", "level", "method", "duration_ms"}
    # The app does not log the request a second time when gunicorn does.
    assert not any('"hagen_zuhause.request"' in line for line in lines)
    for line in lines:  # every line is one JSON object
        json.loads(line)
