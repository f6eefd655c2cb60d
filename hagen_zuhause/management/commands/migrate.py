"""``migrate`` as the owning database role (``DATABASE_OWNER_URL``), never as the application's role."""

from django.core.management.commands import migrate

from hagen_zuhause.database import owner_connection


class Command(migrate.Command):
    help = migrate.Command.help + " Runs as the owning role (DATABASE_OWNER_URL) and grants the application's role."

    def handle(self, *args, **options):
        with owner_connection(options["database"]):
            return super().handle(*args, **options)
