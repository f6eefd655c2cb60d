"""Landlords: kept by Verwaltung, read by social workers, listed in German order, edited without overwriting."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.services.cases import case_open
from hagen_zuhause.codes import CaseType
from hagen_zuhause.locking import record_version
from hagen_zuhause.models import AccessLog
from housing.models import CooperationStatus, Landlord, LandlordKind
from housing.services.offers import landlord_update
from housing.services.placements import placement_propose
from tests.builders import make_client, make_landlord, make_offer


def _data(**overrides):
    data = {
        "kind": LandlordKind.COOPERATIVE,
        "name": "Wohnungsgenossenschaft Hagen-Haspe eG",
        "contact_person": "Frau Kowalczyk",
        "phone": "02331 987654",
        "email": "vermietung@wg-haspe.example",
        "address": "Kölner Straße 1\n58135 Hagen",
        "cooperation_status": CooperationStatus.IN_CONTACT,
        "active": "on",
        "notes": "Ansprechbar für Einzimmerwohnungen.",
        "version": "",
    }
    data.update(overrides)
    return data


def _edit_data(landlord, **overrides):
    data = _data(
        kind=landlord.kind,
        name=landlord.name,
        cooperation_status=landlord.cooperation_status,
        version=record_version(Landlord.objects.get(pk=landlord.pk)),
    )
    data.update(overrides)
    return data


def test_verwaltung_records_a_landlord(client_of, admin_staff, organisation):
    http = client_of(admin_staff)
    response = http.post(reverse("housing:landlord_create"), _data())

    landlord = Landlord.objects.get()
    assert response.url == landlord.get_absolute_url()
    assert landlord.organisation == organisation
    assert landlord.kind == LandlordKind.COOPERATIVE
    page = http.get(response.url).content.decode()
    assert "Die Vermieter*in wurde gespeichert." in page
    assert "Frau Kowalczyk" in page


def test_a_double_submitted_landlord_form_creates_one_landlord(client_of, admin_staff):
    http = client_of(admin_staff)
    token = http.get(reverse("housing:landlord_create")).context["submit_token"]
    http.post(reverse("housing:landlord_create"), {**_data(), "submit_token": token})
    http.post(reverse("housing:landlord_create"), {**_data(), "submit_token": token})
    assert Landlord.objects.count() == 1


def test_a_landlord_needs_a_name_and_a_kind(client_of, admin_staff):
    response = client_of(admin_staff).post(reverse("housing:landlord_create"), _data(name="", kind=""))
    assert response.status_code == 200
    assert response.content.decode().count("Dieses Feld ist zwingend erforderlich.") == 2
    assert not Landlord.objects.exists()


def test_social_workers_read_landlords_but_do_not_change_them(client_of, social_worker, landlord):
    http = client_of(social_worker)
    page = http.get(landlord.get_absolute_url()).content.decode()
    assert landlord.name in page
    assert reverse("housing:landlord_edit", args=[landlord.pk]) not in page
    assert http.post(reverse("housing:landlord_edit", args=[landlord.pk]), _edit_data(landlord)).status_code == 403
    assert http.post(reverse("housing:landlord_create"), _data()).status_code == 403
    assert Landlord.objects.count() == 1


def test_an_edit_saved_meanwhile_by_someone_else_is_not_overwritten(client_of, admin_staff, landlord):
    loaded = _edit_data(landlord, phone="02331 111111")
    landlord_update(landlord=landlord, actor=admin_staff, notes="Neue Ansprechperson ab Januar")

    response = client_of(admin_staff).post(reverse("housing:landlord_edit", args=[landlord.pk]), loaded)

    assert response.status_code == 200
    assert "Jemand anderes hat diesen Datensatz gespeichert" in response.content.decode()
    landlord.refresh_from_db()
    assert landlord.phone == ""
    assert landlord.notes == "Neue Ansprechperson ab Januar"


def test_an_edit_with_the_current_version_is_saved(client_of, admin_staff, landlord):
    http = client_of(admin_staff)
    shown = http.get(reverse("housing:landlord_edit", args=[landlord.pk])).context["form"]["version"].value()
    assert shown == _edit_data(landlord)["version"]

    response = http.post(
        reverse("housing:landlord_edit", args=[landlord.pk]),
        _edit_data(landlord, cooperation_status=CooperationStatus.COOPERATING, active="", version=shown),
    )
    assert response.status_code == 302
    landlord.refresh_from_db()
    assert landlord.cooperation_status == CooperationStatus.COOPERATING
    assert not landlord.active


def test_the_list_sorts_german_names_alphabetically(client_of, social_worker, admin_staff):
    for name in ["Zander Immobilien", "Özdemir, Ayşe", "Oberhagen Wohnbau", "Ärztehaus Eilpe GbR", "Bauverein"]:
        make_landlord(admin_staff, name=name)

    response = client_of(social_worker).get(reverse("housing:landlord_list"))

    assert [landlord.name for landlord in response.context["object_list"]] == [
        "Ärztehaus Eilpe GbR",
        "Bauverein",
        "Oberhagen Wohnbau",
        "Özdemir, Ayşe",
        "Zander Immobilien",
    ]


def test_the_list_filters_by_kind_cooperation_active_and_name(client_of, social_worker, admin_staff):
    make_landlord(admin_staff, name="GWG Hagen", kind=LandlordKind.MUNICIPAL, contact_person="Herr Berg")
    make_landlord(
        admin_staff, name="Ilse Brandt", kind=LandlordKind.PRIVATE, cooperation_status=CooperationStatus.COOPERATING
    )
    make_landlord(admin_staff, name="Alte Vermietung GmbH", kind=LandlordKind.COMPANY, active=False)
    http = client_of(social_worker)

    def shown(**filters):
        return [
            landlord.name for landlord in http.get(reverse("housing:landlord_list"), filters).context["object_list"]
        ]

    assert shown(kind="private") == ["Ilse Brandt"]
    assert shown(cooperation_status="cooperating") == ["Ilse Brandt"]
    assert shown(active="no") == ["Alte Vermietung GmbH"]
    assert shown(active="yes") == ["GWG Hagen", "Ilse Brandt"]
    assert shown(q="berg") == ["GWG Hagen"]  # contact person
    assert shown(q="brandt") == ["Ilse Brandt"]
    assert (
        "Keine Vermieter*innen passen zum Filter."
        in http.get(reverse("housing:landlord_list"), {"q": "xyz"}).content.decode()
    )


def test_landlords_of_another_organisation_are_not_listed(client_of, social_worker, outsider):
    make_landlord(outsider, name="Dortmunder Wohnen")
    page = client_of(social_worker).get(reverse("housing:landlord_list")).content.decode()
    assert "Dortmunder Wohnen" not in page


def test_the_list_needs_the_same_number_of_queries_for_1_and_50_landlords(client_of, social_worker, admin_staff):
    make_offer(admin_staff, make_landlord(admin_staff, name="Vermieter 0"))
    http = client_of(social_worker)
    http.get(reverse("housing:landlord_list"))
    with CaptureQueriesContext(connection) as one:
        http.get(reverse("housing:landlord_list"))
    for number in range(1, 50):
        make_offer(admin_staff, make_landlord(admin_staff, name=f"Vermieter {number}"))
    with CaptureQueriesContext(connection) as fifty:
        response = http.get(reverse("housing:landlord_list"))
    assert len(response.context["object_list"]) == 50
    assert response.context["object_list"][0].open_offers == 1
    assert len(one) == len(fifty) <= 15


def _provision_client(actor, **fields):
    client = make_client(actor, **fields)
    case_open(client=client, case_type=CaseType.PROVISION, actor=actor)
    return client


def test_the_detail_page_shows_offers_placements_and_no_agreements_yet(client_of, social_worker, admin_staff, landlord):
    offer = make_offer(admin_staff, landlord, street="Eppenhauser Straße 40")
    placement_propose(offer=offer, client=_provision_client(social_worker, last_name="Dimitrova"), actor=social_worker)

    worker_page = client_of(social_worker).get(landlord.get_absolute_url()).content.decode()
    admin_page = client_of(admin_staff).get(landlord.get_absolute_url()).content.decode()

    for page in (worker_page, admin_page):
        assert "Eppenhauser Straße 40" in page
        assert "Kooperationsvereinbarungen" in page
        assert "Es gibt noch keine Kooperationsvereinbarungen." in page
    assert "Dimitrova" in worker_page
    assert "Dimitrova" not in admin_page
    assert "Vermittlungen in Wohnungen" not in admin_page


def test_a_restricted_clients_placement_is_hidden_from_an_unassigned_worker(
    client_of, social_worker, team_lead, admin_staff, landlord
):
    offer = make_offer(admin_staff, landlord)
    placement_propose(
        offer=offer, client=_provision_client(team_lead, last_name="Schutzmann", restricted=True), actor=team_lead
    )
    assert "Schutzmann" not in client_of(social_worker).get(landlord.get_absolute_url()).content.decode()
    assert "Schutzmann" in client_of(team_lead).get(landlord.get_absolute_url()).content.decode()


def test_viewing_a_private_landlord_is_logged(client_of, social_worker, private_landlord, landlord):
    client_of(social_worker).get(private_landlord.get_absolute_url())
    client_of(social_worker).get(landlord.get_absolute_url())

    logged = AccessLog.objects.filter(object_type="housing.landlord")
    assert list(logged.values_list("object_id", "actor", "action")) == [
        (str(private_landlord.pk), social_worker.username, AccessLog.Action.VIEW)
    ]


def test_changes_to_a_private_landlord_are_kept_in_the_history(admin_staff, private_landlord):
    landlord_update(landlord=private_landlord, actor=admin_staff, phone="0171 2345678")
    events = private_landlord.events.order_by("pgh_id")  # pghistory's event model of Landlord
    assert [event.phone for event in events] == ["02331 123456", "0171 2345678"]
