"""A household's housing search: created on the first save, edited without overwriting each other."""

from decimal import Decimal

import pytest
from django.urls import reverse

from hagen_zuhause.locking import record_version
from hagen_zuhause.models import AccessLog
from housing.models import HousingSearch
from housing.services.offers import housing_search_save
from tests.builders import make_client


@pytest.fixture
def client_record(social_worker):
    return make_client(social_worker, first_name="Georgi", last_name="Ivanov")


@pytest.fixture
def restricted_client(team_lead):
    """A woman with a protected address: visible to the team lead (assigned) only."""
    return make_client(team_lead, first_name="Elena", last_name="Schutz", restricted=True)


def _data(**overrides):
    data = {
        "districts": ["haspe", "eilpe_dahl"],
        "barrier_free_needed": "yes",
        "max_floor_without_lift": "1",
        "min_rooms": "1,5",
        "wbs_available": "no",
        "note": "Rollator; Hund",
        "version": "",
    }
    data.update(overrides)
    return data


def test_the_first_save_creates_the_search(client_of, social_worker, client_record):
    http = client_of(social_worker)
    url = reverse("housing:housing_search_edit", args=[client_record.pk])
    page = http.get(url).content.decode()
    assert 'type="checkbox"' in page
    assert "Hohenlimburg" in page

    response = http.post(url, _data())

    assert response.url == reverse("housing:client_offers", args=[client_record.pk])
    search = HousingSearch.objects.get(client=client_record)
    assert search.districts == ["haspe", "eilpe_dahl"]
    assert search.barrier_free_needed == "yes"
    assert search.max_floor_without_lift == 1
    assert search.min_rooms == Decimal("1.5")
    page = http.get(response.url).content.decode()
    assert "Die Wohnungssuche wurde gespeichert." in page
    assert "Haspe, Eilpe/Dahl" in page


def test_viewing_the_search_is_logged(client_of, social_worker, client_record):
    client_of(social_worker).get(reverse("housing:housing_search_edit", args=[client_record.pk]))
    assert AccessLog.objects.filter(
        object_type="cases.client", object_id=str(client_record.pk), action=AccessLog.Action.VIEW
    ).exists()


def test_no_district_ticked_means_any_district(client_of, social_worker, client_record):
    client_of(social_worker).post(reverse("housing:housing_search_edit", args=[client_record.pk]), _data(districts=[]))
    assert HousingSearch.objects.get(client=client_record).districts == []


def test_a_search_saved_meanwhile_by_someone_else_is_not_overwritten(
    client_of, social_worker, team_lead, client_record
):
    search = housing_search_save(client=client_record, actor=social_worker, districts=["mitte"])
    loaded = _data(version=record_version(HousingSearch.objects.get(pk=search.pk)))
    housing_search_save(client=client_record, actor=team_lead, note="Nur Erdgeschoss!", max_floor_without_lift=0)

    response = client_of(social_worker).post(reverse("housing:housing_search_edit", args=[client_record.pk]), loaded)

    assert response.status_code == 200
    assert "Jemand anderes hat diesen Datensatz gespeichert" in response.content.decode()
    search.refresh_from_db()
    assert search.note == "Nur Erdgeschoss!"
    assert search.districts == ["mitte"]


def test_bad_input_gets_a_german_message(client_of, social_worker, client_record):
    response = client_of(social_worker).post(
        reverse("housing:housing_search_edit", args=[client_record.pk]),
        _data(max_floor_without_lift="40", min_rooms="0", districts=["paris"]),
    )
    page = response.content.decode()
    assert "Geben Sie eine Etage zwischen −1 (Untergeschoss) und 30 ein." in page
    assert "Geben Sie mindestens ein Zimmer ein." in page
    assert not HousingSearch.objects.exists()


def test_a_restricted_client_does_not_exist_for_an_unassigned_worker(client_of, social_worker, restricted_client):
    url = reverse("housing:housing_search_edit", args=[restricted_client.pk])
    assert client_of(social_worker).get(url).status_code == 404
    assert client_of(social_worker).post(url, _data()).status_code == 404
    assert not HousingSearch.objects.exists()


def test_the_team_lead_edits_a_restricted_clients_search(client_of, team_lead, restricted_client):
    url = reverse("housing:housing_search_edit", args=[restricted_client.pk])
    assert client_of(team_lead).post(url, _data()).status_code == 302
    assert HousingSearch.objects.filter(client=restricted_client).exists()


def test_other_organisations_clients_are_not_found(client_of, outsider, social_worker):
    client = make_client(social_worker)
    url = reverse("housing:housing_search_edit", args=[client.pk])
    assert client_of(outsider).post(url, _data()).status_code == 404
