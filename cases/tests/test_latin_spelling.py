"""Lists show a Latin spelling beside a Cyrillic main name: the first Latin other spelling, else the
transliteration, so colleagues who cannot read Cyrillic recognise and type the name."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Client, ClientAlias
from cases.services.clients import client_refresh_search_text
from hagen_zuhause.names import has_cyrillic, latin_spelling
from tests.builders import make_client, make_task

CLIENTS = reverse("cases:client_list")
TASKS = reverse("cases:task_list")


def _with_alias(client, first_name, last_name):
    ClientAlias.objects.create(client=client, first_name=first_name, last_name=last_name)
    client_refresh_search_text(client)
    return client


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Георги Иванов", "Georgi Ivanov"),
        ("Радослава Кръстева", "Radoslava Krasteva"),
        ("Жечо Щерев", "Zhecho Shterev"),
        ("Ђорђе Јовановић", "Djordje Jovanovic"),
    ],
)
def test_the_transliteration_keeps_capitals(cyrillic, latin):
    assert has_cyrillic(cyrillic)
    assert latin_spelling(cyrillic) == latin


def test_a_latin_name_needs_no_second_spelling():
    assert not has_cyrillic("Ștefan Țăranu")


def test_the_client_list_shows_the_first_latin_alias_beside_the_cyrillic_name(social_worker, client_of):
    georgi = make_client(social_worker, first_name="Георги", last_name="Иванов")
    ClientAlias.objects.create(client=georgi, first_name="Георги", last_name="Иванoв", note="Pass")
    _with_alias(georgi, "Georgi", "Iwanow")
    _with_alias(georgi, "Georgi", "Ivanov")
    page = client_of(social_worker).get(CLIENTS).content.decode()
    assert "Иванов, Георги" in page
    assert "(Georgi Iwanow)" in page  # the first Latin spelling entered, not the later one
    assert "(Georgi Ivanov)" not in page


def test_without_a_latin_alias_the_list_shows_the_transliteration(social_worker, client_of):
    make_client(social_worker, first_name="Радослава", last_name="Кръстева")
    page = client_of(social_worker).get(CLIENTS).content.decode()
    assert "(Radoslava Krasteva)" in page


def test_a_latin_main_name_shows_no_second_spelling(social_worker, client_of):
    maria = _with_alias(make_client(social_worker, first_name="Maria", last_name="Popescu"), "Мария", "Попеску")
    response = client_of(social_worker).get(CLIENTS)
    row = next(client for client in response.context["clients"] if client.pk == maria.pk)
    assert row.latin_name == ""
    assert "(Мария Попеску)" not in response.content.decode()


def test_search_results_show_the_latin_spelling(social_worker, client_of):
    _with_alias(make_client(social_worker, first_name="Георги", last_name="Иванов"), "Georgi", "Iwanow")
    make_client(social_worker, first_name="Anna", last_name="Schmidt")
    response = client_of(social_worker).get(CLIENTS, {"q": "Georgi Ivanov"})
    assert [client.latin_name for client in response.context["clients"]] == ["Georgi Iwanow"]
    assert "(Georgi Iwanow)" in response.content.decode()


def test_the_task_list_shows_the_latin_spelling(social_worker, client_of):
    georgi = _with_alias(make_client(social_worker, first_name="Георги", last_name="Иванов"), "Georgi", "Iwanow")
    make_task(georgi, social_worker, title="Rückruf Jobcenter")
    make_task(make_client(social_worker, first_name="Жечо", last_name="Щерев"), social_worker, title="Termin")
    page = client_of(social_worker).get(TASKS).content.decode()
    assert "(Georgi Iwanow)" in page
    assert "(Zhecho Shterev)" in page


def _count(browser, url):
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(url)
    assert response.status_code == 200
    return len(captured)


def test_query_counts_of_the_lists_do_not_grow_with_cyrillic_names(social_worker, client_of):
    browser = client_of(social_worker)
    first = _with_alias(make_client(social_worker, first_name="Георги", last_name="Иванов"), "Georgi", "Ivanov")
    make_task(first, social_worker)
    browser.get(CLIENTS)  # warm the session and permission caches
    clients_one, tasks_one = _count(browser, CLIENTS), _count(browser, TASKS)
    for number in range(20):
        client = make_client(social_worker, first_name="Мария", last_name=f"Петрова{'а' * number}")
        if number % 2:
            _with_alias(client, "Maria", "Petrova")
        make_task(client, social_worker, title=f"Aufgabe {number}")
    assert _count(browser, CLIENTS) == clients_one
    assert _count(browser, TASKS) == tasks_one
    assert Client.objects.count() == 21
