"""The senior shared flat: residents with dates kept apart by the database, the waiting list, places
against the goal and the occupancy figures, and the pages that show them."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.admin.sites import AdminSite
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from cases.models import Case
from hagen_zuhause.codes import CaseType, Outcome
from housing.admin.senior_flat import SeniorFlatAdmin, SeniorFlatPlaceInline
from housing.models import SeniorFlat, SeniorFlatPlace, SeniorFlatResidency, WaitingListEntry
from housing.occupancy import quarter_start, senior_flat_figures
from housing.services.senior_flat import resident_move_in, resident_move_out, waiting_add, waiting_remove
from tests.builders import make_client, make_flat, make_seeker, make_senior

TODAY = timezone.localdate()
PLACE_TAKEN = "Someone else lives in this place during this period."
PERSON_ELSEWHERE = "The person already lives in another place during this period."


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def flat(organisation):
    return make_flat(organisation, places=3)


@pytest.fixture
def room1(flat):
    return flat.places.get(label="Zimmer 1")


@pytest.fixture
def room2(flat):
    return flat.places.get(label="Zimmer 2")


@pytest.fixture
def senior(social_worker):
    return make_senior(social_worker, first_name="Horst", last_name="Weber")


def _german(message):
    """The German text of a constraint message of the model (translated by the catalogue)."""
    return gettext(message)


# --- The database keeps residents apart ----------------------------------------------------------------


def test_the_database_refuses_two_residents_in_one_place_at_overlapping_dates(social_worker, room1):
    SeniorFlatResidency.objects.create(
        place=room1, client=make_senior(social_worker), move_in=date(2025, 3, 1), move_out=date(2025, 6, 30)
    )

    with pytest.raises(IntegrityError, match="residency_place_no_overlap"), transaction.atomic():
        # The move-out day is still the first resident's: the next one moves in the day after.
        SeniorFlatResidency.objects.create(place=room1, client=make_senior(social_worker), move_in=date(2025, 6, 30))
    SeniorFlatResidency.objects.create(place=room1, client=make_senior(social_worker), move_in=date(2025, 7, 1))


def test_the_database_refuses_one_person_in_two_places_at_once(social_worker, senior, room1, room2):
    SeniorFlatResidency.objects.create(place=room1, client=senior, move_in=date(2025, 3, 1))

    with pytest.raises(IntegrityError, match="residency_client_no_overlap"), transaction.atomic():
        SeniorFlatResidency.objects.create(place=room2, client=senior, move_in=date(2025, 9, 1))


def test_an_occupied_place_is_refused_with_a_german_message(social_worker, senior, room1):
    resident_move_in(place=room1, client=make_senior(social_worker), move_in=date(2025, 3, 1), actor=social_worker)

    with pytest.raises(ValidationError) as error:
        resident_move_in(place=room1, client=senior, move_in=date(2025, 8, 1), actor=social_worker)

    assert error.value.messages == [_german(PLACE_TAKEN)]
    assert not SeniorFlatResidency.objects.filter(client=senior).exists()


def test_a_person_living_elsewhere_is_refused_with_a_german_message(social_worker, senior, room1, room2):
    resident_move_in(place=room1, client=senior, move_in=date(2025, 3, 1), actor=social_worker)

    with pytest.raises(ValidationError) as error:
        resident_move_in(place=room2, client=senior, move_in=date(2025, 8, 1), actor=social_worker)

    assert error.value.messages == [_german(PERSON_ELSEWHERE)]


def test_after_the_move_out_the_place_is_free_from_the_next_day(social_worker, senior, room1):
    first = resident_move_in(
        place=room1, client=make_senior(social_worker), move_in=date(2025, 3, 1), actor=social_worker
    )
    resident_move_out(residency=first, move_out=date(2025, 9, 30), actor=social_worker)

    second = resident_move_in(place=room1, client=senior, move_in=date(2025, 10, 1), actor=social_worker)

    assert second.place == room1


def test_move_out_dates_are_checked(social_worker, senior, room1):
    residency = resident_move_in(place=room1, client=senior, move_in=date(2025, 3, 1), actor=social_worker)

    with pytest.raises(ValidationError, match="vor dem Einzug"):
        resident_move_out(residency=residency, move_out=date(2025, 2, 28), actor=social_worker)
    resident_move_out(residency=residency, move_out=date(2025, 9, 30), actor=social_worker)
    with pytest.raises(ValidationError, match=r"30\.09\.2025 ist bereits eingetragen"):
        resident_move_out(residency=residency, move_out=date(2025, 10, 30), actor=social_worker)


def test_a_place_cannot_be_moved_into_before_it_exists(social_worker, senior, room1):
    with pytest.raises(ValidationError, match="Den Platz gibt es am Einzugsdatum nicht"):
        resident_move_in(place=room1, client=senior, move_in=date(2024, 12, 31), actor=social_worker)


# --- Move-in, the case and the waiting list -----------------------------------------------------------------


def test_moving_in_takes_the_person_off_every_waiting_list_and_closes_the_case(social_worker, organisation, room1):
    seeker = make_seeker(social_worker, first_name="Irmgard", last_name="Scholz")
    other_flat = make_flat(organisation, name="Senioren-WG Haspe", places=1)
    waiting_add(flat=room1.flat, client=seeker, actor=social_worker, note="Pflegegrad 2")
    waiting_add(flat=other_flat, client=seeker, actor=social_worker)

    resident_move_in(place=room1, client=seeker, move_in=TODAY, actor=social_worker)

    entries = WaitingListEntry.objects.filter(client=seeker)
    assert {(entry.removed_on, entry.removal_reason) for entry in entries} == {(TODAY, "moved_in")}
    case = Case.objects.get(client=seeker, case_type=CaseType.PROVISION)
    assert (case.closed_on, case.outcome) == (TODAY, Outcome.SENIOR_FLAT)


def test_the_case_can_stay_open_and_a_planned_move_in_cannot_close_it(social_worker, room1, room2):
    seeker = make_seeker(social_worker)
    with pytest.raises(ValidationError, match="erst am Einzugstag"):
        resident_move_in(place=room1, client=seeker, move_in=TODAY + timedelta(days=14), actor=social_worker)

    resident_move_in(
        place=room1, client=seeker, move_in=TODAY + timedelta(days=14), actor=social_worker, close_case=False
    )

    assert Case.objects.get(client=seeker).closed_on is None


def test_only_eligible_people_get_on_the_waiting_list_once(social_worker, flat, senior):
    younger = make_client(social_worker, first_name="Mia", last_name="Jung")
    with pytest.raises(ValidationError, match="nur ältere Klient"):
        waiting_add(flat=flat, client=younger, actor=social_worker)

    waiting_add(flat=flat, client=senior, actor=social_worker)
    with pytest.raises(ValidationError, match="bereits auf der Warteliste"):
        waiting_add(flat=flat, client=senior, actor=social_worker)
    # An open provision case makes a person eligible too.
    assert waiting_add(flat=flat, client=make_seeker(social_worker), actor=social_worker).removed_on is None


def test_leaving_the_waiting_list_keeps_the_entry_with_its_reason(social_worker, flat, senior):
    entry = waiting_add(flat=flat, client=senior, actor=social_worker)

    waiting_remove(entry=entry, reason="other_housing", actor=social_worker)

    entry.refresh_from_db()
    assert (entry.removed_on, entry.removal_reason) == (TODAY, "other_housing")
    with pytest.raises(ValidationError, match="nicht mehr auf der Warteliste"):
        waiting_remove(entry=entry, reason="withdrawn", actor=social_worker)
    # Back on the list later: a new entry.
    assert waiting_add(flat=flat, client=senior, actor=social_worker).pk != entry.pk


# --- Figures -------------------------------------------------------------------------------------------


def test_places_and_occupancy_of_a_quarter(social_worker, organisation, other_organisation):
    flat = make_flat(organisation, places=2)
    closing = SeniorFlatPlace.objects.create(
        flat=flat, label="Zimmer 3", created_on=date(2025, 1, 1), closed_on=date(2025, 11, 15)
    )
    room1, room2 = flat.places.get(label="Zimmer 1"), flat.places.get(label="Zimmer 2")
    for place, move_in, move_out in [
        (room1, date(2025, 9, 15), date(2025, 10, 10)),  # 10 days in the quarter
        (room1, date(2025, 11, 1), date(2025, 11, 30)),  # 30 days
        (room2, date(2025, 12, 1), None),  # 31 days
        (closing, date(2025, 1, 1), date(2025, 9, 30)),  # before the quarter
    ]:
        SeniorFlatResidency.objects.create(
            place=place, client=make_senior(social_worker), move_in=move_in, move_out=move_out
        )
    make_flat(other_organisation, places=4)  # counts elsewhere only

    figures = senior_flat_figures(organisation, date(2025, 10, 1), date(2025, 12, 31))

    assert (figures.places, figures.occupied, figures.free, figures.goal) == (2, 1, 1, 10)
    # 2 places × 92 days + the closed place from 1.10. to 15.11. (46 days)
    assert figures.place_days == 230
    assert figures.occupied_place_days == 71
    assert str(figures.occupancy_percent) == "30.9"


def test_no_places_no_occupancy(organisation):
    figures = senior_flat_figures(organisation, date(2025, 10, 1), date(2025, 12, 31))
    assert (figures.places, figures.place_days, figures.occupancy_percent) == (0, 0, None)


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2026, 1, 1), date(2026, 1, 1)),
        (date(2026, 5, 31), date(2026, 4, 1)),
        (date(2026, 12, 31), date(2026, 10, 1)),
    ],
)
def test_quarter_start(day, start):
    assert quarter_start(day) == start


# --- Pages ---------------------------------------------------------------------------------------------


def _overview(browser):
    return browser.get(reverse("housing:senior_flat")).content.decode()


def test_the_overview_shows_places_against_the_goal_occupancy_and_waiting_time(client_of, social_worker, organisation):
    opened = quarter_start(TODAY) - timedelta(days=30)
    flat = make_flat(organisation, places=7, created_on=opened)
    places = list(flat.places.order_by("label"))
    horst = make_senior(social_worker, first_name="Horst", last_name="Weber")
    resident_move_in(place=places[0], client=horst, move_in=opened, actor=social_worker)
    waiting = waiting_add(flat=flat, client=make_senior(social_worker, first_name="Irmgard"), actor=social_worker)
    WaitingListEntry.objects.filter(pk=waiting.pk).update(added_on=TODAY - timedelta(days=45))

    page = _overview(client_of(social_worker))

    assert "7 von 10 Plätzen geschaffen" in page
    assert '<progress class="w-100 senior-flat-goal" max="10" value="7"' in page
    figures = senior_flat_figures(organisation, quarter_start(TODAY), TODAY)
    assert (figures.occupied, figures.free) == (1, 6)
    assert f"{figures.occupancy_percent}".replace(".", ",") + " %" in page
    assert "Horst Weber" in page and "Pflegedienst Volme" in page
    assert "1 Monat, 2 Wochen" in page.replace("\xa0", " ")  # waiting since 45 days
    assert "Irmgard" in page


def test_a_resident_the_worker_may_not_see_occupies_the_place_anonymously(client_of, social_worker, team_lead, room1):
    hidden = make_senior(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
    resident_move_in(place=room1, client=hidden, move_in=date(2025, 3, 1), actor=team_lead)

    page = _overview(client_of(social_worker))

    assert "Schutz" not in page
    assert "belegt (kein Zugriff auf die Akte)" in page
    assert "Schutz" in _overview(client_of(team_lead))


def test_the_overview_costs_the_same_queries_with_1_and_with_many_rows(client_of, social_worker, organisation):
    browser = client_of(social_worker)
    flat = make_flat(organisation, places=1)
    resident_move_in(
        place=flat.places.get(), client=make_senior(social_worker), move_in=date(2025, 3, 1), actor=social_worker
    )
    waiting_add(flat=flat, client=make_senior(social_worker), actor=social_worker)
    browser.get(reverse("housing:senior_flat"))
    with CaptureQueriesContext(connection) as one:
        browser.get(reverse("housing:senior_flat"))

    for number in range(2, 12):
        other = make_flat(organisation, places=4, name=f"Senioren-WG {number}")
        for place in other.places.all():
            resident_move_in(
                place=place, client=make_senior(social_worker), move_in=date(2025, 3, 1), actor=social_worker
            )
        for _index in range(3):
            waiting_add(flat=other, client=make_senior(social_worker), actor=social_worker)
    with CaptureQueriesContext(connection) as many:
        page = browser.get(reverse("housing:senior_flat")).content.decode()

    assert page.count("Auszug eintragen") == 41
    assert len(one) == len(many) <= 15


def test_recording_a_move_in_through_the_page(client_of, social_worker, room1, senior):
    entry = waiting_add(flat=room1.flat, client=senior, actor=social_worker)
    browser = client_of(social_worker)
    url = reverse("housing:resident_add", args=[room1.pk])

    form = browser.get(url).content.decode()
    assert "Auf der Warteliste" in form and "Weber, Horst" in form

    response = browser.post(url, {"client": senior.pk, "move_in": TODAY.isoformat()})

    assert response.url == reverse("housing:senior_flat")
    assert _messages(response) == ["Horst Weber ist als Bewohner*in von Zimmer 1 eingetragen."]
    entry.refresh_from_db()
    assert entry.removal_reason == "moved_in"


def test_an_occupied_place_shows_the_german_form_error(client_of, social_worker, room1, senior):
    resident_move_in(place=room1, client=make_senior(social_worker), move_in=date(2025, 3, 1), actor=social_worker)

    response = client_of(social_worker).post(
        reverse("housing:resident_add", args=[room1.pk]), {"client": senior.pk, "move_in": "2025-05-01"}
    )

    assert response.status_code == 200
    assert _german(PLACE_TAKEN) in response.content.decode()
    assert not SeniorFlatResidency.objects.filter(client=senior).exists()


def test_moving_out_through_the_page(client_of, social_worker, room1, senior):
    residency = resident_move_in(place=room1, client=senior, move_in=date(2025, 3, 1), actor=social_worker)
    url = reverse("housing:resident_move_out", args=[residency.pk])

    page = client_of(social_worker).get(reverse("housing:senior_flat")).content.decode()
    date_input = re.search(rf'<input[^>]*id="move-out-{residency.pk}"[^>]*>', page).group(0)
    assert "value=" not in date_input  # the date is entered, never assumed to be today
    assert f'id="move-out-confirmed-{residency.pk}" name="confirmed" required' in page

    unconfirmed = client_of(social_worker).post(url, {"move_out": "2025-10-31"})
    assert _messages(unconfirmed) == ["Bitte bestätigen Sie den Auszug; es wurde nichts eingetragen."]
    residency.refresh_from_db()
    assert residency.move_out is None

    refused = client_of(social_worker).post(url, {"move_out": "2025-01-01", "confirmed": "on"})
    assert _messages(refused) == ["Das Auszugsdatum liegt vor dem Einzug."]

    response = client_of(social_worker).post(url, {"move_out": "2025-10-31", "confirmed": "on"})

    assert _messages(response) == ["Der Auszug von Horst Weber ist eingetragen."]
    residency.refresh_from_db()
    assert residency.move_out == date(2025, 10, 31)


def test_the_waiting_list_form_offers_only_eligible_visible_people(client_of, social_worker, team_lead, flat, senior):
    make_client(social_worker, first_name="Mia", last_name="Jung")
    make_senior(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
    seeker = make_seeker(social_worker, first_name="Ion", last_name="Popescu")
    browser = client_of(social_worker)
    url = reverse("housing:waiting_add", args=[flat.pk])

    form = browser.get(url).content.decode()
    assert "Weber, Horst" in form and "Popescu, Ion" in form
    assert "Jung" not in form and "Schutz" not in form

    response = browser.post(url, {"client": seeker.pk, "note": "Notunterkunft endet im März"})

    assert _messages(response) == ["Ion Popescu steht auf der Warteliste."]
    assert "Notunterkunft endet im März" in _overview(browser)


def test_people_and_flats_are_listed_in_german_alphabetical_order(client_of, social_worker, organisation, flat):
    for last_name in ["Zander", "Özdemir", "Oberhagen", "Abel"]:
        make_senior(social_worker, first_name="Rita", last_name=last_name)
    for name in ["Senioren-WG Zentrum", "Senioren-WG Ährenfeld"]:
        make_flat(organisation, places=1, name=name)
    browser = client_of(social_worker)

    form = browser.get(reverse("housing:waiting_add", args=[flat.pk])).context["form"]
    offered = [str(label).split(",")[0] for value, label in form.fields["client"].choices if value]
    assert offered == ["Abel", "Oberhagen", "Özdemir", "Zander"]
    page = _overview(browser)
    shown = [page.index(name) for name in ["Senioren-WG Ährenfeld", "Senioren-WG Wehringhausen", "Senioren-WG Zentrum"]]
    assert shown == sorted(shown)


def test_removing_from_the_waiting_list_through_the_page(client_of, social_worker, flat, senior):
    entry = waiting_add(flat=flat, client=senior, actor=social_worker)

    response = client_of(social_worker).post(reverse("housing:waiting_remove", args=[entry.pk]), {"reason": "deceased"})

    assert _messages(response) == ["Horst Weber steht nicht mehr auf der Warteliste."]
    entry.refresh_from_db()
    assert entry.removal_reason == "deceased"


# --- Admin -----------------------------------------------------------------------------------------------


def test_the_admin_shows_and_saves_flats_of_the_own_organisation_only(admin_staff, outsider, flat):
    make_flat(outsider.organisation, name="Senioren-WG Dortmund")
    model_admin = SeniorFlatAdmin(SeniorFlat, AdminSite())
    request = RequestFactory().get("/admin/")
    request.user = admin_staff

    assert list(model_admin.get_queryset(request)) == [flat]
    new = SeniorFlat(name="Senioren-WG Haspe", organisation=outsider.organisation)
    model_admin.save_model(request, new, form=None, change=False)
    assert new.organisation == admin_staff.organisation


def _place_forms(admin_staff, flat, **changes):
    """The admin's place rows of the flat as posted, with ``changes`` to the first place (Zimmer 1)."""
    request = RequestFactory().post("/admin/")
    request.user = admin_staff
    formset_class = SeniorFlatPlaceInline(SeniorFlat, AdminSite()).get_formset(request, flat)
    places = list(flat.places.order_by("label"))
    prefix = formset_class.get_default_prefix()
    data = {f"{prefix}-TOTAL_FORMS": str(len(places)), f"{prefix}-INITIAL_FORMS": str(len(places))}
    for number, place in enumerate(places):
        row = {"id": place.pk, "flat": flat.pk, "label": place.label, "created_on": place.created_on, "closed_on": ""}
        if number == 0:
            row.update(changes)
        data.update({f"{prefix}-{number}-{key}": value for key, value in row.items()})
    return formset_class(data, instance=flat, prefix=prefix)


def test_the_admin_refuses_to_close_a_place_someone_still_lives_in(admin_staff, social_worker, flat, room1, senior):
    residency = resident_move_in(place=room1, client=senior, move_in=date(2025, 3, 1), actor=social_worker)

    forms = _place_forms(admin_staff, flat, closed_on="2025-06-30")

    assert not forms.is_valid()
    assert forms.errors[0]["closed_on"] == [
        "In diesem Platz wohnt nach dem 30.06.2025 noch jemand. Tragen Sie zuerst den Auszug in der Senioren-WG ein."
    ]
    room1.refresh_from_db()
    assert room1.closed_on is None
    resident_move_out(residency=residency, move_out=date(2025, 6, 30), actor=social_worker)
    assert _place_forms(admin_staff, flat, closed_on="2025-06-30").is_valid()


def test_the_admin_refuses_a_start_after_someone_moved_in(admin_staff, social_worker, flat, room1, senior):
    resident_move_in(place=room1, client=senior, move_in=date(2025, 3, 1), actor=social_worker)

    forms = _place_forms(admin_staff, flat, created_on="2025-04-01")

    assert not forms.is_valid()
    assert forms.errors[0]["created_on"] == ["In diesen Platz ist vor dem 01.04.2025 schon jemand eingezogen."]
    assert _place_forms(admin_staff, flat, created_on="2025-03-01").is_valid()
