"""Name normalisation for search and duplicate hints.

One person appears in many spellings: Георги Иванов on the passport, Georgi Ivanov or Georgi Iwanow on
the Jobcenter letter; Ștefănescu, Ştefănescu and Stefanescu; Weißbäcker and Weissbaecker. ``name_key``
folds all of them to the same plain key, on which PostgreSQL's trigram index does the fuzzy rest.
The same function runs on stored names and on search input, so the folding only has to be consistent,
not linguistically exact.

Letters without a Unicode decomposition (Turkish ı, Polish ł, Danish/Norwegian ø and æ, Croatian/Serbian
đ, Maltese ħ, Icelandic þ, œ, ŋ …) are transliterated by ``anyascii`` after the Cyrillic and German rules,
so "Yıldız Çelik" is "yildiz celik" and "Wałęsa" is "walesa". The order matters: German ä/ö/ü/ß keep
their German spellings (ae, oe, ue, ss) and Bulgarian keeps its own transliteration; anyascii handles
everything else, any script included.

Changing the folding changes stored keys: ``Client.search_text`` is recomputed by a data migration
(see ``cases/migrations/0008_deadlines_and_name_keys.py``).
"""

import re
import unicodedata

from anyascii import anyascii

# Bulgarian (and Russian/Ukrainian) Cyrillic to Latin, close to the Bulgarian official transliteration.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ы": "y", "ь": "y",
    "э": "e", "ю": "yu", "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g",
}  # fmt: skip

_GERMAN = {"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue"}

# Croatian/Serbian Latin đ is written "dj" in ASCII (Đorđević/Djordjevic), as Cyrillic ђ is; anyascii
# would give "d".
_SOUTH_SLAVIC = {"đ": "dj"}

# Spelling variants that carry no identity: German vs. English transliteration (Iwanow/Ivanov,
# Jordanov/Yordanov), umlaut spellings (Baecker/Backer), doubled letters.
_FOLDS = [
    (re.compile(r"ae"), "a"),
    (re.compile(r"oe"), "o"),
    (re.compile(r"ue"), "u"),
    (re.compile(r"sch"), "sh"),
    (re.compile(r"tsch"), "ch"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"dt"), "t"),
    (re.compile(r"w"), "v"),
    (re.compile(r"[yj]"), "i"),
    (re.compile(r"([a-z])\1+"), r"\1"),
]


def name_key(text):
    """A folded, lower-case ASCII key of a name: the same for all spellings of one name."""
    if not text:
        return ""
    text = text.lower()
    text = "".join(_CYRILLIC.get(char, char) for char in text)
    text = "".join(_GERMAN.get(char, char) for char in text)
    text = "".join(_SOUTH_SLAVIC.get(char, char) for char in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = anyascii(text).lower()
    text = re.sub(r"[^a-z]+", " ", text)
    for pattern, replacement in _FOLDS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")


def has_cyrillic(text):
    """Whether a name is written (at least partly) in Cyrillic letters."""
    return bool(text and _CYRILLIC_LETTER.search(text))


def latin_spelling(text):
    """A readable Latin spelling of a Cyrillic name, capitals kept: "Георги Иванов" is "Georgi Ivanov".

    The same transliteration as :func:`name_key` uses for Cyrillic (anyascii for letters outside its
    table), but without folding: it is shown to
    people beside the original, not searched. Other letters stay as they are.
    """
    spelled = []
    for char in text or "":
        latin = _CYRILLIC.get(char.lower())
        if latin is None:
            # Serbian and Macedonian letters (ђ, ј, љ, ќ …) the Bulgarian table lacks: anyascii's spelling.
            spelled.append(anyascii(char) if has_cyrillic(char) else char)
        elif char.isupper():
            spelled.append(latin.capitalize())
        else:
            spelled.append(latin)
    return "".join(spelled)


def german_sort_key(text):
    """Sort key that puts Ä next to A, Ö next to O, ß with ss (database collation cannot be trusted)."""
    text = (text or "").lower().replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char))
