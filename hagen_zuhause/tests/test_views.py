from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hagen_zuhause.audit import log_system_access, system_context
from hagen_zuhause.models import AccessLog
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create


def test_navigation_shows_each_role_what_it_may_use(client_of, social_worker, team_lead, admin_staff):
    audit = reverse("audit:history")
    admin = reverse("admin:index")
    social = client_of(social_worker).get("/").content.decode()
    lead = client_of(team_lead).get("/").content.decode()
    office = client_of(admin_staff).get("/").content.decode()
    assert f'href="{audit}"' not in social
    assert f'href="{admin}"' not in social
    assert f'href="{audit}"' in lead
    assert f'href="{admin}"' in office
    assert f'href="{audit}"' not in office


def test_organisation_is_always_visible(client_of, social_worker):
    assert "Stadt Hagen – Zentrale Fachstelle Wohnen" in client_of(social_worker).get("/").content.decode()


def test_dashboard_shows_colleagues_with_roles(client_of, social_worker, team_lead, outsider):
    text = client_of(social_worker).get("/").content.decode()
    assert "Thomas Lehmann" in text
    assert "Teamleitung" in text
    assert "Olaf Dortmund" not in text


def test_dashboard_for_administration_lists_locked_accounts(client, client_of, admin_staff, social_worker):
    for _attempt in range(5):
        client.post(reverse("login"), {"username": social_worker.username, "password": "falsch"})
    text = client_of(admin_staff).get("/").content.decode()
    assert "s.albers" in text


def _add_rows(organisation, start, stop):
    """Users (history rows in the organisation's context) and access-log rows."""
    with system_context("test", organisation):
        for number in range(start, stop):
            user_create(organisation=organisation, username=f"user{number}", role=Role.SOCIAL_WORKER, password=None)
            log_system_access(organisation, AccessLog.Action.EXPORT, detail=f"Export {number}")


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_rows(client_of, team_lead, admin_staff, organisation):
    pages = [
        (team_lead, "/"),
        (admin_staff, "/"),
        (team_lead, reverse("audit:access")),
        (team_lead, reverse("audit:history")),
    ]
    _add_rows(organisation, 0, 1)
    few = [_queries(client_of(user), url) for user, url in pages]
    _add_rows(organisation, 1, 50)
    many = [_queries(client_of(user), url) for user, url in pages]
    assert many == few
    assert max(many) <= 15
