"""Scheduled job: back up the database and the private documents into one archive (hagen_zuhause.backups)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hagen_zuhause.backups import BackupError, create_backup, remove_old_backups
from hagen_zuhause.jobs import JobCommand


class Command(JobCommand):
    help = (
        "Back up the database (pg_dump of the server's version) and the private documents into one archive "
        "with a manifest and checksums, encrypted to DJANGO_BACKUP_ENCRYPTION_KEY when it is set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", required=True, help="the archive to write, or a folder that gets a dated archive"
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            help="with a folder: delete this installation's backups in it that are older than this many days",
        )

    def run(self, *, output, keep_days, **options):
        if keep_days is not None and (keep_days < 1 or not Path(output).is_dir()):
            raise CommandError(_("--keep-days needs a folder as --output and at least one day."))
        try:
            result = create_backup(output=output, encryption_key=settings.BACKUP_ENCRYPTION_KEY)
        except BackupError as error:
            raise CommandError(str(error)) from error
        summary = _("%(file)s written (%(size)s, documents: %(documents)d, %(encryption)s)") % {
            "file": result.path,
            "size": filesizeformat(result.size),
            "documents": result.documents,
            "encryption": _("encrypted") if result.encrypted else _("not encrypted"),
        }
        if keep_days is not None:
            removed = remove_old_backups(output, keep_days=keep_days)
            summary += "; " + _("older backups removed: %(count)d") % {"count": removed}
        return summary
