import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from hagen_zuhause.middleware import SessionActivityMiddleware
from hagen_zuhause.models import UserSession


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_every_page_sends_anonymous_users_to_the_german_login(client, db):
    response = client.get(reverse("dashboard"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "Anmelden" in response.content.decode()


def test_login_with_correct_password_opens_the_start_page(client, social_worker):
    response = _login(client, social_worker.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_wrong_password_says_that_name_or_password_is_wrong(client, social_worker):
    response = _login(client, social_worker.username, "falsch")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Benutzername oder Passwort ist falsch." in text
    assert "Bitte Benutzername und Passwort eingeben" not in text  # it read as if the fields were empty


def test_unknown_user_gets_the_same_message_as_a_wrong_password(client, db):
    response = _login(client, "niemand", "falsch")
    assert "Benutzername oder Passwort ist falsch." in response.content.decode()


def test_empty_fields_are_named_as_missing(client, db):
    text = _login(client, "", "").content.decode()
    assert "Benutzername oder Passwort ist falsch." not in text
    assert "Dieses Feld ist zwingend erforderlich." in text


def test_five_failures_lock_the_login_for_fifteen_minutes(client, social_worker):
    for _attempt in range(5):
        _login(client, social_worker.username, "falsch")
    response = _login(client, social_worker.username, PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "gesperrt" in text
    assert "15 Minuten" in text
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_name_and_address(client, social_worker, team_lead):
    for _attempt in range(5):
        _login(client, social_worker.username, "falsch")
    # Another user from the same computer is not affected.
    assert _login(client, team_lead.username, PASSWORD).status_code == 302


def test_lockout_ends_after_the_cooloff(client, social_worker):
    from axes.models import AccessAttempt

    for _attempt in range(5):
        _login(client, social_worker.username, "falsch")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, social_worker.username, PASSWORD).status_code == 302


def test_session_ends_after_thirty_idle_minutes(client, social_worker):
    _login(client, social_worker.username, PASSWORD)
    assert client.session.get_expiry_age() == 30 * 60
    assert client.get(reverse("dashboard")).status_code == 200
    UserSession.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _idle_for(client, minutes):
    """As if the last request had been ``minutes`` ago: the session expires and was saved accordingly."""
    session = client.session
    session[SessionActivityMiddleware.key] = int(time.time()) - minutes * 60
    session.save()
    UserSession.objects.update(expire_date=timezone.now() + timedelta(minutes=30 - minutes))


def test_activity_extends_the_session(client, social_worker):
    _login(client, social_worker.username, PASSWORD)
    _idle_for(client, 29)
    client.get(reverse("dashboard"))
    assert UserSession.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


def test_the_session_is_written_at_most_once_a_minute(client, social_worker):
    _login(client, social_worker.username, PASSWORD)
    _idle_for(client, 0)
    saved = UserSession.objects.get().expire_date
    client.get(reverse("dashboard"))
    assert UserSession.objects.get().expire_date == saved  # used again within the minute: not written

    _idle_for(client, 1)
    client.get(reverse("dashboard"))
    assert UserSession.objects.get().expire_date > timezone.now() + timedelta(minutes=29, seconds=50)


def test_logout_needs_post(client_of, social_worker):
    client = client_of(social_worker)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.parametrize(
    ("password", "reason"),
    [("kurz123!", "mindestens 12 Zeichen"), ("password1234", "zu häufig verwendet")],
)
def test_weak_passwords_are_refused_in_german(password, reason):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert reason in " ".join(error.value.messages)


def test_no_composition_rules():
    validate_password("nur kleine buchstaben und leerzeichen")


def test_password_change(client_of, social_worker):
    client = client_of(social_worker)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Sommer am Hengsteysee", "new_password2": "Sommer am Hengsteysee"},
    )
    assert response.status_code == 302
    social_worker.refresh_from_db()
    assert social_worker.check_password("Sommer am Hengsteysee")
