"""``flush`` as the owning database role: the application's role may not empty tables.

It also opens TRUNCATE of the audit tables for this one statement (``hagen_zuhause.database``):
emptying a whole database is what the test runner does between tests, and what nobody does to a
database in use.
"""

from django.core.management.commands import flush
from django.db import connections

from hagen_zuhause.database import ALLOW_TRUNCATE_SETTING, owner_connection


class Command(flush.Command):
    def handle(self, **options):
        with owner_connection(options["database"]) as connection:
            with connection.cursor() as cursor:
                cursor.execute(f"SET {ALLOW_TRUNCATE_SETTING} = 'on'")
            try:
                return super().handle(**options)
            finally:
                connection = connections[options["database"]]
                if connection.connection is not None:
                    with connection.cursor() as cursor:
                        cursor.execute(f"RESET {ALLOW_TRUNCATE_SETTING}")
