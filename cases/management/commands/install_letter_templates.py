"""Give a municipal office the shipped letter templates it lacks (an office created after the migration)."""

from django.core.management.base import BaseCommand

from cases.services.letters import letter_templates_install
from hagen_zuhause.audit import system_context
from hagen_zuhause.commands import organisation_from_option


class Command(BaseCommand):
    help = (
        "Add the shipped letter templates (first letter after a court notice, appointment letter, consent form, "
        "confirmation for the Jobcenter, proposal to a landlord) that the office does not have yet, marked as "
        "to be checked by the city. Templates the office has changed are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="Name, short name or id of the office (when there are several).")

    def handle(self, *args, organisation=None, **options):
        office = organisation_from_option(organisation)
        with system_context("install_letter_templates", office):
            added = letter_templates_install(organisation=office)
        self.stdout.write(f"{office.name}: {added} letter template(s) added.")
