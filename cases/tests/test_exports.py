import csv
import io
from datetime import date

from django.urls import reverse

from cases.services.cases import case_open
from cases.services.clients import target_group_join
from hagen_zuhause.codes import CaseType, TargetGroup
from hagen_zuhause.models import AccessLog
from tests.builders import make_client


def _read(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_export_is_pseudonymised_streamed_and_logged(client_of, team_lead, social_worker):
    georgi = make_client(social_worker, first_name="Georgi", last_name="Ivanov", nationality="BG")
    target_group_join(client=georgi, group=TargetGroup.EU2, start=date(2026, 1, 1))
    case_open(client=georgi, case_type=CaseType.PROVISION, actor=social_worker)
    response = client_of(team_lead).get(reverse("cases:client_export"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = _read(response)
    assert header[0] == "fallnummer"
    assert "nachname" not in header
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["fallnummer"] == georgi.case_number
    assert row["staatsangehoerigkeit_gruppe"] == "eu2"
    assert row["zielgruppen"] == "eu2"
    assert row["offene_faelle"] == "provision"
    assert "Ivanov" not in ";".join(rows[0])
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert entry.user == team_lead
    assert "pseudonymisiert" in entry.detail


def test_names_only_when_asked_for(client_of, team_lead, social_worker):
    make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    header, row = _read(client_of(team_lead).get(reverse("cases:client_export"), {"names": "1"}))
    assert header[-2:] == ["vorname", "nachname"]
    assert row[-2:] == ["Georgi", "Ivanov"]
    assert "mit Namen" in AccessLog.objects.get().detail


def test_only_visible_clients_are_exported(client_of, team_lead, social_worker, outsider):
    make_client(outsider)
    make_client(social_worker)
    _header, *rows = _read(client_of(team_lead).get(reverse("cases:client_export")))
    assert len(rows) == 1


def test_export_queries_do_not_grow_with_rows(client_of, team_lead, social_worker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_client(social_worker)
    client = client_of(team_lead)
    with CaptureQueriesContext(connection) as few:
        _read(client.get(reverse("cases:client_export")))
    for _number in range(30):
        make_client(social_worker)
    with CaptureQueriesContext(connection) as many:
        _read(client.get(reverse("cases:client_export")))
    assert len(many) == len(few)


#: Names that a spreadsheet would run as formulas if written unchanged (OWASP, "CSV Injection").
FORMULA_NAMES = ['=HYPERLINK("http://x.example","y")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3"]


def _import_file(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["reference", "first_name", "last_name", "birth_date"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_names_that_look_like_formulas_are_exported_as_text(client_of, team_lead, social_worker):
    from cases.imports import import_clients

    for name in FORMULA_NAMES[:2]:
        make_client(social_worker, first_name=name, last_name=name, birth_date=date(1961, 3, 12))
    report = import_clients(
        organisation=team_lead.organisation,
        data=_import_file([[f"ALT-{i}", name, name, "12.03.1961"] for i, name in enumerate(FORMULA_NAMES[2:])]),
        actor=team_lead,
    )
    assert report.applied and report.created == 2

    header, *rows = _read(client_of(team_lead).get(reverse("cases:client_export"), {"names": "1"}))
    names = sorted((row[-2], row[-1]) for row in rows)
    # The apostrophe makes the spreadsheet show the text instead of running it.
    assert names == sorted(("'" + name, "'" + name) for name in FORMULA_NAMES)
    years = {row[header.index("geburtsjahr")] for row in rows}
    assert years == {"1961"}
