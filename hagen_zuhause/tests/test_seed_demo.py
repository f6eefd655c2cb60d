import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from hagen_zuhause.models import Organisation, User
from hagen_zuhause.roles import Role


def _can_log_in(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.url == reverse("dashboard")


def test_creates_the_demo_organisation_and_one_user_per_role(db, monkeypatch, capsys, client):
    monkeypatch.setenv("DEMO_PASSWORD", "ein sicheres Demopasswort")
    call_command("seed_demo")
    organisation = Organisation.objects.get()
    assert organisation.name == "Stadt Hagen – Zentrale Fachstelle Wohnen"
    roles = {user.username: user.role for user in User.objects.all()}
    assert roles == {
        "sozialarbeit": Role.SOCIAL_WORKER,
        "teamleitung": Role.TEAM_LEAD,
        "verwaltung": Role.ADMINISTRATION,
    }
    assert _can_log_in(client, "teamleitung", "ein sicheres Demopasswort")
    assert "ein sicheres Demopasswort" not in capsys.readouterr().out


def test_generated_passwords_are_printed_once_and_work(db, monkeypatch, capsys, client):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo")
    lines = [line.split() for line in capsys.readouterr().out.splitlines() if "password:" in line]
    assert len(lines) == 3
    username, password = lines[0][lines[0].index("user:") + 1], lines[0][-1]
    assert _can_log_in(client, username, password)
    call_command("seed_demo")
    assert "password:" not in capsys.readouterr().out
    assert User.objects.count() == 3


def test_first_run_does_nothing_when_data_exists(organisation, capsys):
    call_command("seed_demo", "--first-run")
    assert not User.objects.exists()


@override_settings(DEMO_DATA_ALLOWED=False)
def test_refuses_on_production_unless_asked(db):
    with pytest.raises(CommandError, match="DJANGO_DEMO_DATA"):
        call_command("seed_demo")
    call_command("seed_demo", "--allow-production")
    assert User.objects.count() == 3
