"""Group offers: a number of participants or linked clients (never both), the list with its filters
and totals, and restricted clients that stay invisible but linked."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperation import services
from cooperation.models import GroupOffer
from cooperation.tests.factories_coop import make_group_offer, make_partner
from tests.builders import make_client

TODAY = timezone.localdate()
LIST = reverse("cooperation:group_offer_list")
CREATE = reverse("cooperation:group_offer_create")
NOT_BOTH = (
    "Geben Sie entweder die Zahl der Teilnehmenden an oder wählen Sie die teilnehmenden Klient*innen aus, nicht beides"
)


def _form(**fields):
    data = {
        "title": "Frauenfrühstück",
        "date": TODAY.isoformat(),
        "target_group": "women",
        "partner": "",
        "recording": "count",
        "participant_count": "7",
        "participant_search": "",
        "note": "",
        "save": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def women(social_worker):
    return [
        make_client(social_worker, first_name="Mariana", last_name="Popescu"),
        make_client(social_worker, first_name="Desislava", last_name="Petrova"),
    ]


# --- Recording ---------------------------------------------------------------------------------


def test_a_social_worker_records_a_group_offer_with_a_number_of_participants(client_of, social_worker, team_lead):
    partner = make_partner(team_lead, name="Frauenberatung Hagen")

    response = client_of(social_worker).post(CREATE, _form(partner=partner.pk))

    offer = GroupOffer.objects.get()
    assert response.status_code == 302
    assert response.url == LIST
    assert (offer.title, offer.date, offer.target_group, offer.partner) == ("Frauenfrühstück", TODAY, "women", partner)
    assert offer.participant_count == 7
    assert offer.organisation == social_worker.organisation
    page = client_of(social_worker).get(LIST).content.decode()
    assert "Frauenfrühstück" in page
    assert "Wohnungslose Frauen" in page


def test_linked_clients_make_the_number(client_of, social_worker, women):
    response = client_of(social_worker).post(
        CREATE, _form(recording="names", participant_count="", participants=[client.pk for client in women])
    )

    offer = GroupOffer.objects.get()
    assert response.status_code == 302
    assert offer.participant_count is None
    assert set(offer.participants.all()) == set(women)
    listed = client_of(social_worker).get(LIST).context["group_offers"][0]
    assert listed.participants_total == 2


@pytest.mark.parametrize("recording", ["count", "names"])
def test_a_number_and_linked_clients_together_are_refused_in_german(client_of, social_worker, women, recording):
    response = client_of(social_worker).post(
        CREATE, _form(recording=recording, participant_count="5", participants=[women[0].pk])
    )

    assert response.status_code == 200
    assert NOT_BOTH in response.content.decode()
    assert not GroupOffer.objects.exists()


def test_neither_a_number_nor_clients_is_refused(client_of, social_worker):
    page = client_of(social_worker).post(CREATE, _form(participant_count="")).content.decode()
    assert "Geben Sie die Zahl der Teilnehmenden an." in page
    page = client_of(social_worker).post(CREATE, _form(recording="names", participant_count="")).content.decode()
    assert "Kreuzen Sie mindestens eine teilnehmende Klient*in an oder erfassen Sie eine Anzahl." in page
    assert not GroupOffer.objects.exists()


def test_the_service_refuses_both_as_well(social_worker, women):
    with pytest.raises(ValidationError) as error:
        services.group_offer_create(
            organisation=social_worker.organisation,
            actor=social_worker,
            title="Gesundheitssprechstunde",
            date=TODAY,
            participant_count=3,
            participants=women,
        )
    assert "nicht beides" in str(error.value)


def test_a_future_date_is_refused(client_of, social_worker):
    page = client_of(social_worker).post(CREATE, _form(date=(TODAY + timedelta(days=1)).isoformat())).content
    assert "Gruppenangebote werden erfasst, nachdem sie stattgefunden haben." in page.decode()
    assert not GroupOffer.objects.exists()


def test_the_same_offer_on_the_same_day_is_recorded_once(client_of, social_worker):
    browser = client_of(social_worker)
    assert browser.post(CREATE, _form()).status_code == 302
    response = browser.post(CREATE, _form(title="frauenfrühstück"))
    assert "Ein Gruppenangebot mit diesem Titel ist für diesen Tag bereits erfasst." in response.content.decode()
    assert GroupOffer.objects.count() == 1


def test_the_form_explains_the_choice(client_of, social_worker):
    page = client_of(social_worker).get(CREATE).content.decode()
    assert "Wie werden die Teilnehmenden erfasst?" in page
    assert "als Anzahl (anonym)" in page
    assert "namentlich: teilnehmende Klient*innen verknüpfen, die Anzahl wird daraus gezählt" in page
    # The client list is never rendered whole: nobody is offered before a search.
    assert 'name="participants"' not in page


# --- Choosing participants -------------------------------------------------------------------


def test_the_participant_search_offers_matching_clients_and_saves_nothing(client_of, social_worker, women):
    response = client_of(social_worker).post(
        CREATE, _form(recording="names", participant_count="", participant_search="Popescu", search="1")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Popescu, Mariana" in page
    assert "Petrova" not in page
    assert "Frauenfrühstück" in page  # what was typed stays
    assert not GroupOffer.objects.exists()
    assert "Geben Sie" not in page  # no error messages for a search


def test_chosen_clients_stay_ticked_when_searching_again(client_of, social_worker, women):
    response = client_of(social_worker).post(
        CREATE,
        _form(
            recording="names",
            participant_count="",
            participants=[women[0].pk],
            participant_search="Petrova",
            search="1",
        ),
    )
    form = response.context["form"]
    offered = [value for value, _label in form.fields["participants"].widget.choices]
    assert offered == [women[0].pk, women[1].pk]
    assert [str(value) for value in form["participants"].value()] == [str(women[0].pk)]


def test_a_restricted_client_is_neither_found_nor_accepted_for_an_unassigned_worker(
    client_of, social_worker, team_lead
):
    protected = make_client(team_lead, first_name="Elena", last_name="Schutz", restricted=True)

    search = client_of(social_worker).post(
        CREATE, _form(recording="names", participant_count="", participant_search="Schutz", search="1")
    )
    assert "Schutz, Elena" not in search.content.decode()
    assert "Keine weitere Klient*in zu dieser Suche gefunden." in search.content.decode()

    response = client_of(social_worker).post(
        CREATE, _form(recording="names", participant_count="", participants=[protected.pk])
    )
    assert response.status_code == 200
    assert not GroupOffer.objects.exists()


def test_participants_a_worker_may_not_see_stay_linked_when_the_worker_edits(
    client_of, social_worker, team_lead, women
):
    protected = make_client(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
    offer = make_group_offer(team_lead, participants=[women[0], protected])
    url = reverse("cooperation:group_offer_edit", args=[offer.pk])
    browser = client_of(social_worker)

    page = browser.get(url)
    assert "Schutz" not in page.content.decode()
    assert "Eine weitere teilnehmende Person ist für Sie nicht sichtbar." in page.content.decode()
    version = page.context["form"].initial["version"]

    response = browser.post(
        url,
        _form(
            title=offer.title,
            recording="names",
            participant_count="",
            participants=[women[0].pk, women[1].pk],
            version=version,
        ),
    )

    assert response.status_code == 302
    assert set(offer.participants.all()) == {women[0], women[1], protected}
    # Switching to a number would drop a link the worker cannot see: refused.
    version = browser.get(url).context["form"].initial["version"]
    response = browser.post(url, _form(title=offer.title, version=version))
    assert NOT_BOTH in response.content.decode()
    assert offer.participants.count() == 3


def test_a_parallel_edit_is_not_overwritten(client_of, social_worker, team_lead):
    offer = make_group_offer(social_worker, title="Gesundheitssprechstunde", participant_count=4)
    url = reverse("cooperation:group_offer_edit", args=[offer.pk])
    version = client_of(social_worker).get(url).context["form"].initial["version"]
    services.group_offer_update(group_offer=offer, actor=team_lead, participant_count=5)

    response = client_of(social_worker).post(
        url, _form(title="Gesundheitssprechstunde", participant_count="9", version=version)
    )

    offer.refresh_from_db()
    assert "Jemand anderes hat diesen Datensatz gespeichert" in response.content.decode()
    assert offer.participant_count == 5


# --- The list ---------------------------------------------------------------------------------


@pytest.fixture
def season(social_worker, women):
    """Five group offers over two months, for filters and totals."""
    start = TODAY - timedelta(days=60)
    return [
        make_group_offer(social_worker, title="Frauenfrühstück", date=start, target_group="women", participant_count=8),
        make_group_offer(social_worker, title="Frauenfrühstück", date=start + timedelta(days=30), participants=women),
        make_group_offer(
            social_worker,
            title="Gesundheitssprechstunde",
            date=start + timedelta(days=10),
            target_group="seniors",
            participant_count=5,
        ),
        make_group_offer(
            social_worker,
            title="Infoabend Rumänisch",
            date=start + timedelta(days=20),
            target_group="eu2",
            participant_count=12,
        ),
        make_group_offer(social_worker, title="Offenes Café", date=TODAY, target_group="", participant_count=20),
    ]


def test_the_list_totals_events_and_participants(client_of, social_worker, season):
    response = client_of(social_worker).get(LIST)
    assert response.context["totals"] == {"events": 5, "participants": 8 + 2 + 5 + 12 + 20}
    page = response.content.decode()
    assert "Teilnehmende insgesamt" in page


def test_the_list_filters_by_target_group(client_of, social_worker, season):
    response = client_of(social_worker).get(LIST, {"target_group": "women"})
    assert [offer.title for offer in response.context["group_offers"]] == ["Frauenfrühstück", "Frauenfrühstück"]
    assert response.context["totals"] == {"events": 2, "participants": 10}
    response = client_of(social_worker).get(LIST, {"target_group": "none"})
    assert [offer.title for offer in response.context["group_offers"]] == ["Offenes Café"]


def test_the_list_filters_by_period(client_of, social_worker, season):
    start = TODAY - timedelta(days=60)
    response = client_of(social_worker).get(
        LIST,
        {"date_from": (start + timedelta(days=5)).isoformat(), "date_to": (start + timedelta(days=25)).isoformat()},
    )
    assert [offer.title for offer in response.context["group_offers"]] == [
        "Infoabend Rumänisch",
        "Gesundheitssprechstunde",
    ]
    assert response.context["totals"] == {"events": 2, "participants": 17}


def test_a_period_ending_before_it_starts_is_explained(client_of, social_worker, season):
    response = client_of(social_worker).get(LIST, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "Das Ende des Zeitraums liegt vor seinem Beginn." in response.content.decode()


def test_another_organisations_group_offers_are_not_listed(client_of, outsider, season):
    response = client_of(outsider).get(LIST)
    assert response.context["totals"] == {"events": 0, "participants": 0}


def _offers(actor, women, first, last):
    for number in range(first, last):
        participants = {"participants": women} if number % 2 else {"participant_count": 4}
        make_group_offer(actor, title=f"Treffen {number:02d}", date=TODAY - timedelta(days=number), **participants)


def test_the_list_runs_the_same_few_queries_for_1_and_50_offers(client_of, social_worker, team_lead, women):
    partner = make_partner(team_lead)
    browser = client_of(social_worker)
    _offers(social_worker, women, 0, 1)
    GroupOffer.objects.update(partner=partner)
    browser.get(LIST)
    with CaptureQueriesContext(connection) as one:
        browser.get(LIST)
    _offers(social_worker, women, 1, 50)
    GroupOffer.objects.update(partner=partner)
    with CaptureQueriesContext(connection) as fifty:
        response = browser.get(LIST)
    assert len(response.context["group_offers"]) == 50
    assert len(one) == len(fifty) <= 15
