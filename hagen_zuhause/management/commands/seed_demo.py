"""Create the demo organisation and its demo users (DESIGN §5)."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hagen_zuhause.audit import system_context
from hagen_zuhause.models import Organisation
from hagen_zuhause.services import demo_organisation_ensure


class Command(BaseCommand):
    help = (
        "Creates the demo organisation and one user per role (sozialarbeit, teamleitung, verwaltung). "
        "The password comes from DEMO_PASSWORD, else one is generated per account and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--first-run",
            action="store_true",
            help="Do nothing when an organisation exists already (used by make run).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DJANGO_DEMO_DATA is off (demo accounts on a production system).",
        )

    def handle(self, *args, first_run, allow_production, **options):
        if not settings.DEMO_DATA_ALLOWED and not allow_production:
            raise CommandError(
                "Demo data is off on this installation (DJANGO_DEMO_DATA). "
                "Use --allow-production if you really want demo accounts here."
            )
        if first_run and Organisation.objects.exists():
            self.stdout.write("Demo data exists already; nothing to do.")
            return
        with system_context("seed_demo"):
            organisation, created = demo_organisation_ensure(password=os.environ.get("DEMO_PASSWORD") or None)
        self.stdout.write(f"Organisation: {organisation.name}")
        if not created:
            self.stdout.write("The demo users exist already; their passwords are unchanged.")
        for username, role, password in created:
            shown = "(from DEMO_PASSWORD)" if os.environ.get("DEMO_PASSWORD") else password
            self.stdout.write(f"  {role.label:<14} user: {username:<14} password: {shown}")
        if created and not os.environ.get("DEMO_PASSWORD"):
            self.stdout.write(self.style.WARNING("These passwords are shown only now. Note them."))
