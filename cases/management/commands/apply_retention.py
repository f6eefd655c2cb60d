"""Scheduled job: anonymise the clients whose retention period has ended and forget them in the history.

See ``cases.services.retention`` and docs/data-protection.md. Prints counts per category, never a name.
"""

from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from cases.services.retention import apply_retention
from hagen_zuhause.commands import organisation_from_option
from hagen_zuhause.jobs import JobCommand
from hagen_zuhause.models import Organisation

#: PostgreSQL's error code when a role lacks a privilege (or a trigger refuses it as one).
INSUFFICIENT_PRIVILEGE = "42501"


class Command(JobCommand):
    help = (
        "Anonymise clients whose retention period has ended (the organisation's settings), redact them in the "
        "change history and the access log, and delete expired access-log entries. Runs the history part as "
        "the owning role (DATABASE_OWNER_URL). A scheduled job."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count what is due; change nothing")
        parser.add_argument(
            "--organisation", help="name, short name or id of one organisation (default: every organisation)"
        )

    def run(self, *, dry_run, organisation, **options):
        if organisation:
            organisations = [organisation_from_option(organisation)]
        else:
            organisations = list(Organisation.objects.order_by("pk"))
        lines = []
        for each in organisations:
            try:
                result = apply_retention(organisation=each, dry_run=dry_run)
            except DatabaseError as error:
                if getattr(getattr(error, "__cause__", None), "pgcode", None) != INSUFFICIENT_PRIVILEGE:
                    raise
                raise CommandError(
                    _("Only the owning database role may redact the history: set DATABASE_OWNER_URL.")
                ) from error
            # Every category on its own line; the run's summary (kept in JobRun) only those that changed.
            self.stdout.write(f"{each.short_name}: {result.summary()}")
            lines.append(f"{each.short_name}: {result.summary(compact=True)}")
        if dry_run:
            lines.insert(0, _("Dry run: nothing was changed."))
        return " | ".join(lines)
