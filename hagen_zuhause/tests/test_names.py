"""Names in every Latin script (and Cyrillic): each is found from its plain-ASCII spelling.

Letters without a Unicode decomposition (ı ł ø đ ħ æ œ þ) used to be dropped from the search key
("Yıldız Çelik" → "i ld z celik"), so the spelling on a Jobcenter letter did not find the person.
"""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from cases.duplicates import duplicate_candidates
from cases.models import Client
from hagen_zuhause.names import name_key
from tests.builders import make_client

# (language, first name, last name, the plain-ASCII spelling a worker types)
NAMES = [
    ("turkish", "Yıldız", "Çelik", "Yildiz Celik"),
    ("turkish-soft-g", "Çağrı", "Doğanoğlu", "Cagri Doganoglu"),
    ("polish", "Łukasz", "Wałęsa", "Lukasz Walesa"),
    ("polish-ogonek", "Małgorzata", "Żółkiewska", "Malgorzata Zolkiewska"),
    ("croatian", "Đurđa", "Đorđević", "Djurdja Djordjevic"),
    ("serbian-cyrillic", "Ђорђе", "Јовановић", "Djordje Jovanovic"),
    ("danish", "Søren", "Kjærgaard", "Soren Kjaergaard"),
    ("norwegian", "Bjørn", "Østergård", "Bjorn Ostergard"),
    ("romanian", "Ștefănuț", "Țăranu", "Stefanut Taranu"),
    ("albanian", "Qëndresa", "Xhaçka", "Qendresa Xhacka"),
    ("bulgarian", "Радослава", "Кръстева", "Radoslava Krasteva"),
    ("icelandic", "Þórunn", "Guðmundsdóttir", "Thorunn Gudmundsdottir"),
]
CROWD = [
    ("Yusuf", "Çetin"), ("Yasemin", "Kılıç"), ("Lukas", "Walter"), ("Magdalena", "Zielińska"), ("Dragan", "Jović"),
    ("Sören", "Kjellberg"), ("Björn", "Ostermann"), ("Stefan", "Tănase"), ("Qazim", "Xhafa"), ("Radka", "Kostova"),
    ("Thomas", "Gudmundsen"), ("Georgi", "Ivanov"), ("Mehmet", "Demir"), ("Jürgen", "Weißbäcker"),
]  # fmt: skip
IDS = [language for language, *_ in NAMES]


@pytest.mark.parametrize(("language", "first_name", "last_name", "ascii_spelling"), NAMES, ids=IDS)
def test_the_native_and_the_plain_ascii_spelling_fold_to_the_same_key(language, first_name, last_name, ascii_spelling):
    key = name_key(f"{first_name} {last_name}")
    assert key == name_key(ascii_spelling)
    assert len(key.replace(" ", "")) >= len(ascii_spelling.replace(" ", "")) - 4  # no letter lost


def test_the_letters_without_decomposition_are_kept():
    assert name_key("Yıldız Çelik") == "ildiz celik"
    assert name_key("Wałęsa") == "valesa"
    assert name_key("Øzdemir") == "ozdemir"
    assert name_key("Đorđević") == name_key("Djordjevic") == name_key("Ђорђевић")
    assert name_key("Ħamrun Œuvre Þór Æsa") == "hamrun ouvre tor asa"


@pytest.fixture
def people(social_worker):
    for first_name, last_name in CROWD:
        make_client(social_worker, first_name=first_name, last_name=last_name)
    return {
        language: make_client(social_worker, first_name=first_name, last_name=last_name)
        for language, first_name, last_name, _ in NAMES
    }


@pytest.mark.parametrize(("language", "first_name", "last_name", "ascii_spelling"), NAMES, ids=IDS)
def test_the_client_list_finds_the_person_from_the_plain_ascii_spelling(
    client_of, social_worker, people, language, first_name, last_name, ascii_spelling
):
    response = client_of(social_worker).get(reverse("cases:client_list"), {"q": ascii_spelling})
    assert response.status_code == 200
    found = list(response.context["object_list"])
    assert found[0] == people[language], [client.full_name for client in found]
    assert f"{last_name}, {first_name}</a>" in response.content.decode()


@pytest.mark.parametrize(("language", "first_name", "last_name", "ascii_spelling"), NAMES, ids=IDS)
def test_the_intake_hints_at_the_person_typed_in_plain_ascii(
    client_of, social_worker, people, language, first_name, last_name, ascii_spelling
):
    typed_first, typed_last = ascii_spelling.split(" ")
    assert duplicate_candidates(social_worker, typed_first, typed_last)[0] == people[language]
    response = client_of(social_worker).post(
        reverse("cases:client_create"),
        {"hint_only": "1", "first_name": typed_first, "last_name": typed_last},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "Möglicherweise schon bekannt" in page
    assert f"{first_name} {last_name}" in page


def test_the_migration_recomputes_the_stored_keys_of_every_client(social_worker, people):
    yildiz = people["turkish"]
    yildiz.aliases.create(first_name="Yıldız", last_name="Kılıçarslan")
    # As stored before the folding kept ı, ç and ł.
    Client.objects.filter(pk=yildiz.pk).update(search_text=f"i ld z celik | i ld z k l carslan | {yildiz.case_number}")
    Client.objects.filter(pk=people["polish"].pk).update(search_text="lukasz va esa")

    migration = importlib.import_module("cases.migrations.0008_deadlines_and_name_keys")
    migration.recompute_search_text(apps, None)

    yildiz.refresh_from_db()
    assert yildiz.search_text == f"ildiz celik | ildiz kilicarslan | {yildiz.case_number.lower()}"
    assert Client.objects.get(pk=people["polish"].pk).search_text.startswith("lukasz valesa | ")
    assert duplicate_candidates(social_worker, "Yildiz", "Kilicarslan")[0] == yildiz
