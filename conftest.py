"""Shared fixtures: one user per role, a second organisation, logged-in clients.

The fixtures' organisations do not require a second factor (``require_second_factor=False``), so that
tests of everything else log in with the password alone; organisations are created with the setting
on everywhere else, and the tests of the second factor switch it on where they need it.
"""

import fcntl
import time

import pytest
from django.conf import settings
from django.db import connections
from django.db.backends.base.creation import TEST_DATABASE_PREFIX
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user

from demo.municipalities import HAGEN_DISTRICTS
from hagen_zuhause.middleware import SessionActivityMiddleware
from hagen_zuhause.models import Organisation
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from housing.services.districts import ensure_districts

PASSWORD = "ein langes Testpasswort 2026"
_ROLE_KEYS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
_TEMPLATE_KEY = "hagen_zuhause_template_database"
_TEMPLATES = pytest.StashKey[set]()

#: Tests of a minute or more (on a busy 2-core machine), longest first. Under xdist they start first, so
#: that no worker picks one up when the others have run out of tests.
_LONG_RUNNING = (
    "tests/browser/test_every_page.py",
    "hagen_zuhause/tests/test_upgrade.py",
    "housing/tests/test_matching_prefilter.py",
    "hagen_zuhause/tests/test_backups.py",
    "tests/browser/",
    "hagen_zuhause/tests/test_faults.py",
)


def _start_order(item):
    ranks = (rank for rank, prefix in enumerate(_LONG_RUNNING) if item.nodeid.startswith(prefix))
    return next(ranks, len(_LONG_RUNNING))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under xdist, the long tests go first, before pytest-django's order of kinds (see below)."""
    if hasattr(config, "workerinput"):
        items.sort(key=_start_order)


#: What ``post_migrate`` (sent by every flush) fills again; ``django_migrations`` is never flushed.
_REFILLED_AFTER_FLUSH = {
    "auth_group",
    "auth_group_permissions",
    "auth_permission",
    "django_content_type",
    "django_migrations",
}


def _check_flush_restores_a_migrated_database(connection):
    """Fail when migrations leave rows that a transactional test's flush would take away for good.

    Django runs transactional tests last because their flush empties every table: rows a data migration
    added would be missing for the tests after them. The long tests started first (``_LONG_RUNNING``)
    include transactional ones (browser tests, the upgrade test), which is sound only while a migrated
    database holds nothing that ``post_migrate`` does not recreate.
    """
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        filled = []
        for table in sorted(set(tables) - _REFILLED_AFTER_FLUSH):
            cursor.execute(f"SELECT EXISTS (SELECT FROM {connection.ops.quote_name(table)})")
            if cursor.fetchone()[0]:
                filled.append(table)
    if filled:
        raise RuntimeError(
            f"The migrations fill {', '.join(filled)}, which a flush empties: transactional tests must then "
            "run after the others (drop them from _LONG_RUNNING in conftest.py) or the rows come from post_migrate."
        )


def _create_test_application_role(connection):
    role = settings.TEST_APPLICATION_ROLE
    with connection._nodb_cursor() as cursor:
        # Several test processes start at once; the role exists once per server.
        cursor.execute(
            "DO $$ BEGIN "
            f"CREATE ROLE {role} LOGIN PASSWORD '{role}' NOSUPERUSER NOCREATEDB NOCREATEROLE; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )


def _template_database_name():
    """The migrated database every xdist worker copies its test database from (one per run and server)."""
    return f"{TEST_DATABASE_PREFIX}{settings.DATABASES['default']['NAME']}_template"


def _ensure_template_database(connection, lock_dir, verbosity):
    """Migrate the template once per run: the first worker to get the lock builds it, the others wait.

    Migrating costs minutes of CPU (Django renders the model states of every migration); copying a
    migrated database with ``CREATE DATABASE … TEMPLATE`` takes a second. The template is migrated as
    ``migrate`` always runs, by the owning role with the application's role granted, and copies keep
    the owner and every grant inside the database. Nothing connects to it after its migrate, which a
    copy requires; the controller drops it at the end (``pytest_sessionfinish``).
    """
    name = _template_database_name()
    ready = lock_dir / f"{name}.ready"
    with open(lock_dir / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            test_settings = connection.settings_dict["TEST"]
            saved = connection.settings_dict["NAME"], settings.DATABASES["default"]["NAME"], test_settings["NAME"]
            test_settings["NAME"] = name
            try:
                # Replaces a template a killed run left behind (autoclobber).
                connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
                _check_flush_restores_a_migrated_database(connection)
            finally:
                connection.close()
                connection.settings_dict["NAME"], settings.DATABASES["default"]["NAME"], test_settings["NAME"] = saved
            ready.touch()
    return name


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    request, django_db_modify_db_settings_parallel_suffix, django_db_blocker, django_db_keepdb, tmp_path_factory
):
    """The owning role creates, migrates and drops the test database (see ``django_db_setup``).

    Under xdist each worker's test database is a copy of one migrated template (``TEST["TEMPLATE"]``);
    the worker's ``migrate`` then finds nothing to apply and only renews the grants.
    """
    connection = connections["default"]
    application = {key: connection.settings_dict.get(key) for key in _ROLE_KEYS}
    connection.settings_dict.update({key: settings.DATABASE_OWNER.get(key) for key in _ROLE_KEYS})
    # migrate grants this role its privileges (hagen_zuhause.database.secure_database).
    connection.application_role = application["USER"]
    with django_db_blocker.unblock():
        if settings.CREATE_TEST_APPLICATION_ROLE:
            _create_test_application_role(connection)
        if hasattr(request.config, "workerinput") and not django_db_keepdb:
            # xdist's workers share the parent of their base temporary directories.
            lock_dir = tmp_path_factory.getbasetemp().parent
            template = _ensure_template_database(connection, lock_dir, request.config.option.verbose)
            connection.settings_dict["TEST"]["TEMPLATE"] = template
            request.config.workeroutput[_TEMPLATE_KEY] = template
    return application


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_modify_db_settings, django_db_blocker):
    """Tests connect as the application's role, which owns nothing: what it may not do fails here too."""
    connection = connections["default"]
    owner = {key: connection.settings_dict.get(key) for key in _ROLE_KEYS}
    del connection.application_role
    with django_db_blocker.unblock():
        connection.close()
    connection.settings_dict.update(django_db_modify_db_settings)
    yield
    with django_db_blocker.unblock():
        connection.close()
    connection.settings_dict.update(owner)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist's controller learns which template its workers copied their test databases from."""
    template = getattr(node, "workeroutput", {}).get(_TEMPLATE_KEY)
    if template:
        node.config.stash.setdefault(_TEMPLATES, set()).add(template)


def pytest_sessionfinish(session):
    """The controller drops the template once every worker has ended (and dropped its own copy)."""
    from pytest_django.plugin import blocking_manager_key

    from hagen_zuhause.database import owner_connection

    templates = session.config.stash.get(_TEMPLATES, set())
    if not templates:
        return
    with (
        session.config.stash[blocking_manager_key].unblock(),
        owner_connection() as connection,
        connection._nodb_cursor() as cursor,
    ):
        for template in sorted(templates):
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)}")


@pytest.fixture
def organisation(db):
    organisation = Organisation.objects.create(
        name="Stadt Hagen – Zentrale Fachstelle Wohnen",
        short_name="Fachstelle Wohnen Hagen",
        case_number_prefix="HA",
        municipality_key="05914000",
        require_second_factor=False,
    )
    ensure_districts(organisation=organisation, districts=HAGEN_DISTRICTS)
    return organisation


@pytest.fixture
def other_organisation(db):
    return Organisation.objects.create(
        name="Stadt Dortmund – Fachstelle Wohnungsnotfälle",
        short_name="Fachstelle Dortmund",
        case_number_prefix="DO",
        municipality_key="05913000",
        require_second_factor=False,
    )


@pytest.fixture
def social_worker(organisation):
    return user_create(
        organisation=organisation,
        username="s.albers",
        role=Role.SOCIAL_WORKER,
        password=PASSWORD,
        first_name="Sonja",
        last_name="Albers",
    )


@pytest.fixture
def team_lead(organisation):
    return user_create(
        organisation=organisation,
        username="t.lehmann",
        role=Role.TEAM_LEAD,
        password=PASSWORD,
        first_name="Thomas",
        last_name="Lehmann",
    )


@pytest.fixture
def admin_staff(organisation):
    """A Verwaltung user (office/IT): maintains accounts, does not read case files."""
    return user_create(
        organisation=organisation,
        username="v.winkler",
        role=Role.ADMINISTRATION,
        password=PASSWORD,
        first_name="Vera",
        last_name="Winkler",
    )


@pytest.fixture
def outsider(other_organisation):
    """A team lead of another organisation: sees a lot there, nothing here."""
    return user_create(
        organisation=other_organisation,
        username="o.dortmund",
        role=Role.TEAM_LEAD,
        password=PASSWORD,
        first_name="Olaf",
        last_name="Dortmund",
    )


@pytest.fixture
def state_organisation(db):
    """The state's office of the initiative (kind state): reads submitted figures, holds no personal data."""
    return Organisation.objects.create(
        name="Land Nordrhein-Westfalen – Landesinitiative Endlich ein ZUHAUSE!",
        short_name="Landesinitiative",
        kind=Organisation.Kind.STATE,
        case_number_prefix="NRW",
        require_second_factor=False,
    )


@pytest.fixture
def land_user(state_organisation):
    """A user of the state's organisation with the role Land."""
    return user_create(
        organisation=state_organisation,
        username="l.schulte",
        role=Role.STATE,
        password=PASSWORD,
        first_name="Lena",
        last_name="Schulte",
    )


@pytest.fixture
def role_users(social_worker, team_lead, admin_staff, outsider, land_user):
    return {
        "social_worker": social_worker,
        "team_lead": team_lead,
        "admin_staff": admin_staff,
        "outsider": outsider,
        "land": land_user,
    }


@pytest.fixture
def client_of():
    """client_of(user) gives a test client logged in as that user.

    A user with a second factor is logged in as after the second step, with the first of their factors.
    """

    def make(user):
        client = Client()
        client.force_login(user)
        # As after a login through the form: the session has just been saved with its activity time.
        session = client.session
        session[SessionActivityMiddleware.key] = int(time.time())
        device = next(devices_for_user(user, confirmed=True), None)
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return make
