"""manage.py quarterly_report --year Y --quarter Q --format {json,csv,xlsx,pdf} [-o FILE] [--organisation ORG]."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hagen_zuhause.audit import log_system_access, system_context
from hagen_zuhause.commands import organisation_from_option
from hagen_zuhause.models import AccessLog
from reports import exports, pdf
from reports.quarterly import QuarterlyReport, quarter_or_none

BINARY = {"xlsx", "pdf"}


class Command(BaseCommand):
    help = (
        "Writes the quarterly report of an organisation as JSON (keys as in DESIGN §4), CSV, XLSX or PDF. "
        "A finalised quarter gives its frozen figures and its stored PDF. JSON and CSV go to stdout "
        "without -o; XLSX and PDF need -o. Every run is recorded in the access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--format", dest="file_format", required=True, choices=sorted(exports.FORMATS))
        parser.add_argument("-o", "--output", help="File to write (required for xlsx and pdf).")
        parser.add_argument("--organisation", help="Name or id of the organisation; needed when more than one exists.")

    def handle(self, *args, year, quarter, file_format, output, organisation, **options):
        if file_format in BINARY and not output:
            raise CommandError(_("The %(format)s format needs an output file: -o FILE.") % {"format": file_format})
        period = quarter_or_none(year, quarter)
        if period is None:
            raise CommandError(
                _("There is no report for quarter %(quarter)s/%(year)s: it has not begun yet.")
                % {"quarter": quarter, "year": year}
            )
        organisation = organisation_from_option(organisation)
        with system_context("quarterly_report", organisation):
            report = QuarterlyReport.load(organisation, period)
            if file_format == "pdf":
                content = bytes(report.snapshot.pdf) if report.is_final else pdf.quarterly_report_pdf(report)
            else:
                content = {"csv": exports.to_csv, "xlsx": exports.to_xlsx, "json": exports.to_json}[file_format](report)
            log_system_access(
                organisation,
                AccessLog.Action.EXPORT,
                detail=exports.export_detail(period, file_format),
                **exports.export_record(report),
            )
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(
                _("%(detail)s written to %(file)s.")
                % {"detail": exports.export_detail(period, file_format), "file": output}
            )
        else:
            sys.stdout.flush()
            self.stdout.write(content.decode("utf-8"), ending="" if content.endswith(b"\n") else "\n")
