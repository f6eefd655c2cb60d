"""The German translation is complete and compiled: no English text reaches the user."""

import gettext
import re
from pathlib import Path

import pytest

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


def test_no_translation_carries_soft_hyphens_or_stray_spaces():
    """A soft hyphen or a space inside a word breaks a label in the middle ("Mietschuldenüber nahme")."""
    odd = [
        (msgid, value)
        for _ctx, msgid, _plural, values, _fuzzy in _entries()
        for value in values
        if re.search("[\u00ad\u200b]|\\S {2,}\\S", value) or (value.strip() != value and msgid.strip() == msgid)
    ]
    assert not odd, odd


def test_the_rent_debt_takeover_label_wraps_between_words():
    """Shown in a narrow column of the client page: words that wrap, not one long compound."""
    values = {msgid: values[0] for _ctx, msgid, _plural, values, _fuzzy in _entries()}
    assert values["Rent debt takeover"] == "Übernahme der Mietschulden"


def test_the_admin_and_the_password_rules_speak_german():
    """Texts of Django itself that its German catalogue leaves in English or words clumsily."""
    from django.contrib.auth.forms import ReadOnlyPasswordHashWidget
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from hagen_zuhause.models import User

    with translation.override("de"):
        widget = ReadOnlyPasswordHashWidget().render("password", make_password("irrelevant-secret"))
        after_creating = translation.gettext("After you’ve created a user, you’ll be able to edit more user options.")
        person = User(username="m.muster", email="maria.muster@example.org")
        with pytest.raises(ValidationError) as refused:
            validate_password("maria.muster@example.org", person)
    assert "Passwort zurücksetzen" in widget and "Reset password" not in widget
    assert after_creating.startswith("Nachdem Sie das Benutzerkonto angelegt haben")
    assert "Das Passwort ähnelt zu sehr dem Feld „E-Mail-Adresse“." in refused.value.messages
    assert not [message for message in refused.value.messages if "zu ähnlich zu" in message]
