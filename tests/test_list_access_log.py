"""Every page that shows clients' names writes one access-log row: which page, which filters, how many
clients — never the search text, never a name, and never one row per client."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from hagen_zuhause.codes import TargetGroup
from hagen_zuhause.models import AccessLog
from housing.services.senior_flat import resident_move_in, waiting_add
from reports.tests.factories import contact
from tests.builders import (
    make_client,
    make_contact,
    make_flat,
    make_kdu_table,
    make_offer,
    make_placement,
    make_seeker,
    make_senior,
    make_task,
)

SEARCH = "Ivanov Georgi"  # 13 characters


def _list_rows():
    return list(AccessLog.objects.filter(action=AccessLog.Action.VIEW_LIST).order_by("id"))


def _one_row_for(web, url, params=None):
    before = AccessLog.objects.count()
    response = web.get(url, params or {})
    assert response.status_code == 200
    rows = list(AccessLog.objects.order_by("id")[before:])
    listed = [row for row in rows if row.action == AccessLog.Action.VIEW_LIST]
    assert len(listed) == 1, [row.detail for row in rows]
    return listed[0], response


@pytest.fixture
def people(social_worker, team_lead):
    """Three clients of the social worker, one of them searched for by name."""
    georgi = make_client(
        social_worker, first_name="Georgi", last_name="Ivanov", target_groups=[TargetGroup.EU2],
        target_groups_from=date(2026, 1, 1),
    )  # fmt: skip
    others = [make_client(social_worker, first_name="Maria", last_name=f"Beispiel{n}") for n in range(2)]
    return [georgi, *others]


def test_search_results_are_logged_once_with_the_length_of_the_search_and_the_filters(client_of, social_worker, people):
    row, response = _one_row_for(
        client_of(social_worker), reverse("cases:client_list"), {"q": SEARCH, "target_group": "eu2"}
    )

    assert len(response.context["clients"]) == 1
    group = "Zielgruppe: Unionsbürger*innen aus Bulgarien und Rumänien"
    assert row.detail == f"Klient*innen-Liste; Suche (13 Zeichen), {group}; 1 Klient*in angezeigt"
    assert row.user == social_worker and row.object_type == "cases.client" and row.object_id == ""
    assert "Ivanov" not in row.detail and "Georgi" not in row.detail


def test_the_plain_client_list_is_logged_with_the_number_shown(client_of, social_worker, people):
    row, _response = _one_row_for(client_of(social_worker), reverse("cases:client_list"))
    assert row.detail == "Klient*innen-Liste; 3 Klient*innen angezeigt"


def test_task_list_and_start_page(client_of, social_worker, people):
    for person in people[:2]:
        make_task(person, social_worker, due_on=timezone.localdate())
    make_contact(people[2], social_worker, note="Beratung")
    web = client_of(social_worker)

    tasks, _response = _one_row_for(web, reverse("cases:task_list"))
    start, _response = _one_row_for(web, reverse("dashboard"))

    assert tasks.detail == "Wiedervorlagen; Meine Wiedervorlagen; 2 Klient*innen angezeigt"
    assert start.detail.startswith("Startseite; ") and start.detail.endswith("3 Klient*innen angezeigt")


def test_verwaltung_sees_no_clients_on_its_start_page_and_nothing_is_logged(client_of, admin_staff, people):
    assert client_of(admin_staff).get(reverse("dashboard")).status_code == 200
    assert _list_rows() == []


def test_report_drilldown_list(client_of, social_worker, people):
    day = date(2026, 8, 3)
    for person in people:
        contact(person, day, worker=social_worker)
    url = reverse("reports:records", kwargs={"year": 2026, "quarter": 3, "figure": "persons_with_contact"})

    row, _response = _one_row_for(client_of(social_worker), url, {"key": "by_gender.unknown"})

    assert row.detail.startswith("Datensätze hinter einer Kennzahl; Personen mit Kontakt – ")
    assert "3. Quartal 2026" in row.detail and row.detail.endswith("3 Klient*innen angezeigt")


def test_matching_board_and_flat_pages(client_of, social_worker, team_lead, organisation):
    make_kdu_table(organisation)
    offer = make_offer(social_worker)
    seekers = [make_seeker(social_worker, last_name=f"Suchend{n}") for n in range(2)]
    make_placement(social_worker, offer=offer, client=seekers[0], step="viewing")
    web = client_of(social_worker)

    matches, _response = _one_row_for(web, reverse("housing:offer_matches", args=[offer.pk]), {"all": "1"})
    board, _response = _one_row_for(web, reverse("housing:board"))
    flat_page, _response = _one_row_for(web, reverse("housing:offer_detail", args=[offer.pk]))

    assert matches.detail.startswith("Passende Haushalte; auch nicht passende Haushalte; ")
    assert board.detail == "Vermittlungen; 1 Klient*in angezeigt"
    assert flat_page.detail == "Wohnung; Vermittlungen; 1 Klient*in angezeigt"


def test_senior_flat_residents_and_waiting_list(client_of, social_worker, organisation):
    flat = make_flat(organisation)
    resident = make_senior(social_worker, last_name="Bewohnerin")
    resident_move_in(
        place=flat.places.order_by("label").first(), client=resident, move_in=date(2026, 2, 1), actor=social_worker
    )
    waiting_add(flat=flat, client=make_senior(social_worker, last_name="Wartend"), actor=social_worker)

    row, _response = _one_row_for(client_of(social_worker), reverse("housing:senior_flat"))

    assert row.detail == "Senioren-WG; Bewohner*innen und Warteliste; 2 Klient*innen angezeigt"


def test_change_history_page_is_logged_with_its_filters(client_of, team_lead, social_worker):
    web = client_of(team_lead)
    web.post(reverse("cases:client_create"), {})  # nothing saved: a history page needs no changes to be logged

    row, _response = _one_row_for(web, reverse("audit:history"), {"record_type": "cases.Client"})

    assert row.detail == "Änderungsverlauf; Datensatzart: Klient*in; 0 Klient*innen angezeigt"


def test_one_row_however_many_clients_a_page_shows(client_of, social_worker):
    for number in range(30):
        make_client(social_worker, last_name=f"Viele{number}")

    row, _response = _one_row_for(client_of(social_worker), reverse("cases:client_list"))

    assert row.detail.endswith("25 Klient*innen angezeigt")  # the first page
    assert AccessLog.objects.count() == 1
