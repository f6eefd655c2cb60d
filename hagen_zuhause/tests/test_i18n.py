"""The German translation is complete and compiled: no English text reaches the user."""

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "locale"
PO = LOCALE / "de" / "LC_MESSAGES" / "django.po"


def _unquote(block):
    return "".join(re.findall(r'"(.*)"', block)).replace('\\"', '"').replace("\\n", "\n")


def _entries():
    """(context, msgid, is_plural, [msgstr...], fuzzy) for every entry of the .po file."""
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid or not _unquote(msgid.group(1)):
            continue
        context = re.search(r'^msgctxt "(.*)"', block, re.M)
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        yield (
            context.group(1) if context else None,
            _unquote(msgid.group(1)),
            "msgid_plural" in block,
            [_unquote(string) for string in strings],
            "#, fuzzy" in block,
        )


def test_every_string_is_translated():
    untranslated = [msgid for _ctx, msgid, _plural, values, fuzzy in _entries() if fuzzy or not all(values)]
    assert not untranslated, f"Untranslated or fuzzy: {untranslated}"


def test_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "de" / "LC_MESSAGES" / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = []
    for context, msgid, plural, values, _fuzzy in _entries():
        if plural:
            compiled_value = catalogue.ngettext(msgid, msgid, 1)
        elif context:
            compiled_value = catalogue.pgettext(context, msgid)
        else:
            compiled_value = catalogue.gettext(msgid)
        if compiled_value != values[0]:
            stale.append(msgid)
    assert not stale, f"Run `make messages`: not compiled: {stale}"
