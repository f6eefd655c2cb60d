"""Who sees which client and which of a client's records, checked against the rule in plain Python.

The querysets write the rule row by row (a join to the client and an EXISTS on its assignment) so
that PostgreSQL can stop after the rows a page shows. These tests build clients of every kind
(restricted or not, assigned to this worker, to a colleague, to both or to no one, of another office)
with records of each kind, and compare ``visible_to`` with the rule as the README states it.
"""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from cases.models import AccommodationStay, Case, Client, Contact, Notice, Task
from cases.services.clients import client_create
from hagen_zuhause.models import User
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from tests.builders import make_case, make_contact, make_notice, make_stay, make_task


def client_visible(user, client):
    """The rule in words: own organisation, role may read client files, a restricted client only for
    its assigned workers and the team lead."""
    if not user.is_authenticated or user.organisation_id is None:
        return False
    if not user.has_perm("cases.view_client") or client.organisation_id != user.organisation_id:
        return False
    if user.has_perm("cases.view_restricted_client") or not client.restricted:
        return True
    return client.assigned_workers.filter(pk=user.pk).exists()


def record_visible(user, record, organisation_id):
    """A record of a client: the user's organisation and the model's view permission, then the client's
    visibility (the team lead, who sees every client of the office, skips that check)."""
    opts = record._meta
    if not user.is_authenticated or user.organisation_id is None:
        return False
    if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or organisation_id != user.organisation_id:
        return False
    if user.has_perm("cases.view_restricted_client") or record.client_id is None:
        return True
    return client_visible(user, record.client)


@pytest.fixture
def colleague(organisation):
    return user_create(
        organisation=organisation, username="k.kollege", role=Role.SOCIAL_WORKER, password=None, last_name="Kollege"
    )


@pytest.fixture
def task_reader(organisation):
    """An account that may read tasks but not client files (no such role today; the rule must hold anyway)."""
    user = User.objects.create_user(username="nur.aufgaben", password=None, organisation=organisation)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="cases", codename="view_task"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def world(social_worker, colleague, team_lead, outsider):
    """Clients of every kind, each with a case, a contact, a task, a notice and a stay."""
    kinds = {
        "ordinary, mine": (False, [social_worker]),
        "ordinary, colleague's": (False, [colleague]),
        "ordinary, no one's": (False, []),
        "restricted, mine": (True, [social_worker]),
        "restricted, colleague's": (True, [colleague]),
        "restricted, both": (True, [social_worker, colleague]),
        "restricted, team lead's": (True, [team_lead]),
        "restricted, no one's": (True, []),
    }
    clients = []
    for name, (restricted, workers) in kinds.items():
        client = client_create(
            organisation=social_worker.organisation,
            actor=team_lead,
            last_name=name,
            restricted=restricted,
            assigned_workers=workers,
        )
        if not workers:
            client.assigned_workers.clear()
        clients.append(client)
    for restricted in (False, True):
        clients.append(
            client_create(
                organisation=outsider.organisation,
                actor=outsider,
                last_name=f"other office, {'restricted' if restricted else 'ordinary'}",
                restricted=restricted,
            )
        )
    for client in clients:
        actor = team_lead if client.organisation_id == team_lead.organisation_id else outsider
        make_case(client, actor)
        make_contact(client, actor, note=f"Kontakt {client.last_name}")
        make_task(client, actor)
        make_notice(client, actor)
        make_stay(client, actor, start=date(2026, 1, 1))
    # Tasks without a client, and one of this office about another office's client (never valid data,
    # but the client's office is part of the rule and must stay so).
    Task.objects.create(
        organisation=team_lead.organisation, title="Teamsitzung", due_on=date(2026, 1, 5), assignee=team_lead
    )
    Task.objects.create(organisation=outsider.organisation, title="Fremd", due_on=date(2026, 1, 5), assignee=outsider)
    Task.objects.create(
        organisation=team_lead.organisation,
        client=clients[-2],
        title="Falsch verknüpft",
        due_on=date(2026, 1, 5),
        assignee=team_lead,
    )
    return clients


@pytest.fixture
def users(social_worker, colleague, team_lead, admin_staff, outsider, task_reader, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", "x" * 16)
    return [social_worker, colleague, team_lead, admin_staff, outsider, task_reader, superuser, AnonymousUser()]


def test_clients_are_visible_exactly_by_the_rule(world, users):
    for user in users:
        expected = {client.pk for client in Client.objects.all() if client_visible(user, client)}
        assert set(Client.objects.visible_to(user).values_list("pk", flat=True)) == expected, user


@pytest.mark.parametrize("model", [Case, Contact, Notice, AccommodationStay, Task])
def test_records_of_clients_are_visible_exactly_by_the_rule(world, users, model):
    for user in users:
        expected = {
            record.pk
            for record in model.objects.select_related("client")
            if record_visible(user, record, record.organisation_id if model is Task else record.client.organisation_id)
        }
        assert set(model.objects.visible_to(user).values_list("pk", flat=True)) == expected, (model, user)


def test_the_rule_leaves_the_worker_something_to_see_and_something_hidden(world, social_worker):
    """Guards the tests above against a world in which every answer is trivially "all" or "nothing"."""
    names = set(Client.objects.visible_to(social_worker).values_list("last_name", flat=True))
    assert names == {
        "ordinary, mine",
        "ordinary, colleague's",
        "ordinary, no one's",
        "restricted, mine",
        "restricted, both",
    }
    titles = set(Task.objects.visible_to(social_worker).values_list("title", flat=True))
    assert "Teamsitzung" in titles
    assert "Falsch verknüpft" not in titles
    assert Task.objects.visible_to(social_worker).count() == 6


def test_a_role_without_client_files_sees_only_tasks_without_a_client(world, task_reader):
    assert list(Task.objects.visible_to(task_reader).values_list("title", flat=True)) == ["Teamsitzung"]
    assert not Contact.objects.visible_to(task_reader).exists()
