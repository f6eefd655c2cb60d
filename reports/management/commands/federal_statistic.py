"""manage.py federal_statistic --date YYYY-01-31 [-o FILE] [--organisation ORG]."""

from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hagen_zuhause.audit import log_system_access, system_context
from hagen_zuhause.commands import organisation_from_option
from hagen_zuhause.models import AccessLog
from reports import federal


class Command(BaseCommand):
    help = (
        "Writes the federal statistic of housed homeless persons (§ 4 WoBerichtsG) on a 31 January as CSV: "
        "one row per housed person including household members. To stdout without -o. Recorded in the "
        "access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", required=True, help="The reference date, always YYYY-01-31.")
        parser.add_argument("-o", "--output", help="File to write; stdout without it.")
        parser.add_argument("--organisation", help="Name or id of the organisation; needed when more than one exists.")

    def handle(self, *args, day, output, organisation, **options):
        try:
            reference = federal.check_date(date.fromisoformat(day))
        except ValueError:
            raise CommandError(_("“%(value)s” is not a date; please write YYYY-01-31.") % {"value": day}) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        organisation = organisation_from_option(organisation)
        with system_context("federal_statistic", organisation):
            found = federal.rows(organisation, reference)
            log_system_access(
                organisation,
                AccessLog.Action.EXPORT,
                object_type="reports.federal_statistic",
                object_id=reference.isoformat(),
                detail=federal.export_detail(reference),
            )
        content = federal.to_csv(found)
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(_("%(count)s rows written to %(file)s.") % {"count": len(found), "file": output})
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
