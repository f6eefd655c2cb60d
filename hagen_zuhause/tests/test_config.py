import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hagen_zuhause.config import Config

ROOT = Path(__file__).resolve().parents[2]


def test_missing_required_value_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        Config({}).str("DJANGO_SECRET_KEY")


@pytest.mark.parametrize("value", ["maybe", "2", "ja bitte"])
def test_malformed_boolean_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        Config({"DJANGO_DEBUG": value}).bool("DJANGO_DEBUG", default=False)


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("OFF", False), ("1", True), ("no", False)])
def test_boolean_values(value, expected):
    assert Config({"X": value}).bool("X", default=None) is expected


@pytest.mark.parametrize("value", ["thirty", "-5", "3.5"])
def test_malformed_number_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SESSION_IDLE_MINUTES"):
        Config({"DJANGO_SESSION_IDLE_MINUTES": value}).int("DJANGO_SESSION_IDLE_MINUTES", default=30)


def test_list_and_database_url():
    config = Config({"HOSTS": " wohnen.hagen.de, intern.hagen.de ,", "DATABASE_URL": "postgres://app:pw@db:5432/hz"})
    assert config.list("HOSTS") == ["wohnen.hagen.de", "intern.hagen.de"]
    database = config.database("DATABASE_URL")
    assert database["NAME"] == "hz"
    assert database["HOST"] == "db"


def test_database_url_must_be_postgresql_and_error_hides_the_url():
    with pytest.raises(ImproperlyConfigured) as error:
        Config({"DATABASE_URL": "mysql://user:secret@db/app"}).database("DATABASE_URL")
    assert "PostgreSQL" in str(error.value)
    assert "secret" not in str(error.value)


def _manage(args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DEMO_PASSWORD"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="hagen_zuhause.settings",
        DJANGO_SECRET_KEY="k3Zr9-production-like-secret-Qw8vN2pL7xT4mB6yH1cF5dS0aJ9eR3uG",
        DJANGO_ALLOWED_HOSTS="wohnen.hagen.de",
        DATABASE_URL=os.environ["DATABASE_URL"],
    )
    env.update(overrides)
    return env


def test_deploy_check_is_clean_with_production_settings():
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], _production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_start_without_secret_key_fails_clearly():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _manage(["check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_requires_allowed_hosts():
    env = _production_env()
    del env["DJANGO_ALLOWED_HOSTS"]
    result = _manage(["check"], env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_the_smtp_url_of_the_reminder_emails():
    assert Config({}).email("DJANGO_EMAIL_URL") == {}
    settings = Config({"DJANGO_EMAIL_URL": "smtp://wohnen:ge%40heim@mail.hagen.example:587"}).email("DJANGO_EMAIL_URL")
    assert settings["EMAIL_HOST"] == "mail.hagen.example"
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_TLS"]) == (587, True)
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == ("wohnen", "ge@heim")
    local = Config({"DJANGO_EMAIL_URL": "smtp://127.0.0.1:25"}).email("DJANGO_EMAIL_URL")
    assert local["EMAIL_PORT"] == 25 and not local.get("EMAIL_USE_TLS")


@pytest.mark.parametrize("value", ["mail.hagen.example", "consolemail://", "smtp://"])
def test_a_malformed_smtp_url_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_EMAIL_URL"):
        Config({"DJANGO_EMAIL_URL": value}).email("DJANGO_EMAIL_URL")
