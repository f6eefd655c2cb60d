"""CSV imports (DESIGN §5): the file format, every bad row reported, all or nothing, no duplicates."""

import io
import random
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from cases import imports
from cases.imports import FieldProblem, parse_date
from cases.models import Case, CaseNumberCounter, Client, Contact, TargetGroupMembership
from hagen_zuhause.codes import CaseType, ContactType, Gender, TargetGroup
from tests.builders import make_client

DATA = Path(__file__).resolve().parent / "data"
CLIENT_HEADER = "reference;first_name;last_name;birth_date;gender;nationality;target_groups;intake_date;case_type"


def run(command, content, tmp_path, *args):
    """Run an import command on a file with this content; (stdout, stderr), or CommandError raised."""
    path = tmp_path / "import.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    out, err = io.StringIO(), io.StringIO()
    call_command(command, str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(command, content, tmp_path, *args):
    """Run an import that must be refused; returns (CommandError message, stderr)."""
    path = tmp_path / "import.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(command, str(path), *args, stdout=io.StringIO(), stderr=err)
    return str(refused.value), err.getvalue()


def clients_file(*rows, header=CLIENT_HEADER):
    return "\n".join([header, *rows]) + "\n"


def counts():
    return (
        Client.objects.count(),
        Case.objects.count(),
        TargetGroupMembership.objects.count(),
        Contact.objects.count(),
        list(CaseNumberCounter.objects.values_list("year", "last_number")),
    )


# --- Reading files ------------------------------------------------------------------------


def test_excel_file_with_bom_semicolons_german_dates_and_quotes(organisation, tmp_path):
    out, err = run("import_clients", (DATA / "clients_excel.csv").read_bytes(), tmp_path)

    assert out.strip() == "Import abgeschlossen: 3 angelegt, 0 bereits vorhanden, 0 fehlerhaft."
    assert err == ""
    georgi = Client.objects.get(reference="AZ-2019-117")
    assert (georgi.first_name, georgi.last_name, georgi.birth_date) == ("Georgi", "Ivanov", date(1961, 4, 3))
    assert (georgi.gender, georgi.nationality) == (Gender.MALE, "BG")
    assert georgi.case_number == "HA-2024-00001"  # the year of the intake
    assert "georgi ivanov" in georgi.search_text and "az-2019-117" in georgi.search_text
    assert not georgi.assigned_workers.exists()
    case = georgi.cases.get()
    assert (case.case_type, case.opened_on, case.homeless_since) == (
        CaseType.PROVISION,
        date(2024, 5, 2),
        date(2023, 1, 15),
    )
    memberships = {(m.group, m.start, m.end) for m in georgi.target_group_memberships.all()}
    assert memberships == {(TargetGroup.EU2, date(2024, 5, 2), None), (TargetGroup.SENIORS, date(2024, 5, 2), None)}

    elena = Client.objects.get(reference="AZ-2020-031")
    assert (elena.first_name, elena.last_name) == ("Elena", "Popescu; geb. Stan")
    assert elena.birth_date == date(1988, 11, 30)

    unknown = Client.objects.get(reference="AZ-2021-008")
    assert (unknown.gender, unknown.nationality, unknown.birth_date) == (Gender.UNKNOWN, "unknown", None)
    assert not unknown.cases.exists() and not unknown.target_group_memberships.exists()
    assert unknown.case_number == f"HA-{timezone.localdate().year}-00001"


def test_german_headers_and_words_are_read_like_the_codes(organisation, tmp_path):
    """What a German Excel user writes: Nachname, weiblich, Bulgarien, Prävention, the groups' German names."""
    out, err = run("import_clients", (DATA / "clients_german.csv").read_bytes(), tmp_path)

    assert out.strip() == "Import abgeschlossen: 3 angelegt, 0 bereits vorhanden, 0 fehlerhaft."
    assert err == ""
    georgi = Client.objects.get(reference="AZ-2019-117")
    assert (georgi.first_name, georgi.last_name, georgi.gender, georgi.nationality) == (
        "Georgi",
        "Ivanov",
        "male",
        "BG",
    )
    case = georgi.cases.get()
    assert (case.case_type, case.opened_on, case.homeless_since) == (
        CaseType.PROVISION,
        date(2024, 5, 2),
        date(2023, 1, 15),
    )
    assert {m.group for m in georgi.target_group_memberships.all()} == {TargetGroup.EU2, TargetGroup.SENIORS}
    elena = Client.objects.get(reference="AZ-2020-031")
    assert (elena.gender, elena.nationality, elena.cases.get().case_type) == ("female", "RO", CaseType.PREVENTION)
    assert [m.group for m in elena.target_group_memberships.all()] == [TargetGroup.WOMEN]
    unknown = Client.objects.get(reference="AZ-2021-008")
    assert (unknown.gender, unknown.nationality) == (Gender.UNKNOWN, "stateless")
    # The same people written with codes are the same records: nothing twice.
    out, _err = run("import_clients", (DATA / "clients_excel.csv").read_bytes(), tmp_path)
    assert "0 angelegt, 3 bereits vorhanden" in out


def test_german_words_are_as_strict_as_the_codes(organisation, tmp_path):
    header = "Aktenzeichen;Nachname;Geschlecht;Staatsangehörigkeit;Zielgruppen;Fallart;Aufnahmedatum"
    content = clients_file(
        "A-1;Rusu;weibl.;Rumänien;Frauen;Prävention;01.02.2025",
        "A-2;Rusu;weiblich;Rumaenien;Frau;Präventiv;01.02.2025",
        header=header,
    )
    message, err = run_failing("import_clients", content, tmp_path)

    assert "2 fehlerhafte Zeilen" in message
    # Each problem names the column as the file's header row does.
    assert "Zeile 2, Spalte Geschlecht: Unbekannter Code „weibl.“." in err
    assert "Zeile 3, Spalte Staatsangehörigkeit: Unbekannte Staatsangehörigkeit „Rumaenien“." in err
    assert "Zeile 3, Spalte Zielgruppen: Unbekannte Zielgruppe „Frau“." in err
    assert "Zeile 3, Spalte Fallart: Unbekannter Code „Präventiv“." in err
    assert not Client.objects.exists()
    # A column named twice, once in German and once as the code, is refused.
    _message, err = run_failing("import_clients", "reference;Aktenzeichen;last_name\nA-1;A-1;Rusu\n", tmp_path)
    assert "Die Kopfzeile nennt eine Spalte doppelt: reference." in err


def test_comma_file_with_columns_in_another_order_and_optional_ones_left_out(organisation, tmp_path):
    out, _err = run("import_clients", (DATA / "clients_comma.csv").read_bytes(), tmp_path)

    assert "2 angelegt" in out
    ayse = Client.objects.get(reference="K-1")
    assert (ayse.first_name, ayse.last_name, ayse.nationality) == ("Ayşe", "Yılmaz", "TR")
    assert ayse.birth_date is None
    assert Case.objects.get(client__reference="K-2").case_type == CaseType.PROVISION


def test_windows_line_endings_whitespace_and_upper_case_codes(organisation, tmp_path):
    content = (
        "reference ; last_name ; gender ; nationality ; target_groups\r\n"
        "  R-1  ;  van  der   Berg ; FEMALE ; de ; Women | seniors \r\n"
        ";;;;\r\n"
    )
    out, _err = run("import_clients", content, tmp_path)

    assert "1 angelegt" in out
    client = Client.objects.get()
    assert (client.reference, client.last_name, client.gender, client.nationality) == (
        "R-1",
        "van der Berg",
        Gender.FEMALE,
        "DE",
    )
    assert set(client.target_group_memberships.values_list("group", "start")) == {
        ("women", timezone.localdate()),
        ("seniors", timezone.localdate()),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-03-01", date(2026, 3, 1)), ("01.03.2026", date(2026, 3, 1)), ("1.3.2026", date(2026, 3, 1))],
)
def test_german_and_iso_dates(text, expected):
    assert parse_date(text, today=date(2026, 11, 25)) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02.2026", "Das Datum 31.02.2026 gibt es nicht."),
        ("2026-13-01", "Das Datum 2026-13-01 gibt es nicht."),
        ("01/03/2026", "„01/03/2026“ ist kein Datum. Bitte TT.MM.JJJJ oder JJJJ-MM-TT verwenden."),
        ("01.03.26", "„01.03.26“ ist kein Datum. Bitte TT.MM.JJJJ oder JJJJ-MM-TT verwenden."),
        ("01.12.2026", "Das Datum 01.12.2026 liegt in der Zukunft."),
        ("01.01.1850", "Das Datum 01.01.1850 liegt vor 1900."),
    ],
)
def test_impossible_dates_are_refused_with_a_german_reason(text, reason):
    with pytest.raises(FieldProblem) as problem:
        parse_date(text, today=date(2026, 11, 25))
    assert str(problem.value) == reason


def test_every_bad_row_is_reported_with_line_column_and_reason_and_nothing_is_imported(organisation, tmp_path):
    before = counts()
    content = clients_file(
        "A-1;Maria;Schmidt;01.01.1970;female;DE;;;",
        "A-2;Olga;Petrova;31.02.1980;w;BG;eu2|kinder;;",
        'A-3;Irina;"Constantin; verh. Ionescu";;;XX;;2025-01-01;',
        f"A-4;Kind;Zukunft;{date.today().year + 1}-01-01;;;;;",
    )
    message, err = run_failing("import_clients", content, tmp_path)

    assert counts() == before
    assert "Import abgebrochen: 3 fehlerhafte Zeilen, nichts wurde importiert." in message
    assert "3, 4, 5" in message
    lines = err.splitlines()
    assert "Zeile 3, Spalte birth_date: Das Datum 31.02.1980 gibt es nicht." in lines
    assert (
        "Zeile 3, Spalte gender: Unbekannter Code „w“. Erlaubt: female, male, diverse, unknown oder die deutschen "
        "Wörter „weiblich“, „männlich“, „divers“, „unbekannt“." in lines
    )
    assert any(line.startswith("Zeile 3, Spalte target_groups: Unbekannte Zielgruppe „kinder“") for line in lines)
    assert any(line.startswith("Zeile 4, Spalte nationality: Unbekannte Staatsangehörigkeit „XX“") for line in lines)
    assert "Zeile 4, Spalte case_type: " in err  # an intake date needs a case type
    assert any(line.startswith("Zeile 5, Spalte birth_date: Das Datum") and "Zukunft" in line for line in lines)
    assert "Zeile 2" not in err


def test_a_case_type_without_intake_date_opens_the_case_today(organisation, tmp_path):
    run("import_clients", clients_file("A-1;Olga;Petrova;;;;;;prevention"), tmp_path)

    case = Case.objects.get()
    assert (case.case_type, case.opened_on) == (CaseType.PREVENTION, timezone.localdate())


def test_homeless_since_needs_a_case_and_cannot_follow_the_intake(organisation, tmp_path):
    header = CLIENT_HEADER + ";homeless_since"
    content = clients_file(
        "A-1;Olga;Petrova;;;;;;;01.01.2024",
        "A-2;Ion;Rusu;;;;;01.01.2024;provision;01.02.2024",
        header=header,
    )
    _message, err = run_failing("import_clients", content, tmp_path)

    assert "Zeile 2, Spalte homeless_since:" in err
    assert "Zeile 3, Spalte homeless_since:" in err
    assert not Client.objects.exists()


def test_required_fields_and_too_many_fields(organisation, tmp_path):
    content = clients_file(";Olga;;;;;;;", "A-2;Ion;Rusu;;;;;;;extra")
    _message, err = run_failing("import_clients", content, tmp_path)

    assert "Zeile 2, Spalte reference: Pflichtfeld: darf nicht leer sein." in err
    assert "Zeile 2, Spalte last_name: Pflichtfeld: darf nicht leer sein." in err
    assert "Zeile 3: Die Zeile hat mehr Felder (10) als die Kopfzeile (9)." in err


def test_unknown_and_missing_columns_are_named(organisation, tmp_path):
    message, err = run_failing("import_clients", "reference;Name;Sex\nA-1;Rusu;m\n", tmp_path)
    assert "Zeile 1, Spalte name, sex: Unbekannte Spalten: name, sex." in err
    assert "Erlaubte Spalten: reference, first_name, last_name" in err
    assert "oder auf Deutsch: Aktenzeichen, Vorname, Nachname, Geburtsdatum, Geschlecht" in err
    assert "nichts wurde importiert" in message

    _message, err = run_failing("import_clients", "reference;first_name\nA-1;Ion\n", tmp_path)
    assert "Pflichtspalte fehlt: last_name." in err


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "Die Datei ist leer."),
        (b"\xef\xbb\xbf\r\n", "Die Datei ist leer."),
        (CLIENT_HEADER.encode() + b"\r\n", "Die Datei enthält nur die Kopfzeile und keine Datenzeilen."),
        (
            "reference;last_name\nA-1;Müller\n".encode("latin-1"),
            "Die Datei ist nicht UTF-8-kodiert. Bitte in Excel als 'CSV UTF-8' speichern.",
        ),
    ],
    ids=["empty", "only-bom", "only-header", "latin-1"],
)
def test_files_that_cannot_be_imported_get_a_clear_message(organisation, tmp_path, content, reason):
    message, err = run_failing("import_clients", content, tmp_path)

    assert reason in err
    assert "nichts wurde importiert" in message.lower()
    assert not Client.objects.exists()


# --- Duplicates and re-runs ---------------------------------------------------------------


def test_duplicate_references_in_the_file_are_errors(organisation, tmp_path):
    content = clients_file("A-1;Olga;Petrova;;;;;;", "A-2;Ion;Rusu;;;;;;", "A-1;Olga;Petrowa;;;;;;")
    _message, err = run_failing("import_clients", content, tmp_path)

    assert "Zeile 4, Spalte reference: Das Aktenzeichen „A-1“ kommt bereits in Zeile 2 vor." in err
    assert not Client.objects.exists()


def test_references_already_in_the_database_are_skipped_not_errors(organisation, social_worker, tmp_path):
    existing = make_client(social_worker, first_name="Olga", last_name="Petrova", reference="A-1")
    other_office = make_client(_outsider_in(organisation), reference="A-2")

    content = clients_file("A-1;Olga;Petrova;;;;;;", "A-2;Ion;Rusu;;;;;;")
    out, err = run("import_clients", content, tmp_path, "--organisation", organisation.name)

    assert out.strip() == "Import abgeschlossen: 1 angelegt, 1 bereits vorhanden, 0 fehlerhaft."
    assert err == ""
    assert Client.objects.filter(organisation=organisation, reference="A-1").get() == existing
    assert Client.objects.filter(organisation=organisation, reference="A-2").exists()
    assert Client.objects.filter(reference="A-2").count() == 2  # references are unique per organisation
    assert other_office.organisation != organisation


def _outsider_in(organisation):
    from hagen_zuhause.models import Organisation
    from hagen_zuhause.roles import Role
    from hagen_zuhause.services import user_create

    other = Organisation.objects.create(name="Stadt Witten", short_name="Witten", case_number_prefix="WI")
    return user_create(organisation=other, username="w.witten", role=Role.TEAM_LEAD, password="x" * 20)


def test_ten_thousand_rows_import_completely_and_a_second_run_creates_nothing(organisation, tmp_path):
    rng = random.Random(7)
    rows = []
    for number in range(10_000):
        groups = rng.choice(["", "seniors", "eu2", "women|eu2", "mental_health"])
        intake = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.choice([2024, 2025])}"
        case_type = rng.choice(["prevention", "provision"])
        rows.append(f"ALT-{number:05d};Vorname{number};Nachname{number};;;;{groups};{intake};{case_type}")
    content = clients_file(*rows)

    out, _err = run("import_clients", content, tmp_path)
    assert out.strip() == "Import abgeschlossen: 10000 angelegt, 0 bereits vorhanden, 0 fehlerhaft."
    assert Client.objects.count() == Case.objects.count() == 10_000
    numbers = set(Client.objects.values_list("case_number", flat=True))
    assert len(numbers) == 10_000

    out, _err = run("import_clients", content, tmp_path)
    assert out.strip() == "Import abgeschlossen: 0 angelegt, 10000 bereits vorhanden, 0 fehlerhaft."
    assert Client.objects.count() == 10_000


def test_skip_invalid_imports_the_valid_rows_and_reports_the_bad_ones(organisation, tmp_path):
    content = clients_file("A-1;Olga;Petrova;;;;;;", "A-2;Ion;Rusu;;x;;;;", "A-3;Ana;Pop;;;;;;")
    out, err = run("import_clients", content, tmp_path, "--skip-invalid")

    assert out.strip() == "Import abgeschlossen: 2 angelegt, 0 bereits vorhanden, 1 fehlerhaft."
    assert "Zeile 3, Spalte gender:" in err
    assert set(Client.objects.values_list("reference", flat=True)) == {"A-1", "A-3"}


def test_a_refusal_of_the_database_at_the_end_leaves_nothing_behind(organisation, tmp_path, monkeypatch):
    before = counts()

    def refuse(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(TargetGroupMembership.objects, "bulk_create", refuse)
    message, err = run_failing(
        "import_clients", clients_file("A-1;Olga;Petrova;;;BG;eu2;2025-01-01;provision"), tmp_path
    )

    assert "Die Datenbank hat den Import abgelehnt" in err
    assert "nichts wurde importiert" in message
    assert counts() == before


def test_imports_run_as_system_and_can_assign_a_worker(organisation, social_worker, tmp_path):
    run("import_clients", clients_file("A-1;Olga;Petrova;;;;;;"), tmp_path, "--assign", social_worker.username)

    client = Client.objects.get()
    assert list(client.assigned_workers.all()) == [social_worker]
    assert client.created_by is None
    event = Events.objects.filter(pgh_obj_model="cases.Client", pgh_label="insert").get()
    assert event.pgh_context["actor"] == "system"
    assert event.pgh_context["command"] == "import_clients"


def test_the_organisation_must_be_named_when_there_are_several(organisation, other_organisation, tmp_path):
    message, _err = run_failing("import_clients", clients_file("A-1;Olga;Petrova;;;;;;"), tmp_path)
    assert "--organisation" in message

    run("import_clients", clients_file("A-1;Olga;Petrova;;;;;;"), tmp_path, "--organisation", other_organisation.name)
    run("import_clients", clients_file("A-2;Ion;Rusu;;;;;;"), tmp_path, "--organisation", str(organisation.pk))
    assert Client.objects.get(reference="A-1").organisation == other_organisation
    assert Client.objects.get(reference="A-2").organisation == organisation


# --- Contacts -----------------------------------------------------------------------------


@pytest.fixture
def imported_clients(organisation, tmp_path):
    run("import_clients", (DATA / "clients_excel.csv").read_bytes(), tmp_path)
    return {client.reference: client for client in Client.objects.all()}


def test_contacts_import_is_idempotent_and_keeps_identical_rows(imported_clients, team_lead, tmp_path):
    content = (DATA / "contacts_excel.csv").read_bytes()

    out, _err = run("import_contacts", content, tmp_path)
    assert out.strip() == "Import abgeschlossen: 4 angelegt, 0 bereits vorhanden, 0 fehlerhaft."
    georgi = imported_clients["AZ-2019-117"]
    calls = georgi.contacts.filter(date=date(2024, 6, 10))
    assert calls.count() == 2  # two identical rows are two phone calls
    assert len(set(calls.values_list("import_key", flat=True))) == 2
    first = georgi.contacts.get(date=date(2024, 6, 3))
    assert (first.contact_type, first.duration_minutes, first.note) == (ContactType.OFFICE, 45, "Erstgespräch")
    assert first.case == georgi.cases.get()  # the case open on that day
    assert first.worker == team_lead  # nobody assigned: a team lead of the organisation
    visit = Contact.objects.get(client__reference="AZ-2020-031")
    assert (visit.note, visit.duration_minutes) == ("Hausbesuch; Unterlagen besprochen", None)

    out, _err = run("import_contacts", content, tmp_path)
    assert out.strip() == "Import abgeschlossen: 0 angelegt, 4 bereits vorhanden, 0 fehlerhaft."
    assert Contact.objects.count() == 4

    # The same rows written with other date formats and separators are the same contacts.
    rewritten = "client_reference,date,type,duration_minutes,note\nAZ-2019-117,2024-06-03,office,45,Erstgespräch\n"
    out, _err = run("import_contacts", rewritten, tmp_path)
    assert "0 angelegt, 1 bereits vorhanden" in out


def test_contacts_with_german_headers_and_words(imported_clients, team_lead, tmp_path):
    out, err = run("import_contacts", (DATA / "contacts_german.csv").read_bytes(), tmp_path)

    assert out.strip() == "Import abgeschlossen: 3 angelegt, 0 bereits vorhanden, 0 fehlerhaft."
    assert err == ""
    georgi = imported_clients["AZ-2019-117"]
    first = georgi.contacts.get(date=date(2024, 6, 3))
    assert (first.contact_type, first.duration_minutes, first.note) == (ContactType.OFFICE, 45, "Erstgespräch")
    assert georgi.contacts.get(date=date(2024, 6, 10)).contact_type == ContactType.PHONE
    assert Contact.objects.get(client__reference="AZ-2020-031").contact_type == ContactType.HOME_VISIT
    # The same contacts written with codes are not imported twice.
    out, _err = run("import_contacts", (DATA / "contacts_excel.csv").read_bytes(), tmp_path)
    assert out.strip() == "Import abgeschlossen: 2 angelegt, 2 bereits vorhanden, 0 fehlerhaft."


def test_contacts_of_unknown_clients_and_bad_values_are_reported(imported_clients, team_lead, tmp_path):
    before = counts()
    content = (
        "client_reference;date;type;duration_minutes;note\n"
        "AZ-2019-117;01.07.2024;office;30;\n"
        "GIBT-ES-NICHT;01.07.2024;office;30;\n"
        "AZ-2019-117;01.07.2024;Anruf;eine Stunde;\n"
        "AZ-2019-117;;phone;2000;\n"
    )
    message, err = run_failing("import_contacts", content, tmp_path)

    assert counts() == before
    assert "3 fehlerhafte Zeilen" in message
    assert "Zeile 3, Spalte client_reference: Es gibt keine Klient*in mit dem Aktenzeichen „GIBT-ES-NICHT“." in err
    assert "Zeile 4, Spalte type: Unbekannter Code „Anruf“." in err
    assert "Zeile 4, Spalte duration_minutes: „eine Stunde“ ist keine ganze Zahl von Minuten." in err
    assert "Zeile 5, Spalte date: Pflichtfeld: darf nicht leer sein." in err
    assert "Zeile 5, Spalte duration_minutes:" in err

    out, _err = run("import_contacts", content, tmp_path, "--skip-invalid")
    assert out.strip() == "Import abgeschlossen: 1 angelegt, 0 bereits vorhanden, 3 fehlerhaft."
    out, _err = run("import_contacts", content, tmp_path, "--skip-invalid")
    assert out.strip() == "Import abgeschlossen: 0 angelegt, 1 bereits vorhanden, 3 fehlerhaft."


def test_contacts_are_recorded_for_the_assigned_worker_or_the_named_one(
    organisation, social_worker, team_lead, tmp_path
):
    make_client(social_worker, reference="A-1")
    make_client(team_lead, reference="A-2")
    content = "client_reference;date;type\nA-1;01.07.2024;office\nA-2;01.07.2024;phone\n"
    run("import_contacts", content, tmp_path)
    assert dict(Contact.objects.values_list("client__reference", "worker__username")) == {
        "A-1": social_worker.username,
        "A-2": team_lead.username,
    }

    Contact.objects.all().delete()
    run("import_contacts", content, tmp_path, "--worker", team_lead.username)
    assert set(Contact.objects.values_list("worker__username", flat=True)) == {team_lead.username}


def test_validation_is_pure_preview(organisation, tmp_path):
    report = imports.validate(imports.Kind.CLIENTS, organisation=organisation, data=b"reference;last_name\nA;B\n")
    assert (report.rows, report.created, report.existing, report.applied) == (1, 1, 0, False)
    assert not Client.objects.exists()


# --- Web upload ---------------------------------------------------------------------------


def upload(browser, content, kind="clients"):
    file = io.BytesIO(content if isinstance(content, bytes) else content.encode())
    file.name = "altakten.csv"
    return browser.post(reverse("cases:import_upload"), {"kind": kind, "file": file})


def test_team_lead_uploads_sees_a_preview_confirms_and_sees_the_summary(team_lead, client_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    browser = client_of(team_lead)
    content = clients_file("A-1;Olga;Petrova;;;;;;", "A-2;Ion;Rusu;;w;;;;", "A-3;Ana;Pop;;;;eu2;2025-02-01;provision")

    preview = upload(browser, content)
    assert preview.status_code == 200
    pending = list((tmp_path / "imports").iterdir())
    assert len(pending) == 1 and pending[0].suffix == ".csv"
    again = browser.get(reverse("cases:import_upload"))  # shown again until imported or discarded
    assert again.context["form"].initial["token"] == preview.context["form"].initial["token"]

    page = preview.content.decode()
    assert "Vorschau des Imports" in page
    assert 'data-count="created">2<' in page and 'data-count="invalid">1<' in page
    assert "Unbekannter Code „w“" in page
    assert not Client.objects.exists()  # a preview imports nothing

    token = preview.context["form"].initial["token"]
    response = browser.post(
        reverse("cases:import_confirm"), {"token": token, "skip_invalid": "on", "assign_to_me": "on"}
    )
    assert response.status_code == 302
    assert set(Client.objects.values_list("reference", flat=True)) == {"A-1", "A-3"}
    assert set(Client.objects.values_list("assigned_workers", flat=True)) == {team_lead.pk}
    assert Client.objects.get(reference="A-3").created_by == team_lead
    assert not list((tmp_path / "imports").iterdir())  # the uploaded file is gone

    page = browser.get(reverse("cases:import_upload")).content.decode()
    assert "Import abgeschlossen: 2 angelegt, 0 bereits vorhanden, 1 fehlerhaft." in page
    assert "Unbekannter Code „w“" in page  # the skipped row is named

    # The token is consumed: a second confirmation does nothing.
    response = browser.post(reverse("cases:import_confirm"), {"token": token, "skip_invalid": "on"}, follow=True)
    assert "bereits ausgeführt oder ist nicht mehr vorhanden" in response.content.decode()
    assert Client.objects.count() == 2


def test_confirming_a_file_with_bad_rows_without_skipping_imports_nothing(team_lead, client_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    browser = client_of(team_lead)
    upload(browser, clients_file("A-1;Olga;Petrova;;;;;;", "A-2;Ion;Rusu;;w;;;;"))
    token = browser.get(reverse("cases:import_upload")).context["form"].initial["token"]

    response = browser.post(reverse("cases:import_confirm"), {"token": token}, follow=True)

    assert "Import abgebrochen: 1 fehlerhafte Zeile, nichts wurde importiert." in response.content.decode()
    assert not Client.objects.exists()
    assert "Vorschau des Imports" in response.content.decode()  # the preview stays for a second try


def test_a_file_that_cannot_be_read_shows_why_and_offers_no_import(team_lead, client_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    browser = client_of(team_lead)
    upload(browser, "reference;last_name\nA-1;Müller\n".encode("latin-1"))

    page = browser.get(reverse("cases:import_upload")).content.decode()

    assert "Die Datei ist nicht UTF-8-kodiert. Bitte in Excel als &#x27;CSV UTF-8&#x27; speichern." in page
    assert reverse("cases:import_confirm") not in page


def test_web_contacts_import_records_the_team_lead(team_lead, client_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = make_client(team_lead, reference="A-1")
    client.assigned_workers.clear()
    browser = client_of(team_lead)
    upload(browser, "client_reference;date;type\nA-1;01.07.2024;office\n", kind="contacts")
    token = browser.get(reverse("cases:import_upload")).context["form"].initial["token"]

    browser.post(reverse("cases:import_confirm"), {"token": token})

    assert Contact.objects.get().worker == team_lead


def test_discarding_an_upload_removes_the_file(team_lead, client_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    browser = client_of(team_lead)
    upload(browser, clients_file("A-1;Olga;Petrova;;;;;;"))

    response = browser.post(reverse("cases:import_upload"), {"discard": "1"}, follow=True)

    assert "Nichts wurde importiert" in response.content.decode()
    assert not list((tmp_path / "imports").iterdir())
    assert "Vorschau des Imports" not in browser.get(reverse("cases:import_upload")).content.decode()


def test_a_token_of_another_session_is_refused(team_lead, client_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = client_of(team_lead)
    upload(first, clients_file("A-1;Olga;Petrova;;;;;;"))
    token = first.get(reverse("cases:import_upload")).context["form"].initial["token"]

    second = client_of(team_lead)
    second.post(reverse("cases:import_confirm"), {"token": token})

    assert not Client.objects.exists()


def test_social_workers_may_not_import(social_worker, client_of):
    browser = client_of(social_worker)
    assert browser.get(reverse("cases:import_upload")).status_code == 403
    assert browser.post(reverse("cases:import_confirm"), {"token": "0" * 32}).status_code == 403
