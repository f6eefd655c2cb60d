from django.test import Client, override_settings
from django.urls import reverse


def test_security_headers_on_every_page(client, db):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_pages_are_not_cached(client_of, social_worker):
    response = client_of(social_worker).get(reverse("dashboard"))
    assert "no-store" in response["Cache-Control"]


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_over_https(db):
    response = Client().get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_is_http_only(client, social_worker):
    from conftest import PASSWORD

    response = client.post(reverse("login"), {"username": social_worker.username, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_healthz_needs_no_login_and_shows_no_data(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")


def test_request_id_header(client, db):
    response = client.get(reverse("login"))
    assert len(response["X-Request-ID"]) == 32


def test_no_third_party_assets_in_pages(client_of, team_lead):
    html = client_of(team_lead).get(reverse("dashboard")).content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    assert "<script>" not in html  # no inline scripts (CSP)
