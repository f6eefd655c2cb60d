"""The quarterly report page, the lists behind its numbers, and the exports as the team lead downloads them."""

import io
import json
import subprocess
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Client
from cases.services.restriction import processing_restrict
from hagen_zuhause.models import AccessLog
from reports import definitions
from reports.models import ReportSnapshot
from reports.periods import Period
from reports.quarterly import QuarterlyReport
from reports.tests.factories import contact
from reports.tests.helpers import pdf_pages, pdf_text, row, table_rows
from tests.builders import make_client

QUARTERLY = reverse("reports:quarterly", kwargs={"year": 2026, "quarter": 3})
#: The figures of the page; without htmx the whole page with the figures in it.
FIGURES = reverse("reports:quarterly_figures", kwargs={"year": 2026, "quarter": 3})

FIGURE_TITLES = [
    "Personen mit Kontakt",
    "Kontakte",
    "Neue Fälle",
    "Wohnraumsicherung: abgeschlossene Fälle",
    "In Wohnraum vermittelt",
    "Mietverhältnis nach dem Einzug gehalten",
    "Wohnungsangebote",
    "Kooperationsvereinbarungen",
    "Senioren-WG",
    "Gruppenangebote",
    "Vermittlungen an Dienste",
]


def records_url(figure, key=None, year=2026, quarter=3):
    url = reverse("reports:records", kwargs={"year": year, "quarter": quarter, "figure": figure})
    return f"{url}?key={key}" if key else url


# --- The page ----------------------------------------------------------------------------


def test_page_shows_every_figure_beside_previous_quarter_and_year_to_date(report_data, social_worker, client_of):
    response = client_of(social_worker).get(FIGURES)

    assert response.status_code == 200
    html = response.content.decode()
    for title in FIGURE_TITLES:
        assert f">{title}</h2>" in html, title
    header = table_rows(html)[0]
    assert header == [
        "Kennzahl",
        "3. Quartal 2026",
        "2. Quartal 2026 Vorquartal",
        "01.01.–30.09.2026 Jahr bis Quartalsende",
    ]
    assert row(html, "Personen mit mindestens einem Kontakt")[1:] == ["5", "2", "5"]
    assert row(html, "Kontakte insgesamt")[1:] == ["6", "2", "8"]
    assert row(html, "Wohnungslosigkeit verhindert (Personen)")[1:] == ["4", "0", "4"]
    assert row(html, "In Wohnraum vermittelt (Personen)")[1:] == ["3", "0", "4"]  # Anna moved in on 31 March
    assert row(html, "Auslastung im Zeitraum")[1] == "16,3 %"
    assert "Das Quartal ist noch nicht abgeschlossen" in html


def test_charts_are_inline_svg_images_with_text_and_no_style_attributes(report_data, social_worker, client_of):
    html = client_of(social_worker).get(FIGURES).content.decode()

    assert html.count("<svg") == 12
    assert html.count('role="img"') == 12
    assert "<title id=" in html
    assert "Personen mit Kontakt – nach Geschlecht" in html
    # The description lists the numbers for screen readers: weiblich 2 this quarter, 0 before.
    assert "weiblich: 3. Quartal 2026 2, 2. Quartal 2026 0" in html
    assert " style=" not in html
    assert "<script" not in html.split("</main>")[0]


def test_numbers_link_to_the_records_behind_them(report_data, social_worker, client_of):
    html = client_of(social_worker).get(FIGURES).content.decode()

    assert f'href="{records_url("persons_with_contact", "by_gender.female")}"' in html
    assert f'href="{records_url("persons_with_contact", "by_gender.female", quarter=2)}"' in html
    assert f'href="{records_url("prevention", "housing_secured.persons")}"' in html
    # The goal is no count of records: no link.
    assert records_url("senior_flat", "goal") not in html


def test_team_lead_sees_exports_and_the_finalise_form_social_worker_does_not(
    report_data, social_worker, team_lead, client_of
):
    lead = client_of(team_lead).get(QUARTERLY).content.decode()
    worker = client_of(social_worker).get(QUARTERLY).content.decode()

    assert "?format=pdf" in lead and "Quartal abschließen" in lead
    assert "?format=pdf" not in worker and "Quartal abschließen" not in worker


def test_running_quarter_cannot_be_finalised_and_future_quarters_do_not_exist(team_lead, client_of):
    running = client_of(team_lead).get(reverse("reports:quarterly", kwargs={"year": 2026, "quarter": 4}))
    assert "Quartal abschließen" not in running.content.decode()
    assert "Das Quartal läuft noch" in running.content.decode()
    assert client_of(team_lead).get("/reports/quarterly/2027/1/").status_code == 404
    assert client_of(team_lead).get("/reports/quarterly/2026/5/").status_code == 404


def _clients_with_contacts(worker, count):
    for number in range(count):
        client = make_client(
            worker, nationality="BG" if number % 2 else "DE", birth_date=date(1980, 1, 1 + number % 28)
        )
        contact(client, date(2026, 8, 1))


def test_page_of_a_quarter_not_finalised_answers_first_and_loads_its_figures(report_data, team_lead, client_of):
    html = client_of(team_lead).get(QUARTERLY).content.decode()

    assert f'hx-get="{FIGURES}"' in html and 'hx-trigger="load"' in html
    assert f'href="{FIGURES}"' in html  # without JavaScript: a link to the figures
    assert "Die Zahlen werden aus den heutigen Daten gezählt." in html
    assert "Personen mit mindestens einem Kontakt" not in html
    assert "?format=pdf" in html and "Quartal abschließen" in html


def test_figures_come_as_a_fragment_for_htmx_and_as_a_page_without_it(report_data, team_lead, client_of):
    browser = client_of(team_lead)

    fragment = browser.get(FIGURES, headers={"HX-Request": "true"}).content.decode()
    page = browser.get(FIGURES).content.decode()

    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="report-figures">')
    assert row(fragment, "Personen mit mindestens einem Kontakt")[1:] == ["5", "2", "5"]
    assert "<html" in page and "Quartal abschließen" in page
    assert row(page, "Personen mit mindestens einem Kontakt")[1:] == ["5", "2", "5"]


@pytest.mark.parametrize("count", [1, 50])
def test_report_page_queries_do_not_grow_with_the_rows(social_worker, client_of, count):
    _clients_with_contacts(social_worker, count)
    browser = client_of(social_worker)
    browser.get(QUARTERLY)  # warm caches (content types, permissions)

    with CaptureQueriesContext(connection) as queries:
        response = browser.get(QUARTERLY)

    assert response.status_code == 200
    # Session, user (with the organisation, the role and the permissions) and the snapshot lookup: the figures
    # come in a request of their own.
    assert len(queries) == 3, [query["sql"][:120] for query in queries.captured_queries]


@pytest.mark.parametrize("count", [1, 50])
def test_figure_queries_do_not_grow_with_the_rows(social_worker, client_of, count):
    _clients_with_contacts(social_worker, count)
    browser = client_of(social_worker)
    browser.get(FIGURES, headers={"HX-Request": "true"})  # warm caches (content types, permissions)

    with CaptureQueriesContext(connection) as queries:
        response = browser.get(FIGURES, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert row(response.content.decode(), "Personen mit mindestens einem Kontakt")[1] == str(count)
    # Three reports (quarter, previous quarter, year to date) of a fixed number of queries each in one
    # savepoint with its work_mem, plus session, user (with the organisation, the role and the permissions)
    # and the snapshot: the same for 1 and 50 clients.
    assert len(queries) == 35, [query["sql"][:120] for query in queries.captured_queries]


# --- The lists behind the numbers -------------------------------------------------------


def test_restricted_client_is_counted_but_not_listed_for_an_unassigned_social_worker(
    report_data, social_worker, client_of
):
    response = client_of(social_worker).get(records_url("persons_with_contact"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "5 Personen gezählt" in html
    assert "Anna Müller" in html and "Георги Иванов" in html and "Jörg Weißbäcker" in html
    assert "Schutz" not in html
    assert "1 weitere Person mit Sperrvermerk ist mitgezählt, aber nicht aufgeführt." in html


def test_team_lead_sees_the_restricted_client_in_the_list(report_data, team_lead, client_of):
    html = client_of(team_lead).get(records_url("persons_with_contact", "by_gender.female")).content.decode()

    assert "Elena Schutz" in html and "Anna Müller" in html
    assert "Sperrvermerk" not in html


def test_a_client_whose_processing_is_restricted_is_marked_read_only_in_the_records(report_data, team_lead, client_of):
    url = records_url("persons_with_contact")
    assert "nur lesbar" not in client_of(team_lead).get(url).content.decode()
    anna = Client.objects.get(first_name="Anna", last_name="Müller")
    processing_restrict(client=anna, actor=team_lead, reason="Richtigkeit bestritten")

    html = client_of(team_lead).get(url).content.decode()

    assert f"{anna.case_number} · Anna Müller (nur lesbar: Verarbeitung eingeschränkt oder anonymisiert)" in html
    assert html.count("nur lesbar") == 1


def test_records_of_a_restricted_client_are_counted_but_not_listed(report_data, social_worker, client_of):
    html = client_of(social_worker).get(records_url("contacts", "by_type.accompaniment")).content.decode()

    assert "1 Datensatz gezählt" in html
    assert "Keine Datensätze anzuzeigen." in html
    assert "1 weiterer Eintrag zu Personen mit Sperrvermerk ist mitgezählt, aber nicht aufgeführt." in html


def test_another_organisation_never_sees_these_records(report_data, outsider, client_of):
    html = client_of(outsider).get(records_url("persons_with_contact")).content.decode()

    assert "0 Personen gezählt" in html
    assert "Müller" not in html and "Sperrvermerk" not in html


@pytest.mark.parametrize(
    ("figure", "key", "expected"),
    [
        ("persons_with_contact", "by_age_band.65_plus", "Anna Müller"),
        ("persons_with_contact", "by_nationality_group.eu2", "Георги Иванов"),
        ("persons_with_contact", "by_target_group.none", "Sam Öztürk"),
        ("placements", "by_target_group.eu2", "Volmestraße 12"),
        ("tenancy_sustained", "by_follow_up.6_months.held", "Haspe Markt 1"),
        ("prevention", "housing_secured.persons", "Jörg Weißbäcker"),
        ("housing_offers", "by_landlord_kind.cooperative", "Volmestraße 12"),
        ("agreements", "active", "Kooperation SpDi"),
        ("senior_flat", "occupied", "Anna Müller"),
        ("group_offers", "by_target_group.women", "Frauenfrühstück"),
        ("referrals", "by_outcome.open", "SpDi Hagen"),
    ],
)
def test_each_breakdown_lists_its_records(report_data, social_worker, client_of, figure, key, expected):
    response = client_of(social_worker).get(records_url(figure, key))

    assert response.status_code == 200
    assert expected in response.content.decode()


def test_the_records_behind_homelessness_prevented_add_up_to_its_persons(report_data, social_worker, client_of):
    html = client_of(social_worker).get(FIGURES).content.decode()
    persons = int(row(html, "Wohnungslosigkeit verhindert (Personen)")[1])

    records = client_of(social_worker).get(records_url("prevention", "housing_secured.persons"))
    rows = table_rows(records.content.decode())
    column = rows[0].index("Personen beim Abschluss")
    assert persons > len(rows) - 1  # a household of more than one person is among them
    assert sum(int(cells[column]) for cells in rows[1:]) == persons


def test_unknown_figures_and_keys_answer_404(social_worker, client_of):
    browser = client_of(social_worker)
    assert browser.get(records_url("persons_with_contact", "by_gender.robot")).status_code == 404
    assert browser.get(records_url("senior_flat", "goal")).status_code == 404
    assert browser.get(records_url("salaries")).status_code == 404


@pytest.mark.parametrize("count", [1, 50])
def test_record_list_queries_do_not_grow_with_the_rows(social_worker, client_of, count):
    _clients_with_contacts(social_worker, count)
    browser = client_of(social_worker)
    url = records_url("contacts")
    browser.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)

    assert response.status_code == 200
    # Six to read the page (the user with the organisation, the role and the permissions in one query), two
    # to log it (the list names clients): whose cover is in force, the row.
    assert len(queries) == 8, [query["sql"][:120] for query in queries.captured_queries]


# --- Exports ------------------------------------------------------------------------------


def _exported(details):
    return list(AccessLog.objects.filter(action=AccessLog.Action.EXPORT).values_list("detail", flat=True)) == details


def test_pdf_export_has_the_figures_page_numbers_and_the_definitions(report_data, team_lead, client_of):
    response = client_of(team_lead).get(QUARTERLY + "?format=pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="quartalsbericht-2026-q3.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Stadt Hagen – Zentrale Fachstelle Wohnen · Endlich ein ZUHAUSE!" in text  # the organisation's name
    assert "Endlich ein ZUHAUSE!" in text
    assert "Quartalsbericht 3. Quartal 2026" in text
    assert "Seite 1 von" in text
    assert "Personen mit mindestens einem Kontakt" in text
    assert "Wohnungslosigkeit verhindert (Personen)" in text
    assert "Anhang: Definitionen der Kennzahlen" in text
    assert "vollendeten Lebensjahren" in text
    assert "Vorläufig" in text
    assert _exported(["Quartalsbericht 3/2026 (PDF)"])


def _page_texts(content):
    """The text of every page of a PDF, whitespace folded."""
    pages = []
    for number in range(1, pdf_pages(content) + 1):
        result = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-", "-"],
            input=bytes(content),
            capture_output=True,
            check=True,
        )
        pages.append(" ".join(result.stdout.decode("utf-8").split()))
    return pages


def test_pdf_keeps_charts_with_their_table_and_speaks_german_in_the_appendix(report_data, team_lead, client_of):
    content = client_of(team_lead).get(QUARTERLY + "?format=pdf").content
    pages = _page_texts(content)
    report = QuarterlyReport.fresh(team_lead.organisation, Period.quarter_of(2026, 3))

    # Figures short enough for one page (all but "Personen mit Kontakt", whose four breakdowns and charts
    # take two): the charts stand on the page where the table starts.
    charted = [(table, chart) for table in report.figure_tables() if len(table.rows) <= 15 for chart in table.charts]
    assert len(charted) >= 4
    for table, chart in charted:
        caption = " ".join(chart["title"].split())
        first_row = str(table.rows[0].label)  # the table's first line, never part of a chart
        chart_page = next(number for number, text in enumerate(pages) if caption in text)
        assert first_row in pages[chart_page], f"{caption} is not on the page where its table starts"
    start = next(index for index, text in enumerate(pages) if "Anhang: Definitionen" in text)
    appendix = " ".join(pages[start:])
    for section in definitions.appendix():
        if section.key:
            assert f"({section.key})" not in appendix


def test_no_chart_when_every_bar_would_be_zero(organisation, report_data, team_lead):
    """An office without any figures in a quarter gets tables of zeros, but no empty charts."""
    empty = QuarterlyReport.fresh(team_lead.organisation, Period.quarter_of(2025, 1))
    assert [table.charts for table in empty.figure_tables()] == [[] for _table in empty.figure_tables()]
    with_data = QuarterlyReport.fresh(team_lead.organisation, Period.quarter_of(2026, 3))
    charts = [chart for table in with_data.figure_tables() for chart in table.charts]
    assert charts
    gender = next(table for table in with_data.figure_tables() if table.key == "persons_with_contact")
    assert any("Geschlecht" in chart["title"] for chart in gender.charts)


def test_csv_export_opens_in_german_excel(report_data, team_lead, client_of):
    response = client_of(team_lead).get(QUARTERLY + "?format=csv")

    content = response.content
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Kennzahl;Aufschlüsselung;Code;Bezeichnung;Wert;Vorquartal;Jahr bis Quartalsende"
    assert "persons_with_contact;;total;Personen mit mindestens einem Kontakt;5;2;5" in lines
    assert "persons_with_contact;by_nationality_group;eu2;Bulgarien und Rumänien (EU-2);2;1;2" in lines
    assert "persons_with_contact;by_target_group;seniors;Ältere langzeitwohnungslose Menschen;1;0;1" in lines
    assert "senior_flat;;occupancy_rate;Auslastung im Zeitraum;0,1630;0,0000;0,1630" in lines
    assert _exported(["Quartalsbericht 3/2026 (CSV)"])


def test_xlsx_export_holds_the_totals_and_the_definitions(report_data, team_lead, client_of):
    response = client_of(team_lead).get(QUARTERLY + "?format=xlsx")

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Kennzahlen", "Definitionen", "Angaben"]
    rows = list(workbook["Kennzahlen"].iter_rows(values_only=True))
    assert rows[1] == (
        "Kennzahl",
        "Aufschlüsselung",
        "Bezeichnung",
        "3. Quartal 2026",
        "2. Quartal 2026 (Vorquartal)",
        "Jahr bis Quartalsende (01.01.–30.09.2026)",
        "Code",
    )
    totals = {r[-1]: r[3:6] for r in rows[2:]}
    assert totals["persons_with_contact.total"] == (5, 2, 5)
    assert totals["contacts.total"] == (6, 2, 8)
    assert totals["placements.persons"] == (3, 0, 4)
    female = next(r for r in rows[2:] if r[-1] == "persons_with_contact.by_gender.female")
    assert female[:3] == ("Personen mit Kontakt", "nach Geschlecht", "weiblich")
    definitions = [r[0] for r in workbook["Definitionen"].iter_rows(values_only=True)]
    assert "Personen mit Kontakt" in definitions
    # Every sheet says whose figures of which quarter these are, and that they are not final yet.
    for sheet in workbook:
        title = sheet["A1"].value
        assert title.startswith("Quartalsbericht 3. Quartal 2026 – "), sheet.title
        assert team_lead.organisation.name in title and "01.07.2026 – 30.09.2026" in title
        assert "vorläufig, berechnet am" in title
    # No English code in the German columns.
    assert not [r for r in rows[2:] if "_" in "".join(str(value) for value in r[:3] if value)]
    assert _exported(["Quartalsbericht 3/2026 (XLSX)"])


def test_json_export_has_the_contract_keys(report_data, team_lead, client_of):
    response = client_of(team_lead).get(QUARTERLY + "?format=json")

    data = json.loads(response.content)
    assert data["period"] == {"year": 2026, "quarter": 3, "start": "2026-07-01", "end": "2026-09-30"}
    assert data["persons_with_contact"]["total"] == 5
    assert data["persons_with_contact"]["by_gender"] == {"female": 2, "male": 2, "diverse": 0, "unknown": 1}
    assert data["new_cases"]["by_type"] == {"prevention": 1, "provision": 1}
    assert _exported(["Quartalsbericht 3/2026 (JSON)"])


@pytest.mark.parametrize("file_format", ["pdf", "csv", "xlsx", "json"])
def test_social_worker_may_not_export(report_data, social_worker, client_of, file_format):
    response = client_of(social_worker).get(f"{QUARTERLY}?format={file_format}")

    assert response.status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_verwaltung_reads_no_report(admin_staff, client_of):
    browser = client_of(admin_staff)
    assert browser.get(QUARTERLY).status_code == 403
    assert browser.get(records_url("persons_with_contact")).status_code == 403


def test_unknown_export_format_is_404(team_lead, client_of):
    assert client_of(team_lead).get(QUARTERLY + "?format=docx").status_code == 404


# --- The reports page ---------------------------------------------------------------------


def test_reports_page_lists_the_quarters_and_offers_the_federal_statistic_to_the_team_lead(
    team_lead, social_worker, client_of
):
    lead = client_of(team_lead).get(reverse("reports:index")).content.decode()
    worker = client_of(social_worker).get(reverse("reports:index")).content.decode()

    for label in ["4. Quartal 2026", "3. Quartal 2026", "2. Quartal 2026", "1. Quartal 2026", "4. Quartal 2025"]:
        assert label in lead
    assert "läuft" in lead and "nicht abgeschlossen" in lead
    assert "Bundesstatistik" in lead and 'value="2026-01-31"' in lead
    assert "Bundesstatistik" not in worker


@pytest.mark.parametrize("count", [1, 12])
def test_reports_page_queries_do_not_grow_with_the_finalised_reports(team_lead, client_of, count):
    for number in range(count):
        ReportSnapshot.objects.create(
            organisation=team_lead.organisation,
            year=2020 + number // 4,
            quarter=number % 4 + 1,
            figures={},
            pdf=b"%PDF-1.4",
            finalised_by=team_lead,
        )
    browser = client_of(team_lead)
    browser.get(reverse("reports:index"))

    with CaptureQueriesContext(connection) as queries:
        response = browser.get(reverse("reports:index"))

    assert response.content.decode().count("?format=pdf") == count
    assert len(queries) == 3, [query["sql"][:120] for query in queries.captured_queries]


def test_exports_write_names_that_look_like_formulas_as_text(report_data, organisation, team_lead, client_of):
    """The office's name (kept in the admin) and the finaliser's name are text someone typed."""
    from reports.periods import Period
    from reports.snapshots import finalise

    organisation.name = '=HYPERLINK("http://x.example","y")'
    organisation.save()
    team_lead.first_name, team_lead.last_name = "@SUM(1+1)", "-2+3"
    team_lead.save()
    finalise(organisation=organisation, period=Period.quarter_of(2026, 3), actor=team_lead, today=date(2026, 10, 5))
    lead = client_of(team_lead)

    workbook = load_workbook(io.BytesIO(lead.get(QUARTERLY + "?format=xlsx").content))
    facts = {row[0].value: row[1] for row in workbook["Angaben"].iter_rows()}
    office = facts["Dienststelle"]
    assert (office.data_type, office.value) == ("s", '\'=HYPERLINK("http://x.example","y")')
    totals = {r[-1]: r[3:6] for r in workbook["Kennzahlen"].iter_rows(min_row=3, values_only=True)}
    assert totals["persons_with_contact.total"] == (5, 2, 5)
    assert "abgeschlossen am" in workbook["Kennzahlen"]["A1"].value
    for sheet in workbook:
        for cells in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in cells), sheet.title

    lines = lead.get(QUARTERLY + "?format=csv").content.decode("utf-8-sig").splitlines()
    assert "persons_with_contact;;total;Personen mit mindestens einem Kontakt;5;2;5" in lines
    cells = [cell for line in lines for cell in line.split(";")]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
