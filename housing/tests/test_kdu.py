"""The KdU check on offers, the KdU overview page and the admin where Verwaltung keeps the tables."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.kdu import ensure_demo_kdu_table
from housing import kdu
from housing.matching import offer_kdu, offer_kdu_rows
from housing.models import KduLimit, KduTable
from tests.builders import make_kdu_table, make_offer

TODAY = date(2026, 11, 25)


def _check(offer, size, on=TODAY):
    return offer_kdu(offer, kdu.table_for(offer.organisation_id, on), size)


@pytest.fixture
def flat(admin_staff, kdu_table):
    """A flat of 340 € cold rent and 80 € service costs: exactly the 420 € limit of one person."""
    return make_offer(admin_staff, cold_rent=Decimal("340.00"), service_costs=Decimal("80.00"))


def test_a_rent_exactly_at_the_limit_is_within(flat):
    result = _check(flat, 1)
    assert result.status == kdu.WITHIN
    assert result.limit == Decimal("420.00")
    assert result.reason == "Bruttokaltmiete 420,00 € liegt innerhalb des Richtwerts von 420,00 € bei Haushaltsgröße 1."


def test_one_cent_above_the_limit_exceeds(admin_staff, kdu_table):
    flat = make_offer(admin_staff, cold_rent=Decimal("340.01"), service_costs=Decimal("80.00"))
    result = _check(flat, 1)
    assert result.status == kdu.EXCEEDS
    assert result.difference == Decimal("0.01")
    assert "überschreitet den Richtwert von 420,00 €" in result.reason


def test_a_household_larger_than_the_table_gets_the_amount_per_further_person(admin_staff, kdu_table):
    flat = make_offer(admin_staff, cold_rent=Decimal("800.00"), service_costs=Decimal("160.00"))
    assert _check(flat, 6).limit == Decimal("875.00")  # 790 + 85
    assert _check(flat, 6).status == kdu.EXCEEDS
    assert _check(flat, 7).limit == Decimal("960.00")  # 790 + 2 × 85
    assert _check(flat, 7).status == kdu.WITHIN


def test_without_an_amount_per_further_person_a_larger_household_is_unknown(admin_staff, organisation):
    make_kdu_table(organisation, extra_person_amount=None)
    flat = make_offer(admin_staff)
    result = _check(flat, 6)
    assert result.status == kdu.UNKNOWN
    assert result.limit is None
    assert "keinen Richtwert für Haushaltsgröße 6" in result.reason
    assert _check(flat, 5).status == kdu.WITHIN


def test_missing_service_costs_make_the_result_unknown_not_fitting(admin_staff, kdu_table):
    flat = make_offer(admin_staff, cold_rent=Decimal("200.00"), service_costs=None)
    result = _check(flat, 1)
    assert result.status == kdu.UNKNOWN
    assert result.limit == Decimal("420.00")
    assert (
        result.reason == "Die Nebenkosten sind nicht eingetragen, daher kann die Bruttokaltmiete nicht geprüft werden."
    )


def test_without_a_valid_table_the_result_is_unknown(admin_staff, organisation):
    flat = make_offer(admin_staff)
    result = _check(flat, 2)
    assert result.status == kdu.UNKNOWN
    assert result.reason == "Für dieses Datum gilt keine KdU-Tabelle."


def test_a_table_valid_until_yesterday_is_not_used(admin_staff, organisation):
    make_kdu_table(organisation, valid_from=TODAY - timedelta(days=400), valid_until=TODAY - timedelta(days=1))
    flat = make_offer(admin_staff)
    assert _check(flat, 2).status == kdu.UNKNOWN
    assert _check(flat, 2, on=TODAY - timedelta(days=1)).status == kdu.WITHIN


def test_the_table_valid_on_the_day_is_used(admin_staff, organisation):
    make_kdu_table(organisation, limits={1: "300.00"}, valid_from=date(2020, 1, 1), valid_until=date(2025, 12, 31))
    make_kdu_table(organisation, limits={1: "500.00"}, valid_from=date(2026, 1, 1))
    flat = make_offer(admin_staff)  # 460 € gross
    assert _check(flat, 1, on=date(2025, 12, 31)).status == kdu.EXCEEDS
    assert _check(flat, 1, on=date(2026, 1, 1)).status == kdu.WITHIN


def test_the_offer_page_shows_the_result_for_households_of_one_to_six(client_of, social_worker, kdu_table):
    flat = make_offer(social_worker, cold_rent=Decimal("430.00"), service_costs=Decimal("90.00"))  # 520 €
    rows = offer_kdu_rows(flat, kdu.table_for(flat.organisation_id, timezone.localdate()))
    assert [row.status for row in rows] == ["exceeds", "exceeds", "within", "within", "within", "within"]

    page = client_of(social_worker).get(flat.get_absolute_url()).content.decode()

    assert "KdU-Prüfung dieser Wohnung nach Haushaltsgröße" in page
    assert page.count("über dem Richtwert") == 2
    assert page.count("✓ angemessen") == 4
    assert "875,00 €" in page  # 6 persons
    assert "Demowerte" not in page


def test_the_offer_page_marks_demo_values_and_a_missing_table(client_of, social_worker, organisation):
    flat = make_offer(social_worker)
    page = client_of(social_worker).get(flat.get_absolute_url()).content.decode()
    assert "Heute gilt keine KdU-Tabelle" in page

    ensure_demo_kdu_table(organisation)
    page = client_of(social_worker).get(flat.get_absolute_url()).content.decode()
    assert "Demowerte" in page
    assert "nicht die gültigen Richtwerte der Kommune" in page


def test_the_overview_shows_the_valid_table_and_the_others(client_of, social_worker, organisation, other_organisation):
    ensure_demo_kdu_table(organisation)
    make_kdu_table(organisation, limits={1: "399.00"}, valid_from=date(2019, 1, 1), valid_until=date(2023, 12, 31))
    make_kdu_table(other_organisation, limits={1: "777.00"})

    page = client_of(social_worker).get(reverse("housing:kdu_overview")).content.decode()

    assert "Heute gültig" in page
    assert "Demowerte" in page
    assert "420,00 €" in page
    assert "+ 85,00 €" in page
    assert "gültig vom 01.01.2019 bis 31.12.2023" in page
    assert "399,00 €" in page
    assert "777,00" not in page
    assert "In der Administration pflegen" not in page


def test_the_overview_links_verwaltung_to_the_admin(client_of, admin_staff, organisation):
    page = client_of(admin_staff).get(reverse("housing:kdu_overview")).content.decode()
    assert "Heute gilt keine KdU-Tabelle" in page
    assert reverse("admin:housing_kdutable_changelist") in page


# --- The admin ------------------------------------------------------------------------------


def _admin_data(**overrides):
    data = {
        "valid_from": "2027-01-01",
        "valid_until": "",
        "extra_person_amount": "90.00",
        "source": "Richtlinie der Stadt Hagen 2027",
        "limits-TOTAL_FORMS": "2",
        "limits-INITIAL_FORMS": "0",
        "limits-MIN_NUM_FORMS": "1",
        "limits-MAX_NUM_FORMS": "1000",
        "limits-0-household_size": "1",
        "limits-0-max_gross_cold_rent": "450.00",
        "limits-1-household_size": "2",
        "limits-1-max_gross_cold_rent": "545.00",
    }
    data.update(overrides)
    return data


def test_verwaltung_enters_a_table_for_its_own_organisation_in_the_admin(client_of, admin_staff, organisation):
    http = client_of(admin_staff)
    form = http.get(reverse("admin:housing_kdutable_add")).content.decode()
    assert 'name="limits-0-max_gross_cold_rent"' in form
    assert 'name="organisation"' not in form

    response = http.post(reverse("admin:housing_kdutable_add"), _admin_data())

    assert response.status_code == 302, response.content.decode()[:3000]
    table = KduTable.objects.get()
    assert table.organisation == organisation
    assert not table.is_demo
    assert list(table.limits.values_list("household_size", "max_gross_cold_rent")) == [
        (1, Decimal("450.00")),
        (2, Decimal("545.00")),
    ]
    assert "KdU 01.01.2027" in http.get(reverse("admin:housing_kdutable_changelist")).content.decode()


def test_an_overlapping_table_is_refused_with_a_german_message(client_of, admin_staff, organisation):
    ensure_demo_kdu_table(organisation)  # valid from 2024 without end

    response = client_of(admin_staff).post(reverse("admin:housing_kdutable_add"), _admin_data())

    assert response.status_code == 200
    assert "In diesem Zeitraum gilt bereits eine andere Tabelle" in response.content.decode()
    assert KduTable.objects.count() == 1


def test_verwaltung_sees_only_the_tables_of_its_organisation(client_of, admin_staff, other_organisation):
    foreign = make_kdu_table(other_organisation, source="Dortmunder Tabelle")
    http = client_of(admin_staff)
    assert "Dortmunder Tabelle" not in http.get(reverse("admin:housing_kdutable_changelist")).content.decode()
    assert http.get(reverse("admin:housing_kdutable_change", args=[foreign.pk])).status_code == 302
    assert KduLimit.objects.filter(table=foreign).count() == 5


def test_social_workers_cannot_change_the_tables(client_of, social_worker):
    response = client_of(social_worker).get(reverse("admin:housing_kdutable_changelist"))
    assert response.status_code == 302  # not staff: the admin sends to its login
    assert response.url.startswith(reverse("admin:login"))
