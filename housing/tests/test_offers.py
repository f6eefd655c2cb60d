"""Housing offers: recording, editing without overwriting each other, the status lifecycle, the list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.services.cases import case_open
from hagen_zuhause.codes import CaseType
from hagen_zuhause.locking import record_version
from housing.models import DeclineReason, HousingOffer, LandlordKind, OfferStatus, Placement, PlacementStep
from housing.services.offers import offer_update
from housing.services.placements import placement_advance, placement_propose
from tests.builders import SKIPPED, make_client, make_landlord, make_offer


def _form_data(landlord, user, **overrides):
    data = {
        "landlord": landlord.pk,
        "street": "Hohenzollernstraße 12",
        "postcode": "58095",
        "district": "mitte",
        "living_space": "48,5",
        "rooms": "2",
        "floor": "0",
        "lift": "no",
        "barrier_free": "yes",
        "cold_rent": "350,00",
        "service_costs": "70,00",
        "heating_costs": "60,00",
        "deposit": "1050,00",
        "wbs_required": "no",
        "available_from": "",
        "acquired_by": user.pk,
        "acquired_on": timezone.localdate().isoformat(),
        "status": OfferStatus.AVAILABLE,
        "notes": "",
        "version": "",
    }
    data.update(overrides)
    return data


def _edit_data(offer, **overrides):
    data = _form_data(offer.landlord, offer.acquired_by)
    data.update(
        street=offer.street,
        cold_rent=str(offer.cold_rent),
        service_costs=str(offer.service_costs) if offer.service_costs is not None else "",
        status=offer.status,
        acquired_on=offer.acquired_on.isoformat(),
        version=record_version(HousingOffer.objects.get(pk=offer.pk)),
    )
    data.update(overrides)
    return data


def test_verwaltung_records_an_offer_acquired_by_itself_today(client_of, admin_staff, landlord):
    page = client_of(admin_staff).get(reverse("housing:offer_create")).content.decode()
    assert 'type="date"' in page
    assert f'<option value="{admin_staff.pk}" selected>' in page

    response = client_of(admin_staff).post(reverse("housing:offer_create"), _form_data(landlord, admin_staff))

    offer = HousingOffer.objects.get()
    assert response.status_code == 302
    assert response.url == offer.get_absolute_url()
    assert offer.acquired_by == admin_staff
    assert offer.acquired_on == timezone.localdate()
    assert offer.status == OfferStatus.AVAILABLE
    assert offer.living_space == Decimal("48.5")
    assert offer.gross_cold_rent == Decimal("420.00")


def test_a_double_submitted_offer_form_creates_one_offer(client_of, social_worker, landlord):
    http = client_of(social_worker)
    token = http.get(reverse("housing:offer_create")).context["submit_token"]
    data = {**_form_data(landlord, social_worker), "submit_token": token}

    first = http.post(reverse("housing:offer_create"), data)
    second = http.post(reverse("housing:offer_create"), data)

    assert HousingOffer.objects.count() == 1
    assert first.url == second.url == HousingOffer.objects.get().get_absolute_url()
    assert "Dieses Formular wurde bereits gespeichert." in http.get(second.url).content.decode()


def test_bad_input_gets_a_german_message_and_saves_nothing(client_of, social_worker, landlord):
    response = client_of(social_worker).post(
        reverse("housing:offer_create"), _form_data(landlord, social_worker, postcode="5809", cold_rent="-5")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Eine Postleitzahl hat fünf Ziffern." in page
    assert "Der Betrag darf nicht negativ sein." in page
    assert not HousingOffer.objects.exists()


def test_landlords_of_another_organisation_cannot_be_chosen(client_of, social_worker, outsider):
    foreign = make_landlord(outsider, name="Dortmunder Wohnen")
    page = client_of(social_worker).get(reverse("housing:offer_create")).content.decode()
    assert "Dortmunder Wohnen" not in page

    response = client_of(social_worker).post(reverse("housing:offer_create"), _form_data(foreign, social_worker))

    assert response.status_code == 200
    assert not HousingOffer.objects.exists()


def test_an_edit_saved_meanwhile_by_someone_else_is_not_overwritten(client_of, social_worker, team_lead, offer):
    loaded = _edit_data(offer, cold_rent="399,00")
    offer_update(offer=offer, actor=team_lead, notes="Besichtigung nur dienstags")

    response = client_of(social_worker).post(reverse("housing:offer_edit", args=[offer.pk]), loaded)

    assert response.status_code == 200
    assert "Jemand anderes hat diesen Datensatz gespeichert" in response.content.decode()
    offer.refresh_from_db()
    assert offer.cold_rent == Decimal("380.00")
    assert offer.notes == "Besichtigung nur dienstags"


def test_an_edit_with_the_current_version_is_saved(client_of, social_worker, offer):
    http = client_of(social_worker)
    shown = http.get(reverse("housing:offer_edit", args=[offer.pk])).context["form"]["version"].value()
    assert shown == _edit_data(offer)["version"]

    response = http.post(
        reverse("housing:offer_edit", args=[offer.pk]),
        _edit_data(offer, cold_rent="399,00", status="reserved", version=shown),
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.cold_rent == Decimal("399.00")
    assert offer.status == OfferStatus.RESERVED


def test_let_is_never_set_by_hand(client_of, social_worker, offer):
    page = client_of(social_worker).get(reverse("housing:offer_edit", args=[offer.pk])).content.decode()
    assert 'value="let"' not in page

    response = client_of(social_worker).post(
        reverse("housing:offer_edit", args=[offer.pk]), _edit_data(offer, status="let")
    )

    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.status == OfferStatus.AVAILABLE


def _provision_client(actor, **fields):
    client = make_client(actor, **fields)
    case_open(client=client, case_type=CaseType.PROVISION, actor=actor)
    return client


def test_withdrawing_declines_the_open_placements(client_of, social_worker, offer):
    placement = placement_propose(offer=offer, client=_provision_client(social_worker), actor=social_worker)
    http = client_of(social_worker)

    response = http.post(reverse("housing:offer_withdraw", args=[offer.pk]), {"confirmed": "on"})

    assert response.status_code == 302
    offer.refresh_from_db()
    placement.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert offer.withdrawn_on == timezone.localdate()
    assert placement.step == PlacementStep.DECLINED
    assert placement.decline_reason == DeclineReason.OFFER_WITHDRAWN
    page = http.get(response.url).content.decode()
    assert "Das Angebot wurde zurückgezogen" in page
    assert "Angebot zurückziehen" not in page


def test_withdrawing_without_the_confirmation_changes_nothing(client_of, social_worker, offer):
    placement = placement_propose(offer=offer, client=_provision_client(social_worker), actor=social_worker)
    http = client_of(social_worker)
    assert 'name="confirmed" required' in http.get(offer.get_absolute_url()).content.decode()

    response = http.post(reverse("housing:offer_withdraw", args=[offer.pk]), follow=True)

    assert "Bitte bestätigen Sie, dass das Angebot zurückgezogen werden soll" in response.content.decode()
    offer.refresh_from_db()
    placement.refresh_from_db()
    assert offer.status == OfferStatus.AVAILABLE
    assert placement.step == PlacementStep.PROPOSED


def test_a_let_flat_cannot_be_withdrawn(client_of, social_worker, offer):
    placement = placement_propose(offer=offer, client=_provision_client(social_worker), actor=social_worker)
    placement_advance(placement=placement, step=PlacementStep.LEASE_SIGNED, actor=social_worker, skip_reason=SKIPPED)

    response = client_of(social_worker).post(
        reverse("housing:offer_withdraw", args=[offer.pk]), {"confirmed": "on"}, follow=True
    )

    assert "Eine vermietete Wohnung kann nicht zurückgezogen werden." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.LET


def test_a_withdrawn_offer_can_be_made_available_again(client_of, social_worker, offer):
    client_of(social_worker).post(reverse("housing:offer_withdraw", args=[offer.pk]), {"confirmed": "on"})
    offer.refresh_from_db()

    client_of(social_worker).post(
        reverse("housing:offer_edit", args=[offer.pk]), _edit_data(offer, status=OfferStatus.AVAILABLE)
    )

    offer.refresh_from_db()
    assert offer.status == OfferStatus.AVAILABLE
    assert offer.withdrawn_on is None


def test_the_offer_page_shows_the_data_who_acquired_it_and_the_kdu_check(client_of, social_worker, offer):
    page = client_of(social_worker).get(offer.get_absolute_url()).content.decode()

    assert offer.street in page
    assert "460,00 €" in page  # gross cold rent 380 + 80
    assert "Vera Winkler" in page  # acquired by
    assert "Passende Haushalte" in page
    assert "KdU-Prüfung" in page


def test_verwaltung_sees_the_offer_but_no_placements_or_client_names(client_of, admin_staff, social_worker, offer):
    client = _provision_client(social_worker, first_name="Mihaela", last_name="Popescu")
    placement_propose(offer=offer, client=client, actor=social_worker)

    page = client_of(admin_staff).get(offer.get_absolute_url()).content.decode()
    worker_page = client_of(social_worker).get(offer.get_absolute_url()).content.decode()

    assert "Popescu" not in page
    assert "Passende Haushalte" not in page
    assert "Popescu" in worker_page


# --- The list -------------------------------------------------------------------------------


def _titles(response):
    return {offer.street for offer, _smallest in response.context["rows"]}


def test_the_list_shows_open_offers_unless_another_status_is_chosen(client_of, social_worker, kdu_table):
    landlord = make_landlord(social_worker)
    make_offer(social_worker, landlord, street="Frei 1")
    make_offer(social_worker, landlord, street="Reserviert 2", status=OfferStatus.RESERVED)
    gone = make_offer(social_worker, landlord, street="Weg 3")
    client_of(social_worker).post(reverse("housing:offer_withdraw", args=[gone.pk]), {"confirmed": "on"})
    http = client_of(social_worker)

    assert _titles(http.get(reverse("housing:offer_list"))) == {"Frei 1", "Reserviert 2"}
    assert _titles(http.get(reverse("housing:offer_list"), {"status": "withdrawn"})) == {"Weg 3"}
    assert _titles(http.get(reverse("housing:offer_list"), {"status": "all"})) == {"Frei 1", "Reserviert 2", "Weg 3"}


def test_the_list_filters_by_district_rooms_rent_barrier_free_and_landlord_kind(client_of, social_worker, kdu_table):
    municipal = make_landlord(social_worker, kind=LandlordKind.MUNICIPAL)
    private = make_landlord(social_worker, kind=LandlordKind.PRIVATE, name="Ilse Brandt")
    make_offer(social_worker, municipal, street="Mitte klein", rooms=Decimal("1"), cold_rent=Decimal("300"))
    make_offer(
        social_worker,
        private,
        street="Haspe groß",
        district="haspe",
        rooms=Decimal("3.5"),
        cold_rent=Decimal("550"),
        barrier_free="yes",
    )
    http = client_of(social_worker)

    def shown(**filters):
        return _titles(http.get(reverse("housing:offer_list"), filters))

    assert shown(district="haspe") == {"Haspe groß"}
    assert shown(rooms_min="3") == {"Haspe groß"}
    assert shown(rent_max="400") == {"Mitte klein"}  # 300 + 80 service costs
    assert shown(rent_max="629.99") == {"Mitte klein"}
    assert shown(rent_max="630") == {"Mitte klein", "Haspe groß"}
    assert shown(barrier_free="yes") == {"Haspe groß"}
    assert shown(landlord_kind="private") == {"Haspe groß"}
    assert shown(district="mitte", landlord_kind="private") == set()


def test_the_list_says_for_which_households_the_rent_is_within_kdu(client_of, social_worker, kdu_table):
    landlord = make_landlord(social_worker)
    make_offer(social_worker, landlord, cold_rent=Decimal("340"))  # 420 gross: within for everyone
    make_offer(social_worker, landlord, cold_rent=Decimal("500"))  # 580 gross: 3 persons or more
    make_offer(social_worker, landlord, cold_rent=Decimal("500"), service_costs=None)

    response = client_of(social_worker).get(reverse("housing:offer_list"))

    assert sorted(smallest or 0 for _offer, smallest in response.context["rows"]) == [0, 1, 3]
    page = response.content.decode()
    assert "jeden Haushalt" in page
    assert "ab 3 Personen" in page


def test_the_list_paginates(client_of, social_worker, kdu_table):
    landlord = make_landlord(social_worker)
    for number in range(30):
        make_offer(social_worker, landlord, street=f"Volmestraße {number}")

    response = client_of(social_worker).get(reverse("housing:offer_list"))

    assert len(response.context["rows"]) == 25
    assert "Seite 1 von 2" in response.content.decode()


@pytest.mark.parametrize("role", ["social_worker", "admin_staff"])
def test_the_list_needs_the_same_number_of_queries_for_1_and_50_offers(client_of, role_users, kdu_table, role):
    user = role_users[role]
    http = client_of(user)
    landlord = make_landlord(role_users["admin_staff"])
    make_offer(user, landlord)
    http.get(reverse("housing:offer_list"))  # warm up session and permission caches
    with CaptureQueriesContext(connection) as one:
        assert http.get(reverse("housing:offer_list"), {"status": "all"}).status_code == 200
    for _ in range(49):
        make_offer(user, make_landlord(role_users["admin_staff"]))
    with CaptureQueriesContext(connection) as fifty:
        response = http.get(reverse("housing:offer_list"), {"status": "all", "page": "2"})
    assert len(response.context["rows"]) == 25
    assert len(one) == len(fifty) <= 15


def test_the_offer_page_needs_a_constant_number_of_queries(client_of, social_worker, kdu_table):
    offer = make_offer(social_worker)
    http = client_of(social_worker)
    http.get(offer.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        http.get(offer.get_absolute_url())
    clients = [_provision_client(social_worker) for _ in range(5)]
    for client in clients:
        placement_propose(offer=offer, client=client, actor=social_worker)
    with CaptureQueriesContext(connection) as more:
        page = http.get(offer.get_absolute_url()).content.decode()
    assert all(client.case_number in page for client in clients)
    assert Placement.objects.filter(offer=offer).count() == 5
    # Once the page names households it logs the view (reading whose cover is in force, writing one
    # access-log row), however many it names.
    assert len(few) + 2 == len(more) <= 15


def test_an_offer_available_from_is_shown_german(client_of, social_worker, kdu_table):
    day = timezone.localdate() + timedelta(days=10)
    offer = make_offer(social_worker, available_from=day)
    page = client_of(social_worker).get(offer.get_absolute_url()).content.decode()
    assert day.strftime("%d.%m.%Y") in page
