"""Create the demo organisation, its demo users and, on request, realistic demo data at any size."""

import os
import time
from contextlib import nullcontext

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from cases.services.letters import letter_templates_install
from demo import clients as demo_clients
from demo.housing import seed_housing
from demo.kdu import ensure_demo_kdu_table
from demo.municipalities import HAGEN_DISTRICTS, MUSTERSTADT_DISTRICTS, demo_logo_png
from demo.senior_flat import ensure_demo_senior_flat
from hagen_zuhause.audit import system_context
from hagen_zuhause.database import owner_connection
from hagen_zuhause.models import Organisation
from hagen_zuhause.services import DEMO_SECOND_MUNICIPALITY, DEMO_SECOND_SUFFIX, demo_organisation_ensure
from housing.services.districts import ensure_districts


class Command(BaseCommand):
    help = (
        "Creates the demo organisation and one user per role (sozialarbeit, teamleitung, verwaltung), "
        "and the state's demo organisation with the user land. "
        "The password comes from DEMO_PASSWORD, else one is generated per account and printed once. "
        "With --clients N it adds N synthetic clients with cases, contacts, deadlines and consents, "
        "N/5 housing offers and N/20 placements, a demo KdU table and the senior shared flat "
        "(deterministic for --seed and the day of the run)."
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
        parser.add_argument(
            "--clients",
            type=int,
            default=0,
            metavar="N",
            help="Number of demo clients to add (default 0: only the organisation and the accounts).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, metavar="S", help="Random seed of the demo clients (default 1)."
        )
        parser.add_argument(
            "--second-municipality",
            action="store_true",
            help=(
                "Also create the invented Stadt Musterstadt with its own districts, municipality key, case "
                "number prefix, logo, KdU table and users (sozialarbeit.musterstadt, teamleitung.musterstadt, "
                "verwaltung.musterstadt); with --clients it gets its own demo clients too."
            ),
        )

    def handle(self, *args, first_run, allow_production, clients, seed, second_municipality=False, **options):
        if not settings.DEMO_DATA_ALLOWED and not allow_production:
            raise CommandError(
                "Demo data is off on this installation (DJANGO_DEMO_DATA). "
                "Use --allow-production if you really want demo accounts here."
            )
        if clients < 0:
            raise CommandError("--clients must not be negative.")
        if first_run and Organisation.objects.exists():
            self.stdout.write("Demo data exists already; nothing to do.")
            return
        municipalities = [({}, HAGEN_DISTRICTS)]
        if second_municipality:
            second = {"definition": DEMO_SECOND_MUNICIPALITY, "suffix": DEMO_SECOND_SUFFIX}
            municipalities.append((second, MUSTERSTADT_DISTRICTS))
        for number, (arguments, districts) in enumerate(municipalities):
            organisation = self.ensure_municipality(arguments, districts)
            if clients:
                self.seed_clients(organisation, clients, seed + number)

    def ensure_municipality(self, arguments, districts):
        with system_context("seed_demo"):
            organisation, created = demo_organisation_ensure(
                password=os.environ.get("DEMO_PASSWORD") or None, **arguments
            )
            ensure_districts(organisation=organisation, districts=districts)
            if arguments and not organisation.logo:
                organisation.logo = demo_logo_png(organisation.city[:1])
                organisation.save(update_fields=["logo"])
            letter_templates_install(organisation=organisation)
        self.stdout.write(f"Organisation: {organisation.name}")
        if not created:
            self.stdout.write("The demo users exist already; their passwords are unchanged.")
        for username, role, password in created:
            shown = "(from DEMO_PASSWORD)" if os.environ.get("DEMO_PASSWORD") else password
            self.stdout.write(f"  {role.label:<14} user: {username:<14} password: {shown}")
        if created and not os.environ.get("DEMO_PASSWORD"):
            self.stdout.write(self.style.WARNING("These passwords are shown only now. Note them."))
        return organisation

    def seed_clients(self, organisation, count, seed):
        started = time.monotonic()

        def progress(done, total):
            if total > demo_clients.BATCH_SIZE:
                self.stdout.write(f"  {done:>7} / {total} clients ({time.monotonic() - started:.0f} s)")

        without_history = count >= demo_clients.WITHOUT_HISTORY_FROM
        # Only the owning role may switch the history triggers off (hagen_zuhause.database).
        with owner_connection() if without_history else nullcontext(), system_context("seed_demo", organisation):
            result = demo_clients.seed_clients(
                organisation=organisation, count=count, seed=seed, progress=progress, without_history=without_history
            )
            housing = seed_housing(
                organisation=organisation,
                seed=seed,
                today=timezone.localdate(),
                clients=count,
                without_history=without_history,
            )
            ensure_demo_kdu_table(organisation)
            ensure_demo_senior_flat(organisation)
            if without_history:
                with connection.cursor() as cursor:
                    # Fresh statistics, so that the planner knows the tables are big now (the owner's right).
                    cursor.execute("ANALYZE")
        self.stdout.write(
            f"Demo clients: {result.clients} clients, {result.cases} cases, {result.contacts} contacts, "
            f"{result.notices} notices, {result.tasks} tasks, {result.consents} consents, "
            f"{result.referrals} referrals, {result.appointments} appointments "
            f"(seed {seed}, {time.monotonic() - started:.1f} s)."
        )
        self.stdout.write(
            f"Demo housing: {housing['landlords']} landlords, {housing['offers']} offers, "
            f"{housing['placements']} placements, {housing['searches']} housing searches, a KdU table marked as "
            "demo values, the senior shared flat."
        )
        if count >= demo_clients.WITHOUT_HISTORY_FROM:
            self.stdout.write("  Written without change-history rows (bulk demo load).")
