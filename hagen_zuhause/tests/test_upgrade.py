"""Upgrades: a database of an earlier version, with data, migrates to the newest without loss."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import Client, Contact
from hagen_zuhause.database import owner_connection, secure_database
from hagen_zuhause.functions import NameKey
from hagen_zuhause.models import JobRun
from tests.builders import make_case, make_client, make_contact

#: An earlier version: case work before the name sort key and the contact indexes, no job runs yet.
EARLIER = [("cases", "0002_clients_and_case_work"), ("hagen_zuhause", "0004_history_context_statistics")]


def _migrate(targets, *, newest=False):
    """Migrate as ``migrate`` does: as the owning role; at the newest, the application's role is granted."""
    with owner_connection() as owner:
        executor = MigrationExecutor(owner)
        executor.migrate(targets)
        if newest:
            secure_database()
        executor.loader.build_graph()
        return executor.loader.project_state(targets).apps


def _newest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_database_of_an_earlier_version_migrates_to_the_newest_without_loss(social_worker, team_lead):
    ivanov = make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    make_case(ivanov, social_worker, opened_on=date(2026, 3, 2))
    make_contact(ivanov, social_worker, day=date(2026, 3, 3), note="Erstgespräch")
    old_apps = _migrate(EARLIER)
    try:
        # Written by the earlier version: a client and a contact through its own models.
        OldClient = old_apps.get_model("cases", "Client")
        OldContact = old_apps.get_model("cases", "Contact")
        assert list(OldClient.objects.values_list("last_name", flat=True)) == ["Ivanov"]
        template = OldClient.objects.values().get()
        template.update(id=None, first_name="Ștefan", last_name="Ălbu", case_number=template["case_number"] + "9")
        popescu = OldClient.objects.create(**template)
        OldContact.objects.create(
            client_id=popescu.pk, date=date(2026, 3, 4), contact_type="outreach", worker_id=social_worker.pk
        )
        assert "hagen_zuhause_jobrun" not in connection.introspection.table_names()
    finally:
        _migrate(_newest(), newest=True)

    assert sorted(Client.objects.values_list("last_name", flat=True)) == ["Ivanov", "Ălbu"]
    assert Contact.objects.count() == 2
    assert Contact.objects.get(client__last_name="Ivanov").note == "Erstgespräch"
    # What the newer migrations brought works on the old rows: the German sort key, the job runs.
    listed = Client.objects.visible_to(team_lead).order_by(NameKey("last_name"), NameKey("first_name"))
    assert [client.last_name for client in listed] == ["Ălbu", "Ivanov"]  # Ă sorts with A, not after Z
    JobRun.objects.create(job="backup")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname IN ('client_org_sort_key', 'jobrun_job_started')"
        )
        assert sorted(row[0] for row in cursor.fetchall()) == ["client_org_sort_key", "jobrun_job_started"]
