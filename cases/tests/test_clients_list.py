"""The client list at /clients/: what a row shows, search, German order, paging, restricted records, queries."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Task
from cases.services.cases import case_open
from cases.services.clients import client_create
from cases.views.clients import ClientListView
from hagen_zuhause.codes import CaseType, TargetGroup
from tests.builders import make_client

URL = reverse("cases:client_list")


def _names(response):
    return [f"{client.first_name} {client.last_name}" for client in response.context["clients"]]


def _full_client(actor, number, **fields):
    fields.setdefault("first_name", "Person")
    fields.setdefault("last_name", f"Nummer{number:03d}")
    client = client_create(
        organisation=actor.organisation,
        actor=actor,
        target_groups=[TargetGroup.EU2, TargetGroup.WOMEN],
        birth_date=date(1970, 1, 1) + timedelta(days=number * 200),
        **fields,
    )
    case_open(client=client, case_type=CaseType.PREVENTION, actor=actor)
    Task.objects.create(
        organisation=actor.organisation,
        client=client,
        title=f"Rückruf Vermieter {number}",
        due_on=timezone.localdate() + timedelta(days=number % 5 - 2),
        assignee=actor,
    )
    return client


def test_a_row_shows_case_number_name_birth_groups_cases_workers_and_next_task(social_worker, client_of):
    client = _full_client(social_worker, 1, first_name="Georgi", last_name="Ivanov")
    page = client_of(social_worker).get(URL).content.decode()
    assert client.case_number in page
    assert "Ivanov, Georgi" in page
    assert client.birth_date.strftime("%d.%m.%Y") in page
    assert "Bürger*innen aus Bulgarien und Rumänien" in page or "Bulgarien" in page
    assert "Wohnraumsicherung" in page
    assert "Sonja Albers" in page
    assert "Rückruf Vermieter 1" in page
    assert reverse("cases:client_detail", args=[client.pk]) in page


def test_an_estimated_year_of_birth_is_marked(social_worker, client_of):
    make_client(social_worker, first_name="Petar", last_name="Ohnedatum", birth_year_estimated=1958)
    assert "ca. 1958" in client_of(social_worker).get(URL).content.decode()


def test_overdue_next_task_is_marked(social_worker, client_of):
    client = make_client(social_worker)
    Task.objects.create(
        organisation=social_worker.organisation,
        client=client,
        title="Mietschuldenübernahme nachfassen",
        due_on=timezone.localdate() - timedelta(days=3),
        assignee=social_worker,
    )
    assert "überfällig" in client_of(social_worker).get(URL).content.decode()


def test_names_are_sorted_the_german_way(social_worker, client_of):
    for last_name in ["Zander", "Özdemir", "Bauer", "Ärger", "Adler", "Oswald", "Strauß", "Strauss-Kahn", "Ohm"]:
        make_client(social_worker, first_name="A", last_name=last_name)
    names = [name.split(" ", 1)[1] for name in _names(client_of(social_worker).get(URL))]
    assert names == ["Adler", "Ärger", "Bauer", "Ohm", "Oswald", "Özdemir", "Strauß", "Strauss-Kahn", "Zander"]


def test_restricted_clients_are_absent_for_others_and_marked_for_those_who_may_see_them(
    social_worker, team_lead, client_of
):
    make_client(social_worker, first_name="Offen", last_name="Sichtbar")
    make_client(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
    assert _names(client_of(social_worker).get(URL)) == ["Offen Sichtbar"]
    assert _names(client_of(social_worker).get(URL, {"q": "Elena Schutz"})) == []
    lead_page = client_of(team_lead).get(URL)
    assert "Elena Schutz" in _names(lead_page)
    assert "Sperrvermerk" in lead_page.content.decode()


def test_clients_of_another_office_are_absent(social_worker, outsider, client_of):
    make_client(outsider, first_name="Dortmunder", last_name="Klient")
    assert _names(client_of(social_worker).get(URL)) == []


@pytest.mark.parametrize("text", ["Georgi Ivanov", "Ivanov Georgi", "Иванов"])
def test_search_finds_georgi_ivanov_in_each_spelling(social_worker, client_of, text):
    make_client(social_worker, first_name="Георги", last_name="Иванов")
    make_client(social_worker, first_name="Maria", last_name="Schneider")
    response = client_of(social_worker).get(URL, {"q": text})
    assert _names(response) == ["Георги Иванов"]
    assert "Sortiert danach, wie gut der Name passt." in response.content.decode()


def test_search_finds_weissbaecker(social_worker, client_of):
    make_client(social_worker, first_name="Jürgen", last_name="Weißbäcker")
    make_client(social_worker, first_name="Jürgen", last_name="Becker")
    assert _names(client_of(social_worker).get(URL, {"q": "Weissbaecker"})) == ["Jürgen Weißbäcker"]


def test_search_by_case_number_finds_exactly_that_client(social_worker, client_of):
    clients = [make_client(social_worker) for _ in range(12)]
    wanted = clients[10]
    response = client_of(social_worker).get(URL, {"q": wanted.case_number})
    assert list(response.context["clients"]) == [wanted]


def test_search_ranks_by_relevance(social_worker, client_of):
    make_client(social_worker, first_name="Georgi", last_name="Ivanova")
    make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    assert _names(client_of(social_worker).get(URL, {"q": "Georgi Ivanov"}))[0] == "Georgi Ivanov"


def test_list_is_paged_by_25(social_worker, client_of):
    for number in range(30):
        make_client(social_worker, last_name=f"Seite{number:02d}")
    browser = client_of(social_worker)
    first = browser.get(URL)
    assert len(first.context["clients"]) == 25
    assert "Seite 1 von 2" in first.content.decode()
    assert len(browser.get(URL, {"page": 2}).context["clients"]) == 5


def test_beyond_the_count_limit_the_list_says_more_than_and_still_pages_on(social_worker, client_of, monkeypatch):
    monkeypatch.setattr(ClientListView, "count_limit", 3)
    monkeypatch.setattr(ClientListView, "paginate_by", 2)
    for number in range(5):
        make_client(social_worker, last_name=f"Grenze{number}")
    browser = client_of(social_worker)

    first = browser.get(URL).content.decode()
    assert "Mehr als 3 Klient*innen gefunden." in first
    assert re.search(r">Seite 1<", first)
    assert "?page=2" in first

    # Far enough on, the rows are counted to the end: the total is exact again.
    last = browser.get(URL, {"page": 3})
    text = last.content.decode()
    assert _names(last) == ["Maria Grenze4"]
    assert "5 Klient*innen gefunden." in text
    assert "Seite 3 von 3" in text
    assert "?page=4" not in text


def test_a_search_counts_its_matches_in_the_query_of_its_page(social_worker, client_of, monkeypatch):
    monkeypatch.setattr(ClientListView, "count_limit", 3)
    monkeypatch.setattr(ClientListView, "paginate_by", 2)
    for number in range(5):
        make_client(social_worker, first_name=f"Georgi{number}", last_name="Ivanov")
    make_client(social_worker, first_name="Maria", last_name="Schneider")
    browser = client_of(social_worker)
    browser.get(URL)  # warm the session and permission caches

    with CaptureQueriesContext(connection) as queries:
        first = browser.get(URL, {"q": "Ivanov"})
    assert "Mehr als 3 Klient*innen gefunden." in first.content.decode()
    assert len(first.context["clients"]) == 2
    assert not [query for query in queries if "COUNT(*) FROM" in query["sql"]]

    last = browser.get(URL, {"q": "Ivanov", "page": 3})
    assert "5 Klient*innen gefunden." in last.content.decode()
    assert "Seite 3 von 3" in last.content.decode()
    assert len(last.context["clients"]) == 1
    # Past the last page the rows say nothing: counted as any list, the page does not exist.
    assert browser.get(URL, {"q": "Ivanov", "page": 4}).status_code == 404
    assert browser.get(URL, {"q": "Nobody Known"}).context["paginator"].count == 0


def test_the_count_limit_is_a_thousand_and_counts_up_to_it_exactly(social_worker, client_of):
    for number in range(3):
        make_client(social_worker, last_name=f"Genau{number}")
    paginator = client_of(social_worker).get(URL).context["paginator"]
    assert paginator.count_limit == 1000
    assert paginator.count == 3
    assert paginator.count_is_exact


def test_an_absurd_page_number_is_not_found(social_worker, client_of):
    make_client(social_worker)
    assert client_of(social_worker).get(URL, {"page": "9" * 30}).status_code == 404


def test_filters_are_labelled_in_german(social_worker, client_of):
    page = client_of(social_worker).get(URL).content.decode()
    for label in [
        "Name oder Fallnummer",
        "Zielgruppe",
        "Offener Fall der Art",
        "Status",
        "Zuständige Fachkraft",
        "Staatsangehörigkeit",
        "Wohnsituation",
        "Nur mit überfälliger Wiedervorlage",
    ]:
        assert re.search(rf"<label[^>]*>\s*{re.escape(label)}", page), label


def test_filter_and_search_combine(social_worker, client_of):
    georgi = make_client(social_worker, first_name="Georgi", last_name="Ivanov", nationality="BG")
    make_client(social_worker, first_name="Georgi", last_name="Ivanov", nationality="DE")
    response = client_of(social_worker).get(URL, {"q": "Ivanov", "nationality_group": "eu2"})
    assert list(response.context["clients"]) == [georgi]


def _queries_for_list(browser):
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_rows(social_worker, client_of):
    browser = client_of(social_worker)
    _full_client(social_worker, 0)
    browser.get(URL)  # warm the session and permission caches like any later page view
    one = _queries_for_list(browser)
    for number in range(1, 50):
        _full_client(social_worker, number)
    fifty = _queries_for_list(browser)
    assert one == fifty
    assert fifty <= 15


def test_query_count_of_a_search_does_not_grow_with_rows(social_worker, client_of):
    browser = client_of(social_worker)
    _full_client(social_worker, 0, first_name="Georgi", last_name="Ivanov")
    with CaptureQueriesContext(connection) as one:
        browser.get(URL, {"q": "Ivanov", "status": "open"})
    for number in range(1, 50):
        _full_client(social_worker, number, first_name="Georgi", last_name="Ivanov")
    with CaptureQueriesContext(connection) as fifty:
        response = browser.get(URL, {"q": "Ivanov", "status": "open"})
    assert len(response.context["clients"]) == 25
    assert len(one) == len(fifty) <= 15


def test_administration_may_not_see_the_list(admin_staff, client_of):
    assert client_of(admin_staff).get(URL).status_code == 403
