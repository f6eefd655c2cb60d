"""The contact timeline's entries are written in Python (cases.templatetags.timeline_tags): the markup must
be the one the template wrote, for every kind of contact, and escape what people typed."""

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from cases.templatetags.timeline_tags import timeline_contact
from hagen_zuhause.codes import ContactTopic, ContactType

#: The template's markup for one contact before it was written in Python.
REFERENCE = Template((Path(__file__).parent / "data" / "timeline_contact_reference.html").read_text())


def _contact(**fields):
    topics = fields.pop("topics", [])
    labels = dict(ContactTopic.choices)
    values = {
        "pk": 4711,
        "date": date(2026, 3, 9),
        "contact_type": ContactType.OUTREACH,
        "type_label": dict(ContactType.choices)[fields.get("contact_type", ContactType.OUTREACH)],
        "duration_minutes": None,
        "interpreter_used": False,
        "worker_id": 7,
        "worker": "Sonja Albers",
        "place": "",
        "topics": topics,
        "topic_labels": [labels[topic] for topic in topics],
        "note": "",
    }
    values.update(fields)
    return SimpleNamespace(**values)


CONTACTS = {
    "plain": _contact(),
    "everything": _contact(
        contact_type=ContactType.HOME_VISIT,
        duration_minutes=45,
        interpreter_used=True,
        place="Wohnung <Eilpe> & Flur",
        topics=[ContactTopic.RENT_DEBTS, ContactTopic.HEALTH],
        note="Erste Zeile <b>fett</b>\r\nzweite \"Zeile\"\n'dritte'",
    ),
    "another worker": _contact(worker_id=8, worker="Jan <Kowalski>"),
    "zero minutes": _contact(duration_minutes=0, date=date(2026, 12, 31)),
}
PERMISSIONS = {
    "own": {"me": 7, "may_change_any": False, "read_only": False},
    "someone else's": {"me": 9, "may_change_any": False, "read_only": False},
    "team lead": {"me": 9, "may_change_any": True, "read_only": False},
    "read only": {"me": 7, "may_change_any": True, "read_only": True},
}


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("who", PERMISSIONS.values(), ids=PERMISSIONS.keys())
@pytest.mark.parametrize("contact", CONTACTS.values(), ids=CONTACTS.keys())
def test_a_contact_is_written_as_the_template_wrote_it(contact, who, language):
    with translation.override(language):
        ours = timeline_contact(contact, who["me"], who["may_change_any"], who["read_only"])
        reference = REFERENCE.render(Context({"contact": contact, **who}))
    assert parse_html(ours) == parse_html(reference), f"{ours}\n---\n{reference}"


def test_what_a_user_sees_is_there_and_escaped():
    """The comparison above would pass if both wrote nothing."""
    with translation.override("de"):
        html = timeline_contact(CONTACTS["everything"], 7, False, False)
    assert '<time datetime="2026-03-09" class="fw-semibold">09.03.2026</time>' in html
    assert "Hausbesuch · 45 Min." in html and "mit Dolmetscher" in html
    assert 'href="/contacts/4711/edit/"' in html and "Bearbeiten" in html
    assert "Wohnung &lt;Eilpe&gt; &amp; Flur" in html
    assert "Erste Zeile &lt;b&gt;fett&lt;/b&gt;<br>zweite &quot;Zeile&quot;<br>&#x27;dritte&#x27;" in html
    assert html.count("list-inline-item") == 2
    assert "Bearbeiten" not in timeline_contact(CONTACTS["another worker"], 7, False, False)
