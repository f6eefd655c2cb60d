"""Restore an archive of the backup command into an empty database and an empty document folder."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hagen_zuhause.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database (connecting as the owning role, DATABASE_OWNER_URL) "
        "and an empty document folder, then run migrate, which grants the application's role its rights."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive written by the backup command")
        parser.add_argument(
            "--gnupg-home", help="GnuPG folder holding the private key of an encrypted backup (default: GNUPGHOME)"
        )

    def handle(self, *args, file, gnupg_home, **options):
        try:
            result = restore_backup(path=file, gnupg_home=gnupg_home)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # Brings a backup of an older version up to this one and grants the application's role.
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            _("restore: backup of %(created)s restored (tables: %(tables)d, documents: %(documents)d)")
            % {"created": result.created_at, "tables": result.tables, "documents": result.documents}
        )
