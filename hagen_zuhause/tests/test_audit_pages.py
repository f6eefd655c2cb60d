"""The audit pages for the team lead: the access log filtered by user, client, kind and date (on its
indexes), and both logs exported as CSV — pseudonymised, neutralised for spreadsheets, logged."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pghistory
import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from cases.imports import import_clients
from cases.services.clients import client_update
from hagen_zuhause.audit import log_access
from hagen_zuhause.audit_exports import CHUNK
from hagen_zuhause.database import owner_connection
from hagen_zuhause.models import AccessLog
from tests.builders import make_client, make_contact

FORMULA_NAMES = ['=HYPERLINK("http://x.example","y")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3"]


def _csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def _as(user):
    return pghistory.context(user=user.pk, actor=user.username, organisation=user.organisation_id, request_id="r")


@pytest.fixture
def seen(rf, social_worker, team_lead):
    """Two clients looked at by two colleagues; a list view; an export."""
    first = make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    second = make_client(social_worker, first_name="Ana", last_name="Popescu")

    def view(user, obj, action=AccessLog.Action.VIEW, **extra):
        request = rf.get("/")
        request.user = user
        return log_access(request, action, obj, **extra)

    view(social_worker, first)
    view(team_lead, second)
    view(team_lead, first, AccessLog.Action.VIEW_RESTRICTED, detail="health notes")
    view(social_worker, None, AccessLog.Action.VIEW_LIST, object_type="cases.client", detail="Klient*innen-Liste")
    return first, second


def _shown(web, **params):
    response = web.get(reverse("audit:access"), params)
    assert response.status_code == 200
    return [(entry.actor, entry.action, entry.record_label) for entry in response.context["object_list"]]


def test_access_log_filters_by_client_case_number_user_kind_and_date(client_of, team_lead, social_worker, seen):
    first, _second = seen
    web = client_of(team_lead)

    by_client = _shown(web, client=first.case_number.lower().replace("-0", "-", 1))
    assert {(actor, action) for actor, action, _label in by_client} == {
        ("s.albers", "view"),
        ("t.lehmann", "view_restricted"),
    }
    assert {label for _actor, _action, label in by_client} == {first.case_number}
    assert {label for *_rest, label in _shown(web, user=social_worker.pk)} == {first.case_number, ""}
    assert [action for _actor, action, _label in _shown(web, action="view_list")] == ["view_list"]
    today = timezone.localdate()
    assert len(_shown(web, since=today.isoformat(), until=today.isoformat())) == 4
    assert _shown(web, until=(today - timedelta(days=1)).isoformat()) == []
    assert _shown(web, client="HA-1999-99999") == []


@pytest.mark.django_db(transaction=True)
def test_the_filters_read_the_access_log_by_its_indexes(team_lead, seen):
    from hagen_zuhause.filters import AccessLogFilterSet

    queryset = AccessLog.objects.visible_to(team_lead).recent()
    cases = {
        "accesslog_org_user_at": {"user": team_lead.pk},
        "accesslog_org_action_at": {"action": "view_restricted"},
        "accesslog_org_record_at": {"client": seen[0].case_number},
        "accesslog_org_at": {"since": "2026-01-01"},
    }
    # A year of other entries (list views of other records before 2026, every second one the team lead's,
    # the other commands'), so that each filter is selective as in a real log: on a handful of rows,
    # which other tests may have left in the worker's database, the planner rightly picks any index and
    # sorts. The team lead's own thousands make walking the user's index in time order the only good plan
    # (with only the two entries of ``seen``, the user's key alone and a sort of two rows cost the same).
    start = datetime(2025, 1, 1, tzinfo=UTC)
    AccessLog.objects.bulk_create(
        AccessLog(
            organisation=team_lead.organisation,
            at=start + timedelta(hours=number),
            user=team_lead if number % 2 else None,
            actor=team_lead.username if number % 2 else "system",
            action=AccessLog.Action.VIEW_LIST,
            object_type="cases.client",
            object_id=str(100_000 + number),
        )
        for number in range(5000)
    )
    # Fresh statistics of the committed rows: the owner's right (the application's role would be skipped).
    with owner_connection() as owner, owner.cursor() as cursor:
        cursor.execute("ANALYZE hagen_zuhause_accesslog")
    with transaction.atomic(), connection.cursor() as cursor:
        # On a handful of rows the planner rightly reads the whole table; at millions it walks the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for index, data in cases.items():
            filtered = AccessLogFilterSet(data, queryset=queryset, user=team_lead).qs[:50]
            plan = filtered.explain()
            assert index in plan, (data, plan)


def test_access_log_export_is_pseudonymised_filtered_and_logged(client_of, team_lead, social_worker, seen):
    first, _second = seen

    header, *rows = _csv(client_of(team_lead).get(reverse("audit:access_export"), {"user": social_worker.pk}))

    assert header == ["Zeitpunkt", "Benutzer*in", "Aktion", "Datensatzart", "Datensatz", "Details", "Anfrage-ID"]
    assert [row[4] for row in rows] == ["", first.case_number]
    assert "Ivanov" not in str(rows) and str(first.pk) not in [row[4] for row in rows]
    export = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert export.user == team_lead and export.object_type == "audit.access_log"
    assert export.detail == "Zugriffsprotokoll (CSV); Benutzer*in: Sonja Albers"


def test_access_log_export_reads_in_steps(client_of, team_lead, rf, social_worker):
    person = make_client(social_worker)
    request = rf.get("/")
    request.user = social_worker
    for _number in range(CHUNK + 3):
        log_access(request, AccessLog.Action.VIEW, person)

    _header, *rows = _csv(client_of(team_lead).get(reverse("audit:access_export")))

    export, *views = rows  # the export is logged before it is written, so it lists itself first
    assert export[2] == "exportiert"
    assert len(views) == CHUNK + 3
    assert {row[4] for row in views} == {person.case_number}


def test_history_export_names_fields_only_unless_values_are_asked_for(client_of, team_lead, social_worker):
    with _as(team_lead):
        person = make_client(team_lead, first_name="Georgi", last_name="Ivanov", health_notes="Diabetes")
        client_update(client=person, actor=team_lead, last_name="Iwanow", health_notes="Insulinpflichtig")
    web = client_of(team_lead)

    header, *rows = _csv(web.get(reverse("audit:history_export"), {"record_type": "cases.Client"}))
    assert header[-1] == "Feld" and "Vorher" not in header
    assert {row[4] for row in rows} == {person.case_number}
    assert "Nachname" in [row[-1] for row in rows]
    assert not [cell for row in rows for cell in row if "Ivanov" in cell or "Iwanow" in cell]

    header, *rows = _csv(web.get(reverse("audit:history_export"), {"record_type": "cases.Client", "values": "1"}))
    assert header[-3:] == ["Feld", "Vorher", "Nachher"]
    changed = {row[-3]: (row[-2], row[-1]) for row in rows if row[6] == "geändert"}
    assert changed["Nachname"] == ("Ivanov", "Iwanow")
    assert changed["Gesundheitsangaben"] == ("(geschützt)", "(geschützt)")
    assert "Insulinpflichtig" not in str(rows) and "Diabetes" not in str(rows)

    details = list(AccessLog.objects.filter(action=AccessLog.Action.EXPORT).values_list("detail", flat=True))
    assert details == [
        "Änderungsverlauf (CSV, nur Felder); Datensatzart: Klient*in",
        "Änderungsverlauf (CSV, mit Werten); Datensatzart: Klient*in",
    ]


def test_audit_exports_write_formulas_as_text(client_of, team_lead, rf):
    data = io.StringIO()
    writer = csv.writer(data, delimiter=";")
    writer.writerow(["reference", "first_name", "last_name"])
    writer.writerows([[f"ALT-{n}", name, name] for n, name in enumerate(FORMULA_NAMES)])
    with _as(team_lead):
        report = import_clients(organisation=team_lead.organisation, data=data.getvalue().encode(), actor=team_lead)
    assert report.applied and report.created == 4
    team_lead.first_name = "=1+1"
    team_lead.save()
    request = rf.get("/")
    request.user = team_lead
    log_access(request, AccessLog.Action.EXPORT, detail="-Bericht")
    web = client_of(team_lead)

    _header, *history = _csv(web.get(reverse("audit:history_export"), {"values": "1"}))
    names = {row[-1] for row in history if row[-3] == "Nachname"}
    assert names == {"'" + name for name in FORMULA_NAMES}
    _header, *access = _csv(web.get(reverse("audit:access_export")))
    assert {row[1] for row in access} == {"'=1+1 Lehmann"}
    assert "'-Bericht" in {row[5] for row in access}


def test_a_bad_filter_is_refused_with_a_german_message(client_of, team_lead):
    response = client_of(team_lead).get(reverse("audit:access_export"), {"since": "31.02.2026"})
    assert response.status_code == 400
    assert "Filter ist ungültig" in response.content.decode()
    assert not AccessLog.objects.exists()


def test_history_filters_by_client_case_number_with_the_records_about_the_client(client_of, team_lead, social_worker):
    with _as(social_worker):
        person = make_client(social_worker, first_name="Georgi", last_name="Ivanov")
        make_contact(person, social_worker, note="Beratung Ivanov")
        other = make_client(social_worker, first_name="Ana", last_name="Popescu")
        make_contact(other, social_worker, note="Beratung Popescu")
    web = client_of(team_lead)

    rows = web.get(reverse("audit:history"), {"client": person.case_number.lower()}).context["rows"]

    assert {str(row["record_type"]) for row in rows} == {"Klient*in", "Kontakt"}
    assert {row["client_number"] for row in rows} == {person.case_number}
    assert web.get(reverse("audit:history"), {"client": "HA-1999-00001"}).context["rows"] == []
