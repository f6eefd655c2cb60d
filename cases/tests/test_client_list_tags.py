"""The client list's rows are written in Python (cases.templatetags.client_list_tags): the markup must be
the one the template wrote, for every kind of client, and escape what people typed."""

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from cases.templatetags.client_list_tags import client_row

#: The template's markup for one row before it was written in Python.
REFERENCE = Template((Path(__file__).parent / "data" / "client_row_reference.html").read_text())
TODAY = date(2026, 12, 7)


class Workers(list):
    def all(self):
        return self


def _client(**fields):
    values = {
        "pk": 31,
        "case_number": "HA-2026-00031",
        "first_name": "Maria",
        "last_name": "Popescu <jun.>",
        "latin_name": "",
        "restricted": False,
        "birth_date": date(1961, 3, 12),
        "birth_year_estimated": None,
        "group_labels": ["Unionsbürger*innen aus Bulgarien & Rumänien", "Frauen"],
        "case_labels": ["Wohnraumsicherung", "Wohnraumversorgung"],
        "assigned_workers": Workers(["Sonja Albers", "Jan <Kowalski>"]),
        "next_task_due": date(2026, 12, 9),
        "next_task_title": 'Rückruf "Jobcenter"',
    }
    values.update(fields)
    return SimpleNamespace(**values)


CLIENTS = {
    "everything": _client(),
    "Cyrillic and restricted": _client(
        first_name="Мария", last_name="Христова", latin_name="Maria Hristova", restricted=True
    ),
    "only a last name, born about": _client(first_name="", birth_date=None, birth_year_estimated=1970),
    "nothing known": _client(
        birth_date=None, group_labels=[], case_labels=[], assigned_workers=Workers(), next_task_due=None
    ),
    "overdue task": _client(next_task_due=date(2026, 11, 30)),
    "task today": _client(next_task_due=TODAY),
}


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("client", CLIENTS.values(), ids=CLIENTS.keys())
def test_a_row_is_written_as_the_template_wrote_it(client, language):
    context = Context({"today": TODAY})
    with translation.override(language):
        ours = client_row(context, client)
        reference = REFERENCE.render(Context({"client": client, "today": TODAY}))
    assert parse_html(ours) == parse_html(reference), f"{ours}\n---\n{reference}"


def test_what_a_user_sees_is_there_and_escaped():
    """The comparison above would pass if both wrote nothing."""
    with translation.override("de"):
        row = client_row(Context({"today": TODAY}), CLIENTS["everything"])
        cyrillic = client_row(Context({"today": TODAY}), CLIENTS["Cyrillic and restricted"])
        about = client_row(Context({"today": TODAY}), CLIENTS["only a last name, born about"])
        overdue = client_row(Context({"today": TODAY}), CLIENTS["overdue task"])
    assert '<a href="/clients/31/">Popescu &lt;jun.&gt;, Maria</a>' in row
    assert "12.03.1961" in row and "Bulgarien &amp; Rumänien" in row and "Jan &lt;Kowalski&gt;" in row
    assert "Wohnraumsicherung<br>Wohnraumversorgung" in row and "Rückruf &quot;Jobcenter&quot;" in row
    assert "(Maria Hristova)" in cyrillic and "Sperrvermerk" in cyrillic
    assert "ca. 1970" in about or "etwa 1970" in about
    assert "30.11.2026 (überfällig)" in overdue and "text-danger" in overdue
