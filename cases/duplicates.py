"""Duplicate hints at intake and the fuzzy client search: both rank by the trigram index.

Names are folded with :func:`hagen_zuhause.names.name_key` on both sides — stored in ``Client.search_text``
(names, other spellings, case number) and applied to what the worker typed — so Георги Иванов,
Georgi Ivanov and Iwanow Georgi, Ștefan/Ştefan/Stefan, Weißbäcker/Weissbaecker meet on the same
key. PostgreSQL's pg_trgm does the fuzzy rest (typos, Gheorghe/Georgi) through the GIN index
``client_search_trgm``.

Swapped first and last names need no second query: pg_trgm builds the trigrams of each word
separately, so "ivanov georgi" and "georgi ivanov" share every trigram.
"""

import re

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Case, F, FloatField, Q, Value, When

from cases.models import Client
from hagen_zuhause.names import name_key

#: Word similarity from which a stored name is a candidate at intake; Gheorghe/Georgi Ivanov ≈ 0.53.
CANDIDATE_SIMILARITY = 0.5
#: A candidate is shown when its score (similarity plus birth bonus) reaches this.
HINT_SCORE = 0.6
#: Bonus for the same date of birth, and for the same year of birth (from the date or the estimate).
BIRTH_DATE_BONUS = 0.35
BIRTH_YEAR_BONUS = 0.15

#: Word similarity from which the client list finds a name: pg_trgm's default threshold, which every
#: connection of the application sets explicitly (settings, ``DATABASES`` options), so that the trigram
#: operator alone decides and the similarity is not computed once more per row to filter by it.
SEARCH_SIMILARITY = 0.6

CASE_NUMBER = re.compile(r"^\s*([A-Za-z]{1,6})-(\d{4})-(\d{1,5})\s*$")


def duplicate_candidates(user, first_name, last_name, birth_date=None, birth_year=None, limit=5):
    """Existing clients the user may see who could be the person being taken in, best first.

    Each returned client carries ``score`` (name similarity plus birth bonus), ``name_score`` and
    ``birth_match`` ("date", "year" or ""). Restricted clients the user may not see never appear.
    """
    key = name_key(f"{first_name} {last_name}")
    if not key:
        return []
    year = birth_date.year if birth_date else birth_year
    candidates = (
        Client.objects.visible_to(user)
        .not_anonymised()
        .filter(search_text__trigram_word_similar=key)
        .annotate(name_score=TrigramWordSimilarity(key, "search_text"))
        .annotate(birth_bonus=_birth_bonus(birth_date, year))
        .annotate(score=F("name_score") + F("birth_bonus"))
        .filter(score__gte=HINT_SCORE)
        .order_by("-score", "-name_score", "pk")
        .prefetch_related("aliases")
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # The threshold of the trigram operator is a session setting. SET LOCAL would last until the
        # outermost transaction ends; it is set back at once, so that a search later in the same
        # transaction finds by the connection's own threshold (SEARCH_SIMILARITY) again.
        cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [CANDIDATE_SIMILARITY])
        try:
            found = list(candidates[:limit])
        finally:
            cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold TO DEFAULT")
    for client in found:
        client.birth_match = _birth_match(client.birth_bonus)
    return found


def _birth_bonus(birth_date, year):
    whens = []
    if birth_date:
        whens.append(When(birth_date=birth_date, then=Value(BIRTH_DATE_BONUS)))
    if year:
        whens.append(
            When(
                Q(birth_date__isnull=False, birth_date__year=year) | Q(birth_year_estimated=year),
                then=Value(BIRTH_YEAR_BONUS),
            )
        )
    if not whens:
        return Value(0.0, output_field=FloatField())
    return Case(*whens, default=Value(0.0), output_field=FloatField())


def _birth_match(bonus):
    if bonus >= BIRTH_DATE_BONUS:
        return "date"
    if bonus >= BIRTH_YEAR_BONUS:
        return "year"
    return ""


def normalise_case_number(text):
    """``ha-2026-42`` → ``HA-2026-00042``; None when the text is not a case number."""
    match = CASE_NUMBER.match(text or "")
    if not match:
        return None
    prefix, year, number = match.groups()
    return f"{prefix.upper()}-{year}-{int(number):05d}"


def search_clients(queryset, text):
    """Narrow ``queryset`` (already scoped with visible_to) to clients matching ``text``, with ``relevance``.

    A case number finds exactly that client. Otherwise names and other spellings match fuzzily
    (trigram word similarity of the folded text, from SEARCH_SIMILARITY), and digits match parts of case
    or file numbers.
    """
    # PostgreSQL refuses NUL in text; typed into a search it means nothing anyway.
    text = (text or "").replace("\x00", "")
    case_number = normalise_case_number(text)
    if case_number:
        return queryset.filter(case_number=case_number).annotate(relevance=Value(1.0, output_field=FloatField()))
    key = name_key(text)
    literal = text.strip().lower()
    number_part = literal if any(char.isdigit() for char in literal) else ""
    if not key and not number_part:
        # Nothing to search for ("%", "--"): no client, ordered like any search result.
        return queryset.none().annotate(relevance=Value(0.0, output_field=FloatField()))
    condition = Q()
    if key:
        queryset = queryset.annotate(relevance=TrigramWordSimilarity(key, "search_text"))
        condition |= Q(search_text__trigram_word_similar=key)
    else:
        queryset = queryset.annotate(relevance=Value(1.0, output_field=FloatField()))
    if number_part:
        condition |= Q(search_text__contains=number_part)
    return queryset.filter(condition)
