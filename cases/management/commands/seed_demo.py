"""Create the demo organisation, its demo users and, on request, realistic demo data at any size."""

import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from cases import demo
from hagen_zuhause.audit import system_context
from hagen_zuhause.models import Organisation
from hagen_zuhause.services import demo_organisation_ensure
from housing import demo_offers
from housing.demo import ensure_demo_kdu_table
from housing.demo_senior_flat import ensure_demo_senior_flat


class Command(BaseCommand):
    help = (
        "Creates the demo organisation and one user per role (sozialarbeit, teamleitung, verwaltung). "
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

    def handle(self, *args, first_run, allow_production, clients, seed, **options):
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
        if clients:
            self.seed_clients(organisation, clients, seed)

    def seed_clients(self, organisation, count, seed):
        started = time.monotonic()

        def progress(done, total):
            if total > demo.BATCH_SIZE:
                self.stdout.write(f"  {done:>7} / {total} clients ({time.monotonic() - started:.0f} s)")

        with system_context("seed_demo", organisation):
            result = demo.seed_clients(organisation=organisation, count=count, seed=seed, progress=progress)
            housing = demo_offers.seed_housing(
                organisation=organisation,
                seed=seed,
                today=timezone.localdate(),
                clients=count,
                without_history=count >= demo.WITHOUT_HISTORY_FROM,
            )
            ensure_demo_kdu_table(organisation)
            ensure_demo_senior_flat(organisation)
        with connection.cursor() as cursor:
            # Fresh statistics, so that the planner knows the tables are big now.
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Demo clients: {result.clients} clients, {result.cases} cases, {result.contacts} contacts, "
            f"{result.notices} notices, {result.tasks} tasks, {result.consents} consents, "
            f"{result.referrals} referrals (seed {seed}, {time.monotonic() - started:.1f} s)."
        )
        self.stdout.write(
            f"Demo housing: {housing['landlords']} landlords, {housing['offers']} offers, "
            f"{housing['placements']} placements, a KdU table marked as demo values, the senior shared flat."
        )
        if count >= demo.WITHOUT_HISTORY_FROM:
            self.stdout.write("  Written without change-history rows (bulk demo load).")
