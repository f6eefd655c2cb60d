"""Quality of the duplicate hints and of the fuzzy search: planted spelling variants among many others."""

import random
from datetime import date

import pytest
from django.conf import settings
from django.db import connection, transaction

from cases.duplicates import SEARCH_SIMILARITY, duplicate_candidates, normalise_case_number, search_clients
from cases.models import Client, ClientAlias
from cases.services.clients import client_refresh_search_text
from hagen_zuhause.database import owner_connection
from tests.builders import make_client

FIRST_NAMES = [
    "Anna", "Maria", "Elena", "Ioana", "Petra", "Sabine", "Fatma", "Emine", "Zeynep", "Monika", "Ursula", "Heike",
    "Daniela", "Gabriela", "Svetla", "Desislava", "Radka", "Vesela", "Ivan", "Petar", "Dimitar", "Nikolai", "Todor",
    "Hristo", "Stoyan", "Mihai", "Andrei", "Constantin", "Florin", "Marius", "Klaus", "Dieter", "Jürgen", "Uwe",
    "Thomas", "Michael", "Stefan", "Mehmet", "Mustafa", "Ahmet", "Hasan", "Ali", "Peter", "Wolfgang", "Georg",
]  # fmt: skip
LAST_NAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
    "Petrov", "Georgiev", "Dimitrov", "Stoyanov", "Nikolov", "Todorov", "Angelov", "Hristov", "Popov", "Kolev",
    "Popescu", "Ionescu", "Popa", "Stan", "Dumitru", "Munteanu", "Stoica", "Gheorghiu", "Rusu", "Matei",
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan", "Kılıç",
]  # fmt: skip


@pytest.fixture
def crowd(social_worker):
    """240 other clients with realistic German, Bulgarian, Romanian and Turkish names."""
    rng = random.Random(2026)
    clients = []
    for _ in range(240):
        clients.append(
            make_client(
                social_worker,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                birth_date=date(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)),
            )
        )
    return clients


def _alias(client, first_name, last_name):
    ClientAlias.objects.create(client=client, first_name=first_name, last_name=last_name)
    client_refresh_search_text(client)


@pytest.fixture
def planted(social_worker, crowd):
    georgi = make_client(social_worker, first_name="Георги", last_name="Иванов", birth_date=date(1980, 3, 12))
    mihaela = make_client(social_worker, first_name="Mihaela", last_name="Dumitrescu", birth_year_estimated=1975)
    stefan = make_client(social_worker, first_name="Ștefan", last_name="Constantinescu")
    juergen = make_client(social_worker, first_name="Jürgen", last_name="Weißbäcker", birth_date=date(1961, 7, 1))
    elena = make_client(social_worker, first_name="Elena", last_name="Popa")
    _alias(elena, "Elena", "Marinescu")
    dragomir = make_client(social_worker, first_name="Dragomir", last_name="Vasilescu")
    return {
        "georgi": georgi,
        "mihaela": mihaela,
        "stefan": stefan,
        "juergen": juergen,
        "elena": elena,
        "dragomir": dragomir,
    }


VARIANTS = [
    pytest.param("georgi", "Georgi", "Ivanov", {}, id="latin-for-cyrillic"),
    pytest.param("georgi", "Georgi", "Iwanow", {}, id="german-transliteration"),
    pytest.param("georgi", "Ivanov", "Georgi", {}, id="swapped-transliterated"),
    pytest.param("mihaela", "Dumitrescu", "Mihaela", {}, id="swapped"),
    pytest.param("stefan", "Ştefan", "Constantinescu", {}, id="s-cedilla"),
    pytest.param("stefan", "Stefan", "Constantinescu", {}, id="s-plain"),
    pytest.param("juergen", "Juergen", "Weissbaecker", {}, id="ue-ss-ae"),
    pytest.param("juergen", "Jurgen", "Weisbacker", {}, id="umlauts-dropped"),
    pytest.param("elena", "Elena", "Marinescu", {}, id="alias-only"),
    pytest.param("dragomir", "Dragomir", "Vasilesku", {}, id="typo"),
    pytest.param("dragomir", "Dragomr", "Vasilescu", {}, id="missing-letter"),
    pytest.param("georgi", "Gheorghe", "Ivanov", {"birth_date": date(1980, 3, 12)}, id="other-first-name-same-birth"),
]


@pytest.mark.parametrize(("target", "first_name", "last_name", "birth"), VARIANTS)
def test_each_planted_variant_is_among_the_top_five(social_worker, planted, target, first_name, last_name, birth):
    found = duplicate_candidates(social_worker, first_name, last_name, **birth)
    assert planted[target] in found, [(c.full_name, c.score) for c in found]
    assert len(found) <= 5


def test_the_exact_person_comes_first(social_worker, planted):
    found = duplicate_candidates(social_worker, "Georgi", "Ivanov")
    assert found[0] == planted["georgi"]
    assert found[0].score == pytest.approx(1.0)


def test_the_same_birth_date_ranks_a_namesake_higher(social_worker, crowd):
    older = make_client(social_worker, first_name="Ivan", last_name="Petrov", birth_date=date(1960, 1, 1))
    younger = make_client(social_worker, first_name="Ivan", last_name="Petrov", birth_date=date(1990, 5, 17))
    by_date = duplicate_candidates(social_worker, "Ivan", "Petrov", birth_date=date(1990, 5, 17))
    assert by_date.index(younger) < by_date.index(older)
    assert by_date[0] == younger and by_date[0].birth_match == "date"
    by_year = duplicate_candidates(social_worker, "Ivan", "Petrov", birth_year=1960)
    assert by_year[0] == older and by_year[0].birth_match == "year"


def test_an_unrelated_name_gives_no_hint(social_worker, planted):
    assert duplicate_candidates(social_worker, "Xaver", "Quirinius") == []
    assert duplicate_candidates(social_worker, "", "") == []


def test_restricted_clients_appear_only_for_those_who_may_see_them(social_worker, team_lead):
    hidden = make_client(team_lead, first_name="Nadia", last_name="Schutzhaus", restricted=True)
    assert duplicate_candidates(social_worker, "Nadia", "Schutzhaus") == []
    assert duplicate_candidates(team_lead, "Nadia", "Schutzhaus") == [hidden]


def test_clients_of_another_office_never_appear(social_worker, outsider):
    make_client(outsider, first_name="Georgi", last_name="Ivanov")
    assert duplicate_candidates(social_worker, "Georgi", "Ivanov") == []


# --- The fuzzy search of the client list -------------------------------------------------------


def _search(user, text):
    return list(search_clients(Client.objects.visible_to(user), text).order_by("-relevance", "pk"))


@pytest.mark.parametrize("text", ["Georgi Ivanov", "Ivanov Georgi", "Иванов", "georgi iwanow"])
def test_search_finds_georgi_in_every_spelling(social_worker, planted, text):
    found = _search(social_worker, text)
    assert found[0] == planted["georgi"]


def test_search_folds_german_spellings(social_worker, planted):
    assert _search(social_worker, "Weissbaecker")[0] == planted["juergen"]
    assert _search(social_worker, "weißbäcker")[0] == planted["juergen"]


def test_search_finds_other_spellings(social_worker, planted):
    assert planted["elena"] in _search(social_worker, "Marinescu")


def test_a_case_number_finds_exactly_that_client(social_worker, planted):
    georgi = planted["georgi"]
    assert _search(social_worker, georgi.case_number) == [georgi]
    number = int(georgi.case_number.rsplit("-", 1)[1])
    short = f"{georgi.case_number.split('-')[0].lower()}-{georgi.case_number.split('-')[1]}-{number}"
    assert _search(social_worker, short) == [georgi]


def test_case_number_normalisation():
    assert normalise_case_number(" ha-2026-42 ") == "HA-2026-00042"
    assert normalise_case_number("HA-2026-00042") == "HA-2026-00042"
    assert normalise_case_number("Georgi") is None


@pytest.mark.django_db
def test_every_connection_searches_from_the_search_similarity():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pg_trgm.word_similarity_threshold')::float")
        assert cursor.fetchone()[0] == SEARCH_SIMILARITY
    options = settings.DATABASES["default"]["OPTIONS"]["options"]
    assert f"pg_trgm.word_similarity_threshold={SEARCH_SIMILARITY}" in options


def test_a_search_after_a_duplicate_check_in_one_transaction_keeps_its_threshold(social_worker, planted):
    # The duplicate check finds from a lower similarity than the search; inside one transaction (as
    # here: every test runs in one) its setting must not carry over to a later search.
    with transaction.atomic():
        candidates = duplicate_candidates(social_worker, "Gheorghe", "Ivanov", birth_date=date(1980, 3, 12))
        assert planted["georgi"] in candidates
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('pg_trgm.word_similarity_threshold')::float")
            assert cursor.fetchone()[0] == SEARCH_SIMILARITY
        assert planted["georgi"] not in _search(social_worker, "Gheorghe Ivanov")


@pytest.mark.django_db(transaction=True)
def test_search_uses_the_trigram_index(social_worker, planted):
    queryset = search_clients(Client.objects.visible_to(social_worker), "Georgi Ivanov")
    # Fresh statistics (all clients are of one office, as in production): the owner's right, on
    # committed rows.
    with owner_connection() as owner, owner.cursor() as cursor:
        cursor.execute("ANALYZE cases_client")
    with transaction.atomic(), connection.cursor() as cursor:
        # On a few hundred rows the planner rightly prefers reading the whole table: forbid that here.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "client_search_trgm" in plan, plan


@pytest.mark.parametrize("text", ["%", "--", "\x00", "1\x00", "a\x00b", "x" * 3000])
def test_a_search_for_nothing_searchable_finds_nothing_and_sorts_like_any_search(social_worker, text):
    found = search_clients(Client.objects.visible_to(social_worker), text).order_by("-relevance", "pk")
    assert list(found) == []
