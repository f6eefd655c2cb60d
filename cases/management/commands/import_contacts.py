"""manage.py import_contacts FILE: contacts from a CSV file (format: DESIGN §5, rules: cases/imports/)."""

from cases import imports
from cases.management.commands._importing import ImportCommand, worker_from_option


class Command(ImportCommand):
    help = (
        "Imports contacts from a CSV file with the columns client_reference, date, type, duration_minutes, note. "
        "Nothing is imported if a row is invalid (unless --skip-invalid); rows imported before are skipped."
    )
    kind = imports.Kind.CONTACTS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--worker",
            metavar="USERNAME",
            help="Record the contacts for this worker (default: the client's assigned worker, else a team lead).",
        )

    def run(self, *, organisation, data, skip_invalid, options):
        worker = worker_from_option(organisation, options["worker"], "--worker") if options["worker"] else None
        return imports.import_contacts(organisation=organisation, data=data, worker=worker, skip_invalid=skip_invalid)
