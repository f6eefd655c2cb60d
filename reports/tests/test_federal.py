"""The federal statistic on 31 January: one row per housed person, household members included."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AccommodationStay, HouseholdMember
from hagen_zuhause.codes import AccommodationKind, ProviderType
from hagen_zuhause.models import AccessLog, Organisation
from reports import federal
from tests.builders import make_client

REFERENCE = date(2026, 1, 31)
HEADER = (
    "Geschlecht;Alter am Stichtag;Staatsangehörigkeit;Haushaltstyp;Haushaltsgröße;"
    "Art der Unterbringung;Träger;Beginn der Unterbringung;Gemeindeschlüssel"
)


def test_one_row_per_housed_person_including_every_household_member(report_data, organisation):
    rows = federal.rows(organisation, REFERENCE)

    assert [tuple(vars(row).values()) for row in rows] == [
        # Sam: shelter since November, nothing known about sex, age or household.
        (
            "unbekannt",
            "unbekannt",
            "SY",
            "alleinstehend",
            1,
            "Notunterkunft",
            "Gemeinde",
            date(2025, 11, 3),
            "05914000",
        ),
        # Georgi's family moved into the transitional flat on the reference date itself.
        ("männlich", 36, "BG", "Paar mit Kind(ern)", 3, "Übergangswohnung", "freier Träger", REFERENCE, "05914000"),
        ("weiblich", 34, "BG", "Paar mit Kind(ern)", 3, "Übergangswohnung", "freier Träger", REFERENCE, "05914000"),
        ("männlich", 7, "BG", "Paar mit Kind(ern)", 3, "Übergangswohnung", "freier Träger", REFERENCE, "05914000"),
    ]


def test_stays_that_ended_before_or_began_after_the_date_and_other_organisations_are_left_out(
    social_worker, outsider, organisation
):
    before = make_client(social_worker)
    AccommodationStay.objects.create(client=before, kind="other", start=date(2025, 1, 1), end=date(2026, 1, 30))
    after = make_client(social_worker)
    AccommodationStay.objects.create(client=after, kind="other", start=date(2026, 2, 1))
    last_day = make_client(social_worker, restricted=True, birth_date=date(2000, 2, 1))
    AccommodationStay.objects.create(client=last_day, kind="other", start=date(2025, 6, 1), end=REFERENCE)
    elsewhere = make_client(outsider)
    AccommodationStay.objects.create(client=elsewhere, kind="other", start=date(2025, 1, 1))

    rows = federal.rows(organisation, REFERENCE)

    assert len(rows) == 1
    assert rows[0].age == 25  # 26th birthday on the next day
    assert rows[0].accommodation == "sonstige" and rows[0].provider == "unbekannt"


@pytest.mark.parametrize(
    ("relationships", "expected"),
    [
        ([], "alleinstehend"),
        (["child", "child"], "alleinerziehend mit Kind(ern)"),
        (["partner"], "Paar ohne Kinder"),
        (["partner", "child"], "Paar mit Kind(ern)"),
        (["partner", "parent"], "sonstiger Haushalt"),
        (["sibling"], "sonstiger Haushalt"),
    ],
)
def test_household_type_follows_the_relationships(relationships, expected):
    members = [HouseholdMember(relationship=relationship) for relationship in relationships]
    assert federal.household_type(members) == expected


def test_only_31_january_is_a_reference_date():
    with pytest.raises(ValidationError, match=r"kein 31\. Januar"):
        federal.check_date(date(2026, 1, 30))
    assert federal.check_date(date(2027, 1, 31)) == date(2027, 1, 31)


def test_csv_for_the_statistical_office(report_data, organisation):
    content = federal.to_csv(federal.rows(organisation, REFERENCE))

    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER
    assert lines[2] == "männlich;36;BG;Paar mit Kind(ern);3;Übergangswohnung;freier Träger;31.01.2026;05914000"
    assert len(lines) == 5
    assert "Иванов" not in content.decode() and "HA-" not in content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_two_queries_whatever_the_number_of_housed_people(social_worker, organisation, count):
    for number in range(count):
        client = make_client(social_worker)
        HouseholdMember.objects.create(client=client, relationship="child", birth_year=2015 + number % 5)
        AccommodationStay.objects.create(
            client=client,
            kind=AccommodationKind.EMERGENCY_SHELTER,
            provider_type=ProviderType.MUNICIPAL,
            start=date(2025, 12, 1),
        )

    with CaptureQueriesContext(connection) as queries:
        rows = federal.rows(organisation, REFERENCE)

    assert len(rows) == 2 * count
    assert len(queries) == 2


def test_team_lead_downloads_the_csv_and_the_download_is_logged(report_data, team_lead, client_of):
    response = client_of(team_lead).get(reverse("reports:federal_statistic"), {"date": "2026-01-31"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="bundesstatistik-wohnungslose-2026-01-31.csv"' in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").splitlines()[0] == HEADER
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert entry.detail == "Bundesstatistik untergebrachter wohnungsloser Personen 31.01.2026 (CSV)"


def test_another_day_is_refused_with_a_german_message(team_lead, client_of):
    response = client_of(team_lead).get(reverse("reports:federal_statistic"), {"date": "2026-02-01"})

    assert response.status_code == 400
    assert "Die Bundesstatistik wird immer zum Stichtag 31. Januar erhoben" in response.content.decode()
    assert not AccessLog.objects.exists()


def test_social_worker_may_not_download_it(social_worker, client_of):
    response = client_of(social_worker).get(reverse("reports:federal_statistic"), {"date": "2026-01-31"})
    assert response.status_code == 403


def test_command_writes_the_csv_and_logs_the_export(report_data, organisation, tmp_path):
    stdout = StringIO()
    call_command("federal_statistic", "--date", "2026-01-31", stdout=stdout)
    assert stdout.getvalue().lstrip("\ufeff").splitlines()[0] == HEADER
    target = tmp_path / "bund.csv"

    call_command("federal_statistic", "--date", "2026-01-31", "-o", str(target), stderr=StringIO())

    assert target.read_bytes().decode("utf-8-sig").count("\n") == 5
    entries = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, actor="system")
    assert entries.count() == 2


def test_command_refuses_a_day_other_than_31_january(organisation):
    with pytest.raises(CommandError, match=r"kein 31\. Januar"):
        call_command("federal_statistic", "--date", "2026-12-31")
    with pytest.raises(CommandError, match="kein Datum"):
        call_command("federal_statistic", "--date", "31.01.2026x")


def test_a_municipality_key_stored_past_the_admin_check_cannot_become_a_formula(report_data, organisation):
    """The key is the only text of the file that someone typed; the admin allows eight digits only."""
    Organisation.objects.filter(pk=organisation.pk).update(municipality_key="=1+1")
    organisation.refresh_from_db()

    lines = federal.to_csv(federal.rows(organisation, REFERENCE)).decode("utf-8-sig").splitlines()

    assert lines[2] == "männlich;36;BG;Paar mit Kind(ern);3;Übergangswohnung;freier Träger;31.01.2026;'=1+1"
