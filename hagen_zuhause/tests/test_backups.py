"""Backup and restore: the drill a city's IT department runs, and the archive's safeguards."""

import io
import json
import shutil
import subprocess
import tarfile
import time
from datetime import date
from pathlib import Path

import environ
import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cases.services.documents import document_upload
from hagen_zuhause import backups
from hagen_zuhause.database import owner_role_settings
from hagen_zuhause.models import JobRun
from hagen_zuhause.tests.servers import app_environment, connect, manage
from tests.builders import PDF_BYTES, image_bytes, make_case, make_client, make_contact, upload


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return Path(settings.MEDIA_ROOT)


def _admin_connection():
    """The owning role creates and drops databases; the application's role cannot."""
    admin = connect(owner_role_settings(), "postgres")
    admin.autocommit = True
    return admin


@pytest.fixture
def empty_database():
    """A new, empty database on the same server, dropped afterwards; yields its name."""
    name = f"{connection.settings_dict['NAME']}_restore"[:63]
    admin = _admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        _drop_when_unused(admin, name)
        admin.close()


def _drop_when_unused(admin, name):
    """Drop the database once the sessions the test closed have ended (they end a moment later).

    Not ``WITH (FORCE)``: ending another role's session needs pg_signal_backend, which the owning
    role has no reason to hold.
    """
    deadline = time.monotonic() + 30
    while True:
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            return
        except psycopg2.errors.ObjectInUse:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _row_counts(name):
    database = dict(connection.settings_dict, NAME=name)
    counts = {}
    db = connect(database)
    try:
        with db.cursor() as cursor:
            for table in backups.user_tables(database):
                schema, table_name = table.split(".")
                cursor.execute(f'SELECT count(*) FROM "{schema}"."{table_name}"')
                counts[table] = cursor.fetchone()[0]
    finally:
        db.close()
    return counts


def _seed(team_lead, social_worker):
    """Some of everything a restore must bring back: clients, cases, contacts, documents."""
    documents = []
    for number, (first, last) in enumerate([("Georgi", "Ivanov"), ("Elena", "Popescu"), ("Karin", "Schulte")]):
        client = make_client(social_worker, first_name=first, last_name=last)
        make_case(client, social_worker, opened_on=date(2026, 10, 2 + number))
        make_contact(client, social_worker, day=date(2026, 10, 5 + number))
        make_contact(client, social_worker, day=date(2026, 11, 5 + number))
        content = PDF_BYTES if number != 1 else image_bytes("PNG")
        name = "Einwilligung.pdf" if number != 1 else "Ausweis.png"
        documents.append(
            document_upload(
                client=client, uploaded_file=upload(name, content), kind="consent", description="", actor=social_worker
            )
        )
    return documents


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_drill(team_lead, social_worker, media_root, tmp_path, empty_database):
    """Seed, back up, restore into a fresh database: the same rows, the same report, the same documents."""
    documents = _seed(team_lead, social_worker)
    folder = tmp_path / "backups"
    folder.mkdir()

    call_command("backup", "-o", str(folder))

    archives = list(folder.glob("hagen_zuhause-*.tar"))
    assert len(archives) == 1
    run = JobRun.objects.get(job="backup")
    assert run.status == JobRun.Status.SUCCEEDED
    assert "Dokumente: 3" in run.summary

    restored_media = tmp_path / "restored-private"
    target = app_environment(empty_database, DJANGO_PRIVATE_MEDIA_ROOT=restored_media)
    result = manage("restore", str(archives[0]), env=target)
    assert "Dokumente: 3" in result.stdout

    assert _row_counts(empty_database) == _row_counts(connection.settings_dict["NAME"])
    source = app_environment()
    report_arguments = ("quarterly_report", "--year", "2026", "--quarter", "4", "--format", "json")
    restored_report = json.loads(manage(*report_arguments, env=target).stdout)
    assert restored_report == json.loads(manage(*report_arguments, env=source).stdout)
    assert restored_report["contacts"]["total"] == 6
    for document in documents:
        assert (restored_media / document.file.name).read_bytes() == Path(document.file.path).read_bytes()

    again = manage("restore", str(archives[0]), env=target, check=False)
    assert again.returncode == 1
    assert "ist nicht leer" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_archive(social_worker, media_root, tmp_path, empty_database):
    _seed(social_worker, social_worker)
    archive = tmp_path / "backup.tar"
    backups.create_backup(output=archive)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith(backups.DOCUMENTS_PREFIX):
                data = data[:-1] + b"!"
            target.addfile(member, fileobj=io.BytesIO(data))

    target_env = app_environment(empty_database, DJANGO_PRIVATE_MEDIA_ROOT=tmp_path / "restored")
    result = manage("restore", str(damaged), env=target_env, check=False)

    assert result.returncode == 1
    assert "die Sicherung ist beschädigt" in result.stderr
    assert _row_counts(empty_database) == {}
    assert not (tmp_path / "restored").exists()


@pytest.mark.skipif(shutil.which("gpg") is None, reason="GnuPG (gpg) is not installed")
def test_backup_is_encrypted_to_the_configured_public_key(db, media_root, tmp_path, settings):
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    gpg = ["gpg", "--batch", "--homedir", str(home), "--pinentry-mode", "loopback", "--passphrase", ""]
    subprocess.run(
        [*gpg, "--quick-gen-key", "Datensicherung <it@example.org>", "default", "default", "never"], check=True
    )
    public_key = tmp_path / "backup-public.asc"
    subprocess.run([*gpg, "--armor", "--output", str(public_key), "--export", "it@example.org"], check=True)
    settings.BACKUP_ENCRYPTION_KEY = str(public_key)
    folder = tmp_path / "backups"
    folder.mkdir()

    call_command("backup", "-o", str(folder))

    (archive,) = folder.glob("hagen_zuhause-*.tar.gpg")
    assert not tarfile.is_tarfile(archive)
    assert b"database.dump" not in archive.read_bytes()
    with pytest.raises(backups.BackupError):  # without the private key nobody reads it
        backups.read_archive(archive, work=tmp_path, gnupg_home=tmp_path / "empty-gnupg")
    _plain, manifest = backups.read_archive(archive, work=tmp_path, gnupg_home=home)
    assert manifest["format"] == backups.FORMAT
    assert manifest["database"]["size"] > 0


def test_pg_dump_of_the_servers_major_version_is_chosen(db):
    major, _version = backups.server_version(connection.settings_dict)
    tool = backups.postgres_tool("pg_dump", major)
    assert backups.tool_version(tool) == major


def test_no_matching_pg_dump_is_a_clear_german_error(db):
    with pytest.raises(backups.BackupError) as error:
        backups.postgres_tool("pg_dump", 9)
    assert "Kein pg_dump für PostgreSQL 9 gefunden" in str(error.value)
    assert "postgresql-client-9" in str(error.value)


def test_a_failed_backup_leaves_no_archive_and_exits_non_zero(db, media_root, tmp_path, settings):
    settings.BACKUP_ENCRYPTION_KEY = str(tmp_path / "missing-key.asc")
    folder = tmp_path / "backups"
    folder.mkdir()

    with pytest.raises(CommandError) as error:
        call_command("backup", "-o", str(folder))

    assert error.value.returncode == 1
    assert list(folder.iterdir()) == []
    run = JobRun.objects.get(job="backup")
    assert run.status == JobRun.Status.FAILED
    assert "missing-key.asc" in run.summary


def test_old_backups_are_removed_and_others_kept(tmp_path):
    import os
    import time

    old = tmp_path / "hagen_zuhause-2026-01-01T030000.tar.gpg"
    recent = tmp_path / "hagen_zuhause-2026-12-01T030000.tar"
    unrelated = tmp_path / "notes.txt"
    for path in (old, recent, unrelated):
        path.write_text("x")
    forty_days_ago = time.time() - 40 * 86400
    os.utime(old, (forty_days_ago, forty_days_ago))
    os.utime(unrelated, (forty_days_ago, forty_days_ago))

    assert backups.remove_old_backups(tmp_path, keep_days=30) == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == [recent.name, unrelated.name]


def test_backups_connect_as_the_owning_role_to_the_apps_database(db, settings):
    settings.DATABASE_OWNER = environ.Env.db_url_config("postgres://hagen_zuhause:geheim@db.example.org:5433/anything")

    owner = backups.owner_database()

    assert (owner["USER"], owner["PASSWORD"], owner["HOST"], owner["PORT"]) == (
        "hagen_zuhause",
        "geheim",
        "db.example.org",
        5433,
    )
    assert owner["NAME"] == connection.settings_dict["NAME"]
    assert backups.postgres_environment(owner)["PGPASSWORD"] == "geheim"  # never on a command line


def test_without_an_owner_url_backups_use_the_apps_connection(db, settings):
    settings.DATABASE_OWNER = None
    owner = backups.owner_database()
    role = ("NAME", "USER", "PASSWORD", "HOST", "PORT")
    assert [owner[key] for key in role] == [connection.settings_dict[key] for key in role]
