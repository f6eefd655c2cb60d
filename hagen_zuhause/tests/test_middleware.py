"""Request foundations: the load balancer's probe, htmx after the session ended, the error pages."""

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from hagen_zuhause import middleware
from hagen_zuhause.views import DashboardView


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["wohnen.example.org"])
def test_the_probe_gets_200_over_plain_http_with_the_https_redirect_on(db):
    # A load balancer probes plain HTTP and names the server by its address.
    response = Client().get("/healthz", HTTP_HOST="10.20.30.40:8000")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]
    # Everything else is still redirected to HTTPS (and an unknown host refused).
    assert Client().get("/accounts/login/", HTTP_HOST="wohnen.example.org").status_code == 301


def test_the_probe_reports_a_database_that_does_not_answer(db, monkeypatch):
    class AwayDatabase:
        def cursor(self):
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(middleware, "connection", AwayDatabase())
    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


def test_an_htmx_request_after_the_session_ended_sends_the_whole_page_to_the_login(db):
    response = Client().get(
        reverse("cases:client_list"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/clients/?q=Ivanov"},
    )

    assert response.status_code == 200
    assert response.content == b""
    # The page's path comes back after the login; its query (a name) does not travel in the URL.
    assert response["HX-Redirect"] == "/accounts/login/?next=/clients/"


def test_a_plain_request_after_the_session_ended_is_redirected_as_before(db):
    response = Client().get(reverse("cases:client_list"))

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")
    assert "HX-Redirect" not in response


@pytest.fixture
def start_page_failing_with(client_of, social_worker, monkeypatch):
    """start_page_failing_with(error): the start page as the social worker gets it when it raises ``error``."""

    def get(error):
        def fail(self, **kwargs):
            raise error

        monkeypatch.setattr(DashboardView, "get_context_data", fail)
        client = client_of(social_worker)
        client.raise_request_exception = False
        return client.get("/")

    return get


def test_a_database_outage_gets_the_german_briefly_unavailable_page(start_page_failing_with):
    response = start_page_failing_with(OperationalError("could not connect to server: Connection refused"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Vorübergehend nicht erreichbar" in page
    assert "Connection refused" not in page
    assert "Traceback" not in page


def test_any_other_error_gets_the_500_page(start_page_failing_with):
    response = start_page_failing_with(ValueError("Georgi Ivanov"))

    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.content.decode()
    assert "Ivanov" not in response.content.decode()


@pytest.mark.parametrize(
    ("proxies", "sent", "taken"),
    [
        (1, "0123456789abcdef0123456789abcdef", True),  # nginx's $request_id
        (1, "Georgi Ivanov", False),  # never text of the sender's choosing
        (0, "0123456789abcdef0123456789abcdef", False),  # no proxy in front: anyone could send it
    ],
)
def test_the_request_id_of_a_trusted_proxy_is_kept(db, settings, proxies, sent, taken):
    settings.TRUSTED_PROXY_COUNT = proxies

    response = Client().get("/accounts/login/", headers={"X-Request-ID": sent})

    assert (response["X-Request-ID"] == sent) is taken
    assert len(response["X-Request-ID"]) == 32
