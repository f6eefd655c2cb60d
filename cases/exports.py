"""The CSV export of all clients a user may see: streamed row by row, never held in memory.

Pseudonymised by default (case number, birth year, codes, no names or contact data); names are
added only when asked for explicitly, and the export is logged either way.
"""

import hashlib
import hmac

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from cases.models import Case, Client, TargetGroupMembership
from hagen_zuhause.countries import nationality_group
from hagen_zuhause.spreadsheets import csv_lines

CHUNK = 2000

HEADER = [
    "fallnummer",
    "pseudonym",
    "geburtsjahr",
    "geschlecht",
    "staatsangehoerigkeit",
    "staatsangehoerigkeit_gruppe",
    "zielgruppen",
    "offene_faelle",
    "aufgenommen_am",
    "sperrvermerk",
]
NAME_COLUMNS = ["vorname", "nachname"]


def pseudonym(client_id):
    """A stable pseudonym per client and installation (keyed hash of the id)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"client:{client_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:12]


def export_queryset(user, today=None):
    today = today or timezone.localdate()
    groups = (
        TargetGroupMembership.objects.filter(client=OuterRef("pk"))
        .current(today)
        .order_by()
        .values("client")
        .annotate(codes=ArrayAgg("group", order_by="group"))
        .values("codes")
    )
    open_cases = (
        Case.objects.filter(client=OuterRef("pk"), closed_on__isnull=True)
        .order_by()
        .values("client")
        .annotate(types=ArrayAgg("case_type", order_by="case_type"))
        .values("types")
    )
    return (
        Client.objects.visible_to(user)
        .annotate(
            birth_year=Coalesce(ExtractYear("birth_date"), "birth_year_estimated", output_field=IntegerField()),
            group_codes=Subquery(groups),
            open_case_types=Subquery(open_cases),
        )
        .order_by("pk")
        .values(
            "pk",
            "case_number",
            "first_name",
            "last_name",
            "birth_year",
            "gender",
            "nationality",
            "group_codes",
            "open_case_types",
            "created_at",
            "restricted",
        )
    )


def rows(user, *, with_names=False):
    """The CSV lines (BOM first, ';' separated, cells safe for spreadsheets) for the clients the user may see."""
    return csv_lines(_values(user, with_names=with_names))


def _values(user, *, with_names):
    yield HEADER + (NAME_COLUMNS if with_names else [])
    for row in export_queryset(user).iterator(chunk_size=CHUNK):
        line = [
            row["case_number"],
            pseudonym(row["pk"]),
            row["birth_year"] or "",
            row["gender"],
            row["nationality"],
            nationality_group(row["nationality"]),
            "|".join(row["group_codes"] or []),
            "|".join(row["open_case_types"] or []),
            timezone.localtime(row["created_at"]).date().isoformat(),
            "ja" if row["restricted"] else "nein",
        ]
        if with_names:
            line += [row["first_name"], row["last_name"]]
        yield line
