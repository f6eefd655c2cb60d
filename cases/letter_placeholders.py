"""The placeholders of letter templates: a fixed list of names in double braces, ``{{ client.name }}``.

Templates are written by the team lead, so they are never run as Django template code: the text is
plain text in which only the names listed in :data:`PLACEHOLDERS` are replaced by plain values. Any
other brace construct (an unknown name, ``{% … %}``, a brace left open) is refused when the template
is saved, with a message naming it. Values are inserted as text and escaped when the letter is
rendered, so a client's name can never become markup or code.
"""

import re

from django.utils.translation import gettext_lazy as _

#: ``{{ name }}`` with optional spaces inside the braces; a name is lower-case words joined by dots.
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
#: Whatever is left of braces after the placeholders are taken out is a mistake in the template.
STRAY_BRACES = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")

#: The placeholders a template may use, with what they stand for (shown beside the editor).
PLACEHOLDERS = {
    "client.name": _("first and last name of the client"),
    "client.first_name": _("first name of the client"),
    "client.last_name": _("last name of the client"),
    "client.address": _("postal address of the client (or c/o the office)"),
    "client.case_number": _("case number"),
    "client.household_size": _("persons in the household, the client included"),
    "date": _("today's date"),
    "appointment.date": _("date of the chosen appointment"),
    "appointment.time": _("time of the chosen appointment"),
    "appointment.place": _("place of the chosen appointment"),
    "notice.court_file_number": _("court file number of the chosen notice"),
    "notice.received_date": _("date the chosen notice was received"),
    "notice.hearing_date": _("court hearing date of the chosen notice"),
    "notice.landlord": _("landlord named in the chosen notice"),
    "partner.name": _("name of the chosen partner"),
    "partner.address": _("address of the chosen partner"),
    "consent.scope": _("scope of the consent, in the language of the text"),
    "offer.address": _("address of the chosen flat"),
    "offer.rooms": _("rooms of the chosen flat"),
    "offer.living_space": _("living space of the chosen flat in m²"),
    "offer.cold_rent": _("cold rent of the chosen flat"),
    "offer.landlord": _("landlord of the chosen flat"),
    "offer.landlord_address": _("address of the landlord of the chosen flat"),
    "worker.name": _("name of the worker who writes the letter"),
    "worker.phone": _("phone of the worker (else of the office)"),
    "worker.email": _("e-mail of the worker (else of the office)"),
    "organisation.name": _("name of the office"),
    "organisation.address": _("address of the office"),
    "organisation.city": _("city of the office"),
    "organisation.phone": _("phone of the office"),
    "organisation.email": _("e-mail of the office"),
}

#: Placeholder groups that need a record chosen when the letter is written (the rest come from the
#: client, the worker and the office).
CHOICE_GROUPS = ("notice", "appointment", "partner", "consent", "offer")


def used_placeholders(*texts):
    """The placeholder names written in ``texts``, known or not, in order of first use."""
    names = []
    for text in texts:
        for match in PLACEHOLDER.finditer(text or ""):
            if match.group(1) not in names:
                names.append(match.group(1))
    return names


def unknown_placeholders(*texts):
    """The names in double braces that are not placeholders, and stray braces, as the author wrote them."""
    problems = []
    for text in texts:
        text = text or ""
        for match in PLACEHOLDER.finditer(text):
            if match.group(1) not in PLACEHOLDERS and match.group(0) not in problems:
                problems.append(match.group(0))
        for match in STRAY_BRACES.finditer(PLACEHOLDER.sub("", text)):
            if match.group(0) not in problems:
                problems.append(match.group(0))
    return problems


def needed_groups(*texts):
    """The record groups (:data:`CHOICE_GROUPS`) the texts refer to, in the order of that list."""
    groups = {name.split(".", 1)[0] for name in used_placeholders(*texts) if name in PLACEHOLDERS}
    return [group for group in CHOICE_GROUPS if group in groups]


def fill(text, values, *, blank="________"):
    """``text`` with every known placeholder replaced by its value from ``values``.

    An empty or missing value becomes ``blank``, a line to fill in by hand, so that a letter never
    reads as if something had been said; the preview lists which ones were empty.
    """

    def replace(match):
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        value = values.get(name)
        return str(value) if value not in (None, "") else blank

    return PLACEHOLDER.sub(replace, text or "")


def empty_placeholders(values, *texts):
    """The known placeholders used in ``texts`` whose value is empty."""
    return [name for name in used_placeholders(*texts) if name in PLACEHOLDERS and values.get(name) in (None, "")]
