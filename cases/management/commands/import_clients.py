"""manage.py import_clients FILE: clients from a CSV file (format: DESIGN §5, rules: cases/imports/)."""

from cases import imports
from cases.management.commands._importing import ImportCommand, worker_from_option


class Command(ImportCommand):
    help = (
        "Imports clients from a CSV file with the columns reference, first_name, last_name, birth_date, gender, "
        "nationality, target_groups, intake_date, case_type, homeless_since. Nothing is imported if a row is "
        "invalid (unless --skip-invalid); references that exist already are skipped."
    )
    kind = imports.Kind.CLIENTS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--assign", metavar="USERNAME", help="Assign the new clients to this worker.")

    def run(self, *, organisation, data, skip_invalid, options):
        assign_to = [worker_from_option(organisation, options["assign"], "--assign")] if options["assign"] else []
        return imports.import_clients(
            organisation=organisation, data=data, assign_to=assign_to, skip_invalid=skip_invalid
        )
