"""manage.py quarterly_report in every format: the same numbers as the page, logged as the system."""

import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from hagen_zuhause.models import AccessLog
from reports import snapshots
from reports.tests.factories import Q3
from reports.tests.helpers import pdf_text

ARGS = ["quarterly_report", "--year", "2026", "--quarter", "3"]

#: The codes of every map as DESIGN §4 lists them.
CONTRACT = {
    "persons_with_contact": {
        "by_gender": {"female", "male", "diverse", "unknown"},
        "by_target_group": {"seniors", "mental_health", "women", "eu2", "none"},
        "by_age_band": {"under_18", "18_24", "25_29", "30_39", "40_49", "50_59", "60_64", "65_plus", "unknown"},
        "by_nationality_group": {"germany", "eu2", "other_eu", "non_eu", "unknown"},
    },
    "contacts": {"by_type": {"office", "outreach", "phone", "home_visit", "accompaniment", "other"}},
    "new_cases": {"by_type": {"prevention", "provision"}},
    "prevention": {
        "by_outcome": {"tenancy_kept", "alternative_flat", "lost_shelter", "lost_other", "contact_lost", "moved_away"}
    },
    "placements": {"by_target_group": {"seniors", "mental_health", "women", "eu2", "none"}},
    "housing_offers": {"by_landlord_kind": {"municipal", "cooperative", "company", "private"}},
    "group_offers": {"by_target_group": {"seniors", "mental_health", "women", "eu2", "none"}},
    "referrals": {
        "by_partner_kind": {
            "housing_company",
            "health_office_spdi",
            "care_counselling",
            "welfare_org",
            "womens_counselling",
            "jobcenter",
            "other",
        },
        # The four outcomes of §2, plus referrals without an outcome yet.
        "by_outcome": {"accepted", "client_declined", "provider_declined", "completed", "open"},
    },
}
FIGURES = [
    "persons_with_contact",
    "contacts",
    "new_cases",
    "prevention",
    "placements",
    "tenancy_sustained",
    "housing_offers",
    "agreements",
    "senior_flat",
    "group_offers",
    "referrals",
]


def run(*extra):
    stdout = StringIO()
    call_command(*ARGS, *extra, stdout=stdout, stderr=StringIO())
    return stdout.getvalue()


def test_json_to_stdout_has_exactly_the_keys_of_the_contract(report_data, organisation):
    data = json.loads(run("--format", "json"))

    assert list(data) == ["period", *FIGURES]
    assert data["period"] == {"year": 2026, "quarter": 3, "start": "2026-07-01", "end": "2026-09-30"}
    for figure in FIGURES:
        assert "total" in data[figure], figure
    for figure, maps in CONTRACT.items():
        for name, codes in maps.items():
            assert set(data[figure][name]) == codes, f"{figure}.{name}"
    assert set(data["prevention"]["housing_secured"]) >= {"households", "persons"}
    assert set(data["placements"]) >= {"households", "persons"}
    assert set(data["tenancy_sustained"]["by_follow_up"]) == {"6_months", "12_months"}
    assert set(data["agreements"]) >= {"signed", "active"}
    assert set(data["senior_flat"]) >= {"places", "goal", "occupied", "occupancy_rate"}
    assert data["persons_with_contact"]["total"] == 5
    entry = AccessLog.objects.get()
    assert (entry.actor, entry.action, entry.detail) == ("system", "export", "Quartalsbericht 3/2026 (JSON)")


def test_csv_to_stdout(report_data, organisation):
    lines = run("--format", "csv").lstrip("\ufeff").splitlines()

    assert lines[0].split(";") == [
        "Kennzahl",
        "Aufschlüsselung",
        "Code",
        "Bezeichnung",
        "Wert",
        "Vorquartal",
        "Jahr bis Quartalsende",
    ]
    assert "prevention;housing_secured;persons;Wohnungslosigkeit verhindert (Personen);4;0;4" in lines


def test_xlsx_and_pdf_need_an_output_file(organisation):
    for file_format in ("xlsx", "pdf"):
        with pytest.raises(CommandError, match="braucht eine Ausgabedatei"):
            run("--format", file_format)


def test_xlsx_to_a_file(report_data, organisation, tmp_path):
    target = tmp_path / "bericht.xlsx"

    run("--format", "xlsx", "-o", str(target))

    sheet = load_workbook(io.BytesIO(target.read_bytes()))["Kennzahlen"]
    values = {row[-1]: row[3] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert values["persons_with_contact.total"] == 5
    assert values["prevention.housing_secured.persons"] == 4
    assert values["persons_with_contact.by_gender.female"] == 2
    assert AccessLog.objects.get().detail == "Quartalsbericht 3/2026 (XLSX)"


def test_pdf_to_a_file_is_the_stored_one_once_finalised(report_data, organisation, team_lead, tmp_path):
    fresh = tmp_path / "vorlaeufig.pdf"
    run("--format", "pdf", "-o", str(fresh))
    assert "Vorläufig" in pdf_text(fresh.read_bytes())
    assert "Seite 1 von" in pdf_text(fresh.read_bytes())

    snapshot = snapshots.finalise(organisation=organisation, period=Q3, actor=team_lead)
    final = tmp_path / "abgeschlossen.pdf"
    run("--format", "pdf", "-o", str(final))

    assert final.read_bytes() == bytes(snapshot.pdf)


def test_organisation_must_be_named_when_there_are_several(organisation, other_organisation):
    with pytest.raises(CommandError, match="mehrere Dienststellen"):
        run("--format", "json")
    data = json.loads(run("--format", "json", "--organisation", other_organisation.name))
    assert data["persons_with_contact"]["total"] == 0


def test_the_state_is_never_the_organisation_of_a_command(report_data, organisation, state_organisation):
    """The demo installation holds the state's organisation too; the commands still need no option."""
    data = json.loads(run("--format", "json"))
    assert data["persons_with_contact"]["total"] == 5
    with pytest.raises(CommandError, match="Es gibt keine Dienststelle"):
        run("--format", "json", "--organisation", state_organisation.name)


def test_a_quarter_that_has_not_begun_is_refused(organisation):
    with pytest.raises(CommandError, match="noch nicht begonnen"):
        call_command("quarterly_report", "--year", "2030", "--quarter", "1", "--format", "json", stdout=StringIO())
