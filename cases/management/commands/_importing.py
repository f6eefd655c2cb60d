"""What the two import commands share: the file, the organisation, the report on the terminal."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hagen_zuhause.audit import system_context
from hagen_zuhause.commands import organisation_from_option
from hagen_zuhause.models import User


def worker_from_option(organisation, username, option):
    """An active case worker of the organisation, by user name."""
    user = User.objects.filter(organisation=organisation, username=username, is_active=True).first()
    if user is None or not user.has_perm("cases.view_client"):
        raise CommandError(
            _("%(option)s: there is no active social worker or team lead “%(username)s” in this organisation.")
            % {"option": option, "username": username}
        )
    return user


class ImportCommand(BaseCommand):
    """Reads FILE, imports it with the service of ``kind`` and reports like DESIGN §5 asks."""

    kind = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, ; or , separated, header row).")
        parser.add_argument("--organisation", help="Name or id of the organisation; needed when more than one exists.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and report the invalid ones (default: import nothing if a row is invalid).",
        )

    def read_file(self, path):
        try:
            return Path(path).read_bytes()
        except OSError:
            raise CommandError(_("The file %(path)s cannot be read.") % {"path": path}) from None

    def handle(self, *args, file, organisation, skip_invalid, **options):
        data = self.read_file(file)
        organisation = organisation_from_option(organisation)
        with system_context(self.kind_command, organisation):
            report = self.run(organisation=organisation, data=data, skip_invalid=skip_invalid, options=options)
        for problem in report.problems:
            self.stderr.write(str(problem))
        if not report.applied:
            lines = report.invalid_lines
            hint = ""
            if lines and not report.fatal:
                hint = " " + _("Invalid lines: %(lines)s. With --skip-invalid the valid rows are imported.") % {
                    "lines": ", ".join(str(line) for line in lines)
                }
            raise CommandError(report.summary() + hint)
        self.stdout.write(report.summary())

    @property
    def kind_command(self):
        return f"import_{self.kind}"

    def run(self, *, organisation, data, skip_invalid, options):
        raise NotImplementedError
