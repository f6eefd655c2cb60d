"""Every organisation keeps its own list of districts; Hagen's rows moved from code into that list."""

import pytest
from django.apps import apps
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from conftest import PASSWORD
from hagen_zuhause.database import owner_connection
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from housing.models import District, HousingOffer, HousingSearch
from housing.services.districts import districts_version
from housing.services.offers import housing_search_save
from tests.builders import make_client, make_landlord, make_offer

URL = reverse("housing:districts")


def _migration(name):
    return __import__(f"housing.migrations.{name}", fromlist=["Migration"])


def _names(organisation):
    return list(District.objects.of_organisation(organisation).order_by("position").values_list("name", flat=True))


def _rows(districts, extra=(), delete=()):
    data = {}
    forms = [(d.pk, d.name, d.position) for d in districts] + [("", name, "") for name in extra]
    forms += [("", "", "")]
    for index, (pk, name, position) in enumerate(forms):
        data[f"districts-{index}-district"] = pk
        data[f"districts-{index}-name"] = name
        data[f"districts-{index}-position"] = position
        if pk in delete:
            data[f"districts-{index}-DELETE"] = "on"
    data.update({"districts-TOTAL_FORMS": len(forms), "districts-INITIAL_FORMS": len(districts)})
    return data


def test_the_data_migration_gives_organisations_with_offers_or_searches_hagens_districts(
    organisation, other_organisation, social_worker
):
    migration = _migration("0004_hagen_districts_for_existing_rows")
    offer = make_offer(social_worker, district="haspe")
    client = make_client(social_worker)
    housing_search_save(client=client, actor=social_worker, districts=["nord", "eilpe_dahl"])
    District.objects.all().delete()  # the state before the migration: the codes only, no list

    migration.create_hagen_districts(apps, None)
    migration.create_hagen_districts(apps, None)  # running twice creates nothing twice

    assert _names(organisation) == ["Hagen-Mitte", "Hagen-Nord", "Hohenlimburg", "Eilpe/Dahl", "Haspe"]
    assert _names(other_organisation) == []  # no offer, no search: nothing to keep
    assert HousingOffer.objects.get(pk=offer.pk).get_district_display() == "Haspe"
    assert HousingSearch.objects.get(client=client).districts == ["nord", "eilpe_dahl"]

    migration.remove_hagen_districts(apps, None)
    assert _names(organisation) == []
    assert HousingOffer.objects.get(pk=offer.pk).district == "haspe"  # the rows keep their codes


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_backwards_and_forwards_without_loss(organisation, social_worker):
    make_offer(social_worker, district="hohenlimburg")
    District.objects.all().delete()
    with owner_connection() as owner:  # as `migrate` runs: the application's role may not change the schema
        executor = MigrationExecutor(owner)
        executor.migrate([("housing", "0003_districts_per_organisation")])
        executor = MigrationExecutor(owner)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    offer = HousingOffer.objects.get()
    assert offer.district == "hohenlimburg"
    assert offer.get_district_display() == "Hohenlimburg"
    assert len(_names(organisation)) == 5


def test_verwaltung_adds_renames_and_orders_districts(client_of, admin_staff, organisation):
    web = client_of(admin_staff)
    districts = list(District.objects.of_organisation(organisation).order_by("position"))
    districts[0].name = "Innenstadt"
    response = web.post(URL, _rows(districts, extra=["Boele"]))
    assert response.status_code == 302
    assert _names(organisation)[0] == "Innenstadt"
    assert "Boele" in _names(organisation)
    assert District.objects.get(organisation=organisation, name="Innenstadt").code == "mitte"  # the code stays
    assert District.objects.get(organisation=organisation, name="Boele").code == "boele"
    web.post(URL, _rows(districts, extra=["Boele"]))  # the same form sent twice
    assert _names(organisation).count("Boele") == 1
    page = web.get(URL).content.decode()
    assert 'value="Innenstadt"' in page and 'value="Boele"' in page


def test_a_district_in_use_cannot_be_removed(client_of, admin_staff, organisation):
    make_offer(admin_staff, district="haspe")
    districts = list(District.objects.of_organisation(organisation).order_by("position"))
    haspe = next(d for d in districts if d.code == "haspe")
    nord = next(d for d in districts if d.code == "nord")
    response = client_of(admin_staff).post(URL, _rows(districts, delete=(haspe.pk, nord.pk)))
    assert response.status_code == 200
    assert "Haspe wird noch von einem Angebot oder einer Wohnungssuche genannt" in response.content.decode()
    assert "Hagen-Nord" in _names(organisation)  # nothing changed
    client_of(admin_staff).post(URL, _rows(districts, delete=(nord.pk,)))
    assert "Hagen-Nord" not in _names(organisation)


def test_a_save_over_a_list_saved_meanwhile_by_someone_else_is_refused_and_changes_nothing(
    client_of, admin_staff, organisation
):
    districts = list(District.objects.of_organisation(organisation).order_by("position"))
    web = client_of(admin_staff)
    shown = web.get(URL).context["form"]["version"].value()
    assert shown == districts_version(organisation)
    districts[0].name = "Innenstadt"
    assert web.post(URL, {**_rows(districts), "version": shown}).status_code == 302  # a colleague saves first

    districts[0].name, districts[1].name = "Hagen-Mitte", "Nordstadt"
    response = web.post(URL, {**_rows(districts, extra=["Boele"]), "version": shown})

    assert response.status_code == 200
    assert "Jemand anderes hat diesen Datensatz gespeichert" in response.content.decode()
    assert _names(organisation) == ["Innenstadt", "Hagen-Nord", "Hohenlimburg", "Eilpe/Dahl", "Haspe"]


def test_two_municipalities_keep_their_own_districts(client_of, organisation, other_organisation):
    District.objects.create(organisation=other_organisation, code="innenstadt-west", name="Innenstadt-West")
    other_admin = user_create(
        organisation=other_organisation, username="verwaltung.do", role=Role.ADMINISTRATION, password=PASSWORD
    )
    make_landlord(other_admin)
    form_page = client_of(other_admin).get(reverse("housing:offer_create")).content.decode()
    assert "Innenstadt-West" in form_page and "Haspe" not in form_page
    list_page = client_of(other_admin).get(reverse("housing:offer_list")).content.decode()
    assert "Innenstadt-West" in list_page and "Hohenlimburg" not in list_page
