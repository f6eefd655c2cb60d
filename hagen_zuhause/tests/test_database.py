"""Least privilege in the database: what the application's role may never do, whatever the code does.

The test suite connects as the application's role (conftest.py), as production does; the owning role
created and migrated the test database.
"""

import pghistory
import pytest
from django.db import DatabaseError, connection, transaction
from pghistory.models import Context

from hagen_zuhause.audit import log_system_access
from hagen_zuhause.database import audit_tables, owner_connection
from hagen_zuhause.models import AccessLog, Organisation
from tests.builders import make_client


def _refused(sql, params=None):
    """True when the database refuses the statement (privilege or trigger); nothing changes."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


def _current_user():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, usesuper FROM pg_user WHERE usename = current_user")
        return cursor.fetchone()


@pytest.fixture
def evidence(social_worker):
    """A client with history, an access-log row: every audit table the app writes has a row to attack."""
    with pghistory.context(user=social_worker.pk, organisation=social_worker.organisation_id):
        person = make_client(social_worker, last_name="Beweis")
    log_system_access(social_worker.organisation, AccessLog.Action.VIEW, object_type="cases.client", object_id="1")
    return person


def test_the_tests_run_as_a_role_that_is_no_superuser_and_owns_nothing(db):
    _role, superuser = _current_user()
    assert not superuser
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False, False)


def test_audit_tables_are_the_access_log_the_history_and_the_snapshots(db):
    tables = audit_tables()
    assert {"hagen_zuhause_accesslog", "pghistory_context", "reports_reportsnapshot"} <= set(tables)
    assert "cases_clientevent" in tables and "cases_contactevent" in tables
    assert "cases_client" not in tables


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE {table}",
        "UPDATE {table} SET {column} = {column}",
        "DELETE FROM {table}",
        "ALTER TABLE {table} DISABLE TRIGGER ALL",
        "ALTER TABLE {table} ADD COLUMN hz_attack integer",
        "DROP TABLE {table}",
    ],
)
def test_the_application_role_cannot_rewrite_or_empty_any_audit_table(evidence, statement):
    for table in audit_tables():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM " + connection.ops.quote_name(table))
            before = cursor.fetchone()[0]
        column = "pgh_id" if table.endswith("event") else "id"
        sql = statement.format(table=connection.ops.quote_name(table), column=column)
        assert _refused(sql), sql
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM " + connection.ops.quote_name(table))
            assert cursor.fetchone()[0] == before, sql


def test_the_application_role_cannot_truncate_or_alter_the_data_tables_either(evidence):
    assert _refused("TRUNCATE cases_client CASCADE")
    assert _refused("ALTER TABLE cases_client DISABLE TRIGGER ALL")
    assert _refused("CREATE TABLE hz_attack (id integer)")
    assert _refused("CREATE OR REPLACE FUNCTION _pgh_attach_context() RETURNS uuid AS 'SELECT NULL::uuid' LANGUAGE sql")


def test_the_application_role_cannot_switch_history_triggers_off(evidence, social_worker):
    from cases.models import Client

    trigger = next(t for t in Client._meta.triggers if t.name == "update_update")
    ignore = "{" + trigger.get_pgid(Client) + "}"
    with pytest.raises(DatabaseError, match="Eigentümerrolle"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [ignore])
        cursor.execute("UPDATE cases_client SET last_name = 'Ohne Verlauf' WHERE id = %s", [evidence.pk])
    evidence.refresh_from_db()
    assert evidence.last_name == "Beweis"


def test_the_access_log_refuses_changes_even_with_its_trigger_named(evidence):
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{pgtrigger_append_only_00000}', false)")
    try:
        assert _refused("UPDATE hagen_zuhause_accesslog SET actor = 'jemand'")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET pgtrigger.ignore")
    assert not AccessLog.objects.filter(actor="jemand").exists()


def test_history_context_rows_cannot_be_changed_or_deleted_directly(evidence):
    context = Context.objects.order_by("-created_at").first()
    assert context is not None
    assert _refused("UPDATE pghistory_context SET metadata = '{}'::jsonb WHERE id = %s", [context.pk])
    assert _refused("DELETE FROM pghistory_context WHERE id = %s", [context.pk])
    assert Context.objects.get(pk=context.pk).metadata == context.metadata


def test_history_triggers_may_add_to_a_context_but_not_change_who_acted(social_worker, team_lead):
    from cases.models import Client

    with transaction.atomic():
        with pghistory.context(user=social_worker.pk, organisation=None):
            person = make_client(social_worker, last_name="Kontext")
            with pghistory.context(organisation=social_worker.organisation_id):
                # A nested context names what was unknown (null) before: allowed.
                Client.objects.filter(pk=person.pk).update(first_name="Ana")
        context = Context.objects.order_by("-created_at").first()
        assert context.metadata["organisation"] == social_worker.organisation_id
    with (
        pytest.raises(DatabaseError, match="nicht geändert"),
        transaction.atomic(),
        pghistory.context(user=social_worker.pk),
    ):
        make_client(social_worker, last_name="Zweite")
        with pghistory.context(user=team_lead.pk):
            # The same transaction's context now claiming someone else acted: refused.
            Client.objects.filter(last_name="Zweite").update(first_name="Bea")


@pytest.mark.django_db(transaction=True)
def test_even_the_owning_role_cannot_empty_an_audit_table(organisation):
    log_system_access(organisation, AccessLog.Action.VIEW, object_type="cases.client", object_id="1")
    with (
        owner_connection() as owner,
        pytest.raises(DatabaseError, match="Prüfpfad"),
        transaction.atomic(),
        owner.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE hagen_zuhause_accesslog")
    assert AccessLog.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_keeps_the_application_role_without_ownership(db):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
        assert cursor.fetchone()[0] == 0
    # ... and the application still reads and writes its data after the grants were renewed.
    assert Organisation.objects.create(name="Nach der Migration", short_name="NdM").pk
