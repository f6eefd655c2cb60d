"""The state's overview (/land/): every municipality's newest submitted figures, the total, who is missing.

Two municipalities submit the third quarter of 2026: Hagen (the report factories' quarter: 5 persons,
6 contacts) and Dortmund (2 persons, 3 contacts, built here); Witten submits nothing.
"""

import csv
import io
import re
import time
from datetime import date

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cases.services.clients import target_group_join
from hagen_zuhause.codes import TargetGroup
from hagen_zuhause.middleware import SessionActivityMiddleware
from hagen_zuhause.models import AccessLog, Organisation
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from reports import snapshots, submissions
from reports.land import COLUMNS, Row, suppress_columns
from reports.masking import MASK, SUPPRESSED, mask_map
from reports.tests.factories import Q3, contact
from reports.tests.helpers import pdf_text, row, table_rows
from tests.builders import make_client

OVERVIEW = reverse("land:overview")
Q3_QUERY = {"quarter": "2026-3"}
HAGEN = "Stadt Hagen – Zentrale Fachstelle Wohnen"
DORTMUND = "Stadt Dortmund – Fachstelle Wohnungsnotfälle"


def _submit(lead, version=1):
    return submissions.submit(organisation=lead.organisation, period=Q3, actor=lead, version=version)


@pytest.fixture
def dortmund_data(outsider):
    """Dortmund's quarter: two women (one of them also EU-2), three contacts."""
    first = make_client(outsider, first_name="Dana", last_name="Dorn")
    second = make_client(outsider, first_name="Elena", last_name="Popescu")
    for client in (first, second):
        target_group_join(client=client, group=TargetGroup.WOMEN, start=date(2026, 1, 1))
    target_group_join(client=second, group=TargetGroup.EU2, start=date(2026, 1, 1))
    contact(first, date(2026, 7, 2))
    contact(first, date(2026, 8, 3))
    contact(second, date(2026, 9, 4))


@pytest.fixture
def submitted(report_data, dortmund_data, team_lead, outsider):
    """Both municipalities finalised and submitted Q3 2026; Witten exists and has not."""
    Organisation.objects.create(name="Stadt Witten – Wohnungsnotfälle", short_name="Witten", case_number_prefix="WI")
    result = {}
    for lead in (team_lead, outsider):
        snapshots.finalise(organisation=lead.organisation, period=Q3, actor=lead)
        result[lead.organisation.name] = _submit(lead)
    return result


def _cells(submission):
    report = submission.figures["report"]
    values = []
    for column in COLUMNS:
        value = report
        for key in column.path:
            value = value[key]
        values.append(value)
    return values


def test_the_state_total_is_the_sum_of_the_submitted_figures(submitted, land_user, client_of):
    html = client_of(land_user).get(OVERVIEW, Q3_QUERY).content.decode()

    hagen, dortmund = row(html, HAGEN), row(html, DORTMUND)
    # By hand: Hagen 5 persons and 6 contacts (the factories' quarter), Dortmund 2 and 3.
    assert hagen[1:3] == ["5", "6"]
    assert dortmund[1:3] == ["2", "3"]
    total = row(html, "Landessumme")
    assert total[1:3] == ["7", "9"]
    # Every headline figure: the total is the sum of the two submitted reports.
    expected = [a + b for a, b in zip(_cells(submitted[HAGEN]), _cells(submitted[DORTMUND]), strict=True)]
    assert total[1 : 1 + len(COLUMNS)] == [str(value) for value in expected]
    assert hagen[1 : 1 + len(COLUMNS)] == [str(value) for value in _cells(submitted[HAGEN])]


def test_who_has_not_submitted_is_listed_and_the_state_itself_is_not(submitted, land_user, client_of):
    html = client_of(land_user).get(OVERVIEW, Q3_QUERY).content.decode()

    missing = html.split("Noch nicht übermittelt", 1)[1]
    assert "Stadt Witten – Wohnungsnotfälle" in missing
    assert HAGEN not in missing and DORTMUND not in missing
    assert land_user.organisation.name not in html.split("<main", 1)[-1].split("Landessumme")[0]


def test_a_correction_replaces_the_earlier_version_in_the_overview(
    submitted, team_lead, social_worker, land_user, client_of
):
    late = make_client(social_worker, first_name="Nina", last_name="Nachtrag")
    contact(late, date(2026, 9, 29))
    _submit(team_lead, version=2)

    html = client_of(land_user).get(OVERVIEW, Q3_QUERY).content.decode()

    assert row(html, HAGEN)[1:3] == ["6", "7"]
    assert row(html, "Landessumme")[1:3] == ["8", "10"]
    assert row(html, HAGEN)[-1].startswith("2 vom")


def test_small_cells_of_the_breakdown_are_masked(submitted, land_user, client_of):
    html = client_of(land_user).get(OVERVIEW, Q3_QUERY).content.decode()

    rows = [cells for cells in table_rows(html) if cells and cells[0] == DORTMUND]
    breakdown = rows[3]  # after the quarter, the previous quarter and the year to date: by target group
    # seniors 0, mentally ill 0, women 2, EU-2 1: zeros stay, 1 and 2 are masked.
    assert breakdown[1:] == ["0", "0", "<3", "<3"]
    # The headline numbers are never masked (as in the published report).
    assert rows[0][1] == "2"


def test_the_state_pages_query_no_personal_data(submitted, land_user, client_of):
    browser = client_of(land_user)
    personal = {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in {"cases", "housing", "cooperation"}
    } | {"reports_reportsnapshot"}
    for query in (Q3_QUERY, *({**Q3_QUERY, "format": name} for name in ("csv", "xlsx", "pdf")), {}):
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(OVERVIEW, query).status_code == 200
        tables = {name for sql in captured for name in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', sql["sql"])}
        assert "reports_reportsubmission" in tables
        assert not tables & personal, tables & personal


def test_exports_hold_the_same_table_neutralised_and_are_logged(submitted, land_user, client_of):
    Organisation.objects.create(name="=HYPERLINK(1)", short_name="x", case_number_prefix="XX")
    browser = client_of(land_user)

    response = browser.get(OVERVIEW, {**Q3_QUERY, "format": "csv"})

    assert response["Content-Disposition"] == 'attachment; filename="land-uebersicht-2026-q3.csv"'
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:5] == ["Kommune", "Gemeindeschlüssel", "Version", "Personen mit Kontakt", "Kontakte"]
    assert lines[[line[0] for line in lines].index("Landessumme")][:5] == ["Landessumme", "", "", "7", "9"]
    assert next(line for line in lines if "HYPERLINK" in line[0])[:3] == ["'=HYPERLINK(1)", "", "nicht übermittelt"]

    workbook = load_workbook(io.BytesIO(browser.get(OVERVIEW, {**Q3_QUERY, "format": "xlsx"}).content))
    sheet_rows = [list(values) for values in workbook.active.iter_rows(values_only=True)]
    totals = next(values for values in sheet_rows if values[0] == "Landessumme")
    assert totals[3:5] == [7, 9]
    assert any(values[0] == "'=HYPERLINK(1)" for values in sheet_rows)
    logged = AccessLog.objects.filter(user=land_user, object_type="reports.state_overview")
    assert sorted(logged.values_list("detail", flat=True)) == [
        "Landesübersicht 3/2026 (CSV)",
        "Landesübersicht 3/2026 (XLSX)",
    ]


def test_a_bad_quarter_gets_a_german_message(land_user, client_of):
    response = client_of(land_user).get(OVERVIEW, {"quarter": "2031-9"})

    assert response.status_code == 400
    assert "Bitte wählen Sie eines der angebotenen Quartale." in response.content.decode()


def test_the_state_sees_only_its_page_in_the_navigation(land_user, client_of):
    browser = client_of(land_user)

    assert browser.get(reverse("dashboard")).url == OVERVIEW
    html = browser.get(OVERVIEW).content.decode()
    navigation = html.split("<main", 1)[0]
    assert "Landesübersicht" in navigation
    for section in ("/clients/", "/housing/", "/cooperation/", "/reports/", "/audit/", "/access/"):
        assert section not in navigation
    assert "Noch keine Kommune hat dieses Quartal übermittelt." in html


def test_municipalities_do_not_see_the_state_page(team_lead, client_of):
    browser = client_of(team_lead)
    assert browser.get(OVERVIEW).status_code == 403
    assert "/land/" not in browser.get(reverse("reports:index")).content.decode()


def _municipality_submits(number):
    office = Organisation.objects.create(
        name=f"Gemeinde {number} – Fachstelle", short_name=f"G{number}", case_number_prefix="G"
    )
    lead = user_create(organisation=office, username=f"lead{number}", role=Role.TEAM_LEAD, password="x" * 16)
    snapshots.finalise(organisation=office, period=Q3, actor=lead)
    _submit(lead)


def _session_just_saved(browser):
    session = browser.session
    session[SessionActivityMiddleware.key] = int(time.time())
    session.save()


def test_the_number_of_queries_does_not_grow_with_the_municipalities(land_user, client_of):
    browser = client_of(land_user)
    _municipality_submits(1)
    _session_just_saved(browser)
    with CaptureQueriesContext(connection) as one:
        browser.get(OVERVIEW, Q3_QUERY)
    for number in range(2, 6):
        _municipality_submits(number)
    _session_just_saved(browser)  # on a busy machine the submissions take more than the session's minute
    with CaptureQueriesContext(connection) as five:
        html = browser.get(OVERVIEW, Q3_QUERY).content.decode()

    assert row(html, "Gemeinde 5 – Fachstelle")
    assert len(five) == len(one) <= 25


def test_the_previous_quarter_and_the_year_to_date_come_from_the_submissions(submitted, land_user, client_of):
    html = client_of(land_user).get(OVERVIEW, Q3_QUERY).content.decode()

    totals = [cells for cells in table_rows(html) if cells and cells[0] == "Landessumme"]
    dortmund = [cells for cells in table_rows(html) if cells and cells[0] == DORTMUND]
    hagen = [cells for cells in table_rows(html) if cells and cells[0] == HAGEN]
    # By hand: Hagen had 2 persons with 2 contacts in Q2 (12.05., 30.06.), Dortmund none.
    assert hagen[1][1:3] == ["2", "2"] and dortmund[1][1:3] == ["0", "0"]
    assert totals[1][1:3] == ["2", "2"]
    # Year to date: Hagen's 5 persons once each (two of them also had Q2 contacts), 6 + 2 contacts;
    # Dortmund 2 persons, 3 contacts. The total adds the municipalities, never the quarters.
    assert hagen[2][1:3] == ["5", "8"] and dortmund[2][1:3] == ["2", "3"]
    assert totals[2][1:3] == ["7", "11"]
    assert "2. Quartal 2026" in html and "01.01.–30.09.2026" in html


def test_the_overview_shows_charts_as_inline_svg(submitted, land_user, client_of):
    html = client_of(land_user).get(OVERVIEW, Q3_QUERY).content.decode()

    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="report-chart"') == 2
    assert "Landessumme je Kennzahl" in html
    assert f"{DORTMUND}: 3. Quartal 2026" in html  # the chart's description lists every municipality
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # drawn on the server


def _row(name, raw):
    masked = mask_map(dict(enumerate(raw)))
    return Row(name, "", 1, None, [], [masked[index] for index in range(len(raw))], [], [], raw_groups=raw)


def test_a_masked_cell_cannot_be_computed_back_from_the_state_total():
    rows = [_row("A", [5, 1, 1, 9]), _row("B", [7, 1, 2, 4]), _row("C", [1, 4, 6, 3])]
    totals = [13, 6, 9, MASK]  # the last total is masked itself: nothing to compute back from

    suppress_columns(rows, totals)

    # One hidden cell (C's 1): the smallest visible cell above 2 of the column is hidden too.
    assert [row.groups[0] for row in rows] == [SUPPRESSED, 7, MASK]
    # Two hidden cells that are both 1 add up to 2 = the number of cells: hidden one more.
    assert [row.groups[1] for row in rows] == [MASK, MASK, SUPPRESSED]
    # A 1 and a 2 add up to 3, which does not tell which is which: nothing more to hide.
    assert [row.groups[2] for row in rows] == [MASK, MASK, 6]
    assert [row.groups[3] for row in rows] == [9, 4, 3]


def test_no_group_column_of_the_page_leaves_a_single_hidden_cell(submitted, land_user, client_of):
    html = client_of(land_user).get(OVERVIEW, Q3_QUERY).content.decode()

    breakdown = [cells for cells in table_rows(html) if cells and cells[0] in (HAGEN, DORTMUND, "Landessumme")][-3:]
    *municipalities, total = breakdown
    assert total[0] == "Landessumme"
    for column in range(1, len(total)):
        hidden = [cells[column] for cells in municipalities if cells[column] in (MASK, SUPPRESSED)]
        assert len(hidden) != 1 or total[column] in (MASK, SUPPRESSED), (column, breakdown)


def test_the_pdf_holds_the_tables_and_the_charts_and_is_logged(submitted, land_user, client_of):
    response = client_of(land_user).get(OVERVIEW, {**Q3_QUERY, "format": "pdf"})

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="land-uebersicht-2026-q3.pdf"'
    text = " ".join(pdf_text(response.content).split())
    assert "Eingereichte Quartalsberichte 3. Quartal 2026" in text
    assert "Vorquartal (2. Quartal 2026)" in text and "Jahr bis Quartalsende (01.01.–30.09.2026)" in text
    assert "Stadt Witten – Wohnungsnotfälle" in text  # not submitted yet
    assert "Landessumme je Kennzahl" in text
    assert AccessLog.objects.filter(user=land_user, detail="Landesübersicht 3/2026 (PDF)").exists()
