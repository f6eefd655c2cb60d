"""Least privilege in the database: the owning role, the application's role, and the audit trail.

The application connects with ``DATABASE_URL`` as a role that owns nothing. ``migrate`` (and the few
commands that must change the schema or history) switch to ``DATABASE_OWNER_URL``, the role that owns
the tables. After every ``migrate`` the owning role

* grants the application's role what the app needs — reading and writing the data tables, only reading
  and adding to the audit tables (access log, history events, report snapshots), no TRUNCATE anywhere;
* refuses TRUNCATE on every audit table with a statement trigger, and UPDATE/DELETE of the history's
  context rows except the history triggers' own additions;
* keeps switching triggers off (django-pgtrigger's ``pgtrigger.ignore``) to itself: any session may set
  the setting it reads, so the check of who may use it lives in the database function.

A role that owns no table cannot ALTER, DROP or TRUNCATE it or disable its triggers, whatever the code
above it does. All of this is applied again after every ``migrate`` (idempotent), so a table added by a
later migration is covered by construction.
"""

import contextlib

from django.apps import apps
from django.conf import settings
from django.db import connections
from pghistory.models import Context
from pghistory.models import Event as PghistoryEvent

#: The connection settings that name a role and a server; the database name stays the connection's own
#: (the test runner renames it to the test database).
_ROLE_KEYS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")

#: The setting a session may set to open TRUNCATE of the audit tables for the owning role only: the
#: test runner's flush between tests. The application's role has no TRUNCATE privilege in any case.
ALLOW_TRUNCATE_SETTING = "hagen_zuhause.allow_truncate"


def owner_role_settings():
    """The owning role's connection settings (``DATABASE_OWNER_URL``, else those of ``DATABASE_URL``)."""
    return getattr(settings, "DATABASE_OWNER", None) or settings.DATABASES["default"]


@contextlib.contextmanager
def owner_connection(alias="default"):
    """Run the block with the connection ``alias`` logged in as the owning role, then switch back."""
    connection = connections[alias]
    owner = owner_role_settings()
    saved = connection.settings_dict
    if all(owner.get(key) == saved.get(key) for key in _ROLE_KEYS):
        yield connection
        return
    if connection.in_atomic_block:
        raise RuntimeError("Cannot switch to the owning role inside a transaction of the application's role.")
    connection.close()
    # A copy: the settings dict is shared with the connections of other threads (a live test server).
    connection.settings_dict = {**saved, **{key: owner.get(key) for key in _ROLE_KEYS}}
    # Whom the owner grants the application's privileges to after a migrate (``secure_database``).
    connection.application_role = saved["USER"]
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict = saved
        del connection.application_role


def audit_tables():
    """Tables whose rows are evidence: nobody empties them, the application only reads and adds."""
    tables = {Context._meta.db_table}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        if issubclass(model, PghistoryEvent) or getattr(model, "is_audit_record", False):
            tables.add(model._meta.db_table)
    return sorted(tables)


_REFUSE_TRUNCATE = f"""
CREATE OR REPLACE FUNCTION hz_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('{ALLOW_TRUNCATE_SETTING}', true) = 'on'
       AND pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                                      WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME),
                       'MEMBER') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'Die Tabelle % ist Teil des Prüfpfads und kann nicht geleert werden.', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

# pghistory upserts the context of a transaction from inside its event triggers, and adds keys when a
# nested context names more (a command names its organisation once it exists). Anything else — a direct
# UPDATE, a changed value, a DELETE — would rewrite who did something.
_PROTECT_CONTEXT = f"""
CREATE OR REPLACE FUNCTION hz_protect_history_context() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Einträge des Änderungsverlaufs können nicht gelöscht werden.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF pg_trigger_depth() < 2
       OR NEW.id IS DISTINCT FROM OLD.id
       OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR EXISTS (SELECT 1 FROM jsonb_each(OLD.metadata) AS previous
                  WHERE previous.value <> 'null'::jsonb
                    AND NEW.metadata -> previous.key IS DISTINCT FROM previous.value) THEN
        RAISE EXCEPTION 'Einträge des Änderungsverlaufs können nicht geändert werden.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE TRIGGER hz_protect_history_context
    BEFORE UPDATE OR DELETE ON {Context._meta.db_table}
    FOR EACH ROW EXECUTE FUNCTION hz_protect_history_context();
"""

# django-pgtrigger's switch (``pgtrigger.ignore``) is a session setting anyone can set. The same
# function, answering only for members of the owning role: the application cannot write unrecorded
# changes or change protected rows by naming the triggers to skip.
_IGNORE_FOR_OWNER_ONLY = """
CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(trigger_name NAME) RETURNS BOOLEAN AS $$
DECLARE
    _pgtrigger_ignore TEXT[];
BEGIN
    BEGIN
        SELECT INTO _pgtrigger_ignore CURRENT_SETTING('pgtrigger.ignore');
        EXCEPTION WHEN OTHERS THEN
    END;
    IF _pgtrigger_ignore IS NULL OR NOT (trigger_name = ANY(_pgtrigger_ignore)) THEN
        RETURN FALSE;
    END IF;
    IF NOT pg_has_role(current_user, %(owner)s, 'MEMBER') THEN
        RAISE EXCEPTION 'Nur die Eigentümerrolle der Datenbank kann Trigger auslassen (%%).', trigger_name
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN TRUE;
END;
$$ LANGUAGE plpgsql;
"""


def secure_database(using="default"):
    """Install the audit trail's protections and the application role's privileges (as the owner)."""
    connection = connections[using]
    tables = audit_tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        cursor.execute(_REFUSE_TRUNCATE)
        for table in tables:
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER hz_refuse_truncate BEFORE TRUNCATE ON {connection.ops.quote_name(table)} "
                "FOR EACH STATEMENT EXECUTE FUNCTION hz_refuse_truncate()"
            )
        cursor.execute(_PROTECT_CONTEXT)
        cursor.execute(_IGNORE_FOR_OWNER_ONLY, {"owner": owner})
    app_role = getattr(connection, "application_role", None)
    if app_role and app_role != owner:
        grant_application_role(connection, app_role, tables)
    # Database functions of the apps (an AppConfig's ``install_database_functions``), e.g. the one that
    # redacts the history of clients anonymised on request: owned by the owner, executed by the app.
    for config in apps.get_app_configs():
        install = getattr(config, "install_database_functions", None)
        if install is not None:
            install(connection, app_role if app_role != owner else None)


def grant_application_role(connection, role, audit):
    """Give ``role`` exactly what the running application needs, and nothing it must never do."""
    quote = connection.ops.quote_name
    role = quote(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"REVOKE CREATE ON SCHEMA public FROM {role}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
        for table in tables:
            if table in audit:
                # The history triggers upsert their transaction's context row: INSERT … ON CONFLICT
                # DO UPDATE needs UPDATE, which the context trigger narrows to their own additions.
                rights = "SELECT, INSERT, UPDATE" if table == Context._meta.db_table else "SELECT, INSERT"
            elif table == "django_migrations":
                rights = "SELECT"
            else:
                rights = "SELECT, INSERT, UPDATE, DELETE"
            cursor.execute(f"GRANT {rights} ON {quote(table)} TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")


def secure_after_migrate(app_config, using="default", **kwargs):
    """post_migrate: once per ``migrate``, after the last app."""
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is with_models[-1]:
        secure_database(using)
