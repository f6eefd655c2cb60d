from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Client, Task
from cases.services.cases import case_close
from hagen_zuhause.audit import log_system_access, system_context
from hagen_zuhause.codes import CaseType, Outcome
from hagen_zuhause.models import AccessLog
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from tests.builders import make_case, make_client, make_contact, make_notice, make_task


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


def _add_rows(organisation, start, stop, worker=None):
    """Users (history rows in the organisation's context) and access-log rows; case work of ``worker``."""
    with system_context("test", organisation):
        for number in range(start, stop):
            user_create(organisation=organisation, username=f"user{number}", role=Role.SOCIAL_WORKER, password=None)
            log_system_access(organisation, AccessLog.Action.EXPORT, detail=f"Export {number}")
            if worker is not None:
                client = make_client(worker, last_name=f"Klient{number}")
                make_case(client, worker)
                make_task(client, worker, due_on=timezone.localdate() - timedelta(days=number % 5))
                make_contact(client, worker, note=f"Kontakt {number}")


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
        (team_lead, reverse("audit:history") + "?record_type=hagen_zuhause.User&since=2020-01-01"),
    ]
    _add_rows(organisation, 0, 1, worker=team_lead)
    few = [_queries(client_of(user), url) for user, url in pages]
    _add_rows(organisation, 1, 50, worker=team_lead)
    many = [_queries(client_of(user), url) for user, url in pages]
    # Pages with history rows (the team lead's start page, the change history) read one query per kind of
    # record the rows name (users, clients, cases, …), never one per row: the newest changes after one
    # set of rows name more kinds than those after fifty sets.
    assert (many[1], many[2], many[4]) == (few[1], few[2], few[4])
    assert many[0] <= few[0] and many[3] <= few[3]
    assert max(few) <= 25


# --- Case work on the start page ----------------------------------------------------------


def test_dashboard_shows_my_clients_with_open_cases_latest_first(client_of, social_worker, team_lead):
    today = timezone.localdate()
    older = make_client(social_worker, first_name="Anna", last_name="Älter")
    make_case(older, social_worker, opened_on=today - timedelta(days=30))
    newer = make_client(social_worker, first_name="Boris", last_name="Neuer")
    make_case(newer, social_worker, opened_on=today - timedelta(days=2))
    closed = make_client(social_worker, first_name="Carla", last_name="Abgeschlossen")
    case_close(case=make_case(closed, social_worker), outcome=Outcome.TENANCY_KEPT, actor=social_worker)
    not_mine = make_client(team_lead, first_name="Dora", last_name="Fremd")
    make_case(not_mine, team_lead, case_type=CaseType.PROVISION)

    text = client_of(social_worker).get("/").content.decode()

    assert "Meine Klient*innen" in text
    assert text.index("Boris Neuer") < text.index("Anna Älter")
    assert "Carla Abgeschlossen" not in text
    assert "Dora Fremd" not in text


def test_dashboard_clients_match_the_rule_with_ties_second_cases_and_restricted_records(
    client_of, social_worker, team_lead
):
    """My clients with an open case, by their latest open case, then the newer record first; at most ten."""
    today = timezone.localdate()
    day = [today - timedelta(days=number) for number in range(20)]
    clients = []
    for number in range(12):
        client = make_client(social_worker, first_name="Person", last_name=f"Gleichstand{number:02d}")
        make_case(client, social_worker, opened_on=day[5 + number % 3])  # three dates shared by four each
        clients.append(client)
    both = make_client(social_worker, first_name="Zwei", last_name="Fälle")
    make_case(both, social_worker, opened_on=day[9])
    make_case(both, social_worker, case_type=CaseType.PROVISION, opened_on=day[1])
    reopened = make_client(social_worker, first_name="Neu", last_name="Geschlossen")
    make_case(reopened, social_worker, opened_on=day[8])
    newer_closed = make_case(reopened, social_worker, case_type=CaseType.PROVISION, opened_on=day[0])
    case_close(case=newer_closed, outcome=Outcome.PLACED_OWN_TENANCY, actor=social_worker)
    protected = make_client(social_worker, first_name="Gesch", last_name="Ützt", restricted=True)
    make_case(protected, social_worker, opened_on=day[2])
    not_mine = make_client(team_lead, first_name="Nicht", last_name="Meins", restricted=True)
    make_case(not_mine, team_lead, opened_on=day[0])
    clients += [both, reopened, protected, not_mine]

    def latest_open(client):
        days = [case.opened_on for case in client.cases.all() if case.closed_on is None]
        return max(days) if days else None

    mine = [client for client in clients if social_worker in client.assigned_workers.all() and latest_open(client)]
    expected = sorted(mine, key=lambda client: (latest_open(client), client.pk), reverse=True)[:10]

    shown = client_of(social_worker).get("/").context["my_clients"]

    assert [(client.pk, client.latest_case) for client in shown] == [
        (client.pk, latest_open(client)) for client in expected
    ]
    assert shown[0] == both and shown[0].latest_case == day[1]


def test_dashboard_lists_at_most_ten_clients(client_of, social_worker):
    for number in range(12):
        make_case(make_client(social_worker, first_name="Person", last_name=f"Nummer{number:02d}"), social_worker)
    text = client_of(social_worker).get("/").content.decode()
    assert text.count("Person Nummer") == 10


def test_dashboard_shows_my_due_and_overdue_tasks_in_german_dates(client_of, social_worker, team_lead):
    today = timezone.localdate()
    client = make_client(social_worker, first_name="Emil", last_name="Fristen")
    make_task(client, social_worker, title="Überfälliger Rückruf", due_on=today - timedelta(days=2))
    make_task(client, social_worker, title="Heute Jobcenter", due_on=today)
    make_task(client, social_worker, title="Nächsten Monat", due_on=today + timedelta(days=30))
    make_task(client, team_lead, title="Aufgabe der Teamleitung", due_on=today)

    text = client_of(social_worker).get("/").content.decode()

    assert "Meine Wiedervorlagen" in text
    assert text.index("Überfälliger Rückruf") < text.index("Heute Jobcenter")
    assert (today - timedelta(days=2)).strftime("%d.%m.%Y") in text
    assert "überfällig" in text
    assert "Nächsten Monat" not in text
    assert "Aufgabe der Teamleitung" not in text


def test_dashboard_shows_my_latest_contacts(client_of, social_worker, team_lead):
    client = make_client(social_worker, first_name="Fatma", last_name="Kontakt")
    make_contact(client, social_worker, note="Mein Beratungsgespräch")
    make_contact(client, team_lead, note="Gespräch der Teamleitung")

    text = client_of(social_worker).get("/").content.decode()

    assert "Meine letzten Kontakte" in text
    assert "Mein Beratungsgespräch" in text
    assert "Gespräch der Teamleitung" not in text


def _deadline_warnings(text):
    start = text.index("<h1")
    return text[start : text.index('<div class="row g-4">')]


def test_start_page_warns_of_my_clients_legal_deadlines_within_a_week_and_loudly_once_passed(
    client_of, social_worker, team_lead, outsider
):
    today = timezone.localdate()
    mine = make_client(social_worker, first_name="Ayşe", last_name="Fristgerecht")
    # A colleague holds the task, the client is mine: the warning reaches me too.
    hearing = make_notice(mine, team_lead, hearing_on=today + timedelta(days=3))
    Task.objects.filter(notice=hearing).update(assignee=team_lead)
    make_notice(mine, social_worker, eviction_on=today + timedelta(days=8), received_on=today - timedelta(days=1))
    make_task(mine, social_worker, title="Rückruf", due_on=today - timedelta(days=1))
    theirs = make_client(team_lead, first_name="Otto", last_name="Fremdfrist")
    make_notice(theirs, team_lead, hearing_on=today + timedelta(days=1))
    make_notice(make_client(outsider), outsider, hearing_on=today)

    warnings = _deadline_warnings(client_of(social_worker).get("/").content.decode())
    assert "Gesetzliche Fristen in den nächsten 7 Tagen" in warnings
    assert "Gerichtstermin</strong>" in warnings and "(in 3 Tagen)" in warnings
    assert "Ayşe Fristgerecht" in warnings
    assert "Räumungstermin" not in warnings  # eight days ahead
    assert "Fremdfrist" not in warnings
    assert 'role="alert"' not in warnings

    make_notice(mine, social_worker, hearing_on=today - timedelta(days=1), received_on=today)
    warnings = _deadline_warnings(client_of(social_worker).get("/").content.decode())
    assert 'role="alert"' in warnings
    assert "Frist abgelaufen" in warnings and "(seit 1 Tag abgelaufen)" in warnings
    assert warnings.index("Frist abgelaufen") < warnings.index("in den nächsten 7 Tagen")

    lead = _deadline_warnings(client_of(team_lead).get("/").content.decode())
    assert "Otto Fremdfrist" in lead and "(morgen)" in lead
    assert "Ayşe Fristgerecht" in lead  # the team lead holds that hearing's task


def test_a_restricted_clients_deadline_is_not_shown_to_a_worker_who_may_not_see_the_client(
    client_of, social_worker, team_lead
):
    protected = make_client(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
    notice = make_notice(protected, team_lead, hearing_on=timezone.localdate() + timedelta(days=2))
    # The task is the worker's (assigned before the Sperrvermerk), the client is not visible to them.
    Task.objects.filter(notice=notice).update(assignee=social_worker)

    assert "Elena Schutz" not in _deadline_warnings(client_of(social_worker).get("/").content.decode())
    assert "Elena Schutz" in _deadline_warnings(client_of(team_lead).get("/").content.decode())


def test_verwaltung_sees_no_case_work_on_the_start_page(client_of, admin_staff, social_worker):
    make_task(make_client(social_worker), social_worker, title="Geheime Wiedervorlage")
    text = client_of(admin_staff).get("/").content.decode()
    assert "Meine Wiedervorlagen" not in text
    assert "Geheime Wiedervorlage" not in text


def test_social_worker_dashboard_queries_do_not_grow(client_of, social_worker, organisation):
    web = client_of(social_worker)
    _add_rows(organisation, 0, 1, worker=social_worker)
    few = _queries(web, "/")
    _add_rows(organisation, 1, 50, worker=social_worker)
    for number, client in enumerate(Client.objects.filter(last_name__startswith="Klient")[:20]):
        make_notice(client, social_worker, hearing_on=timezone.localdate() + timedelta(days=number - 10))
    assert _queries(web, "/") == few
    assert few <= 15
