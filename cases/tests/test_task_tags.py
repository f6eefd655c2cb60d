"""The task list's rows are written in Python (cases.templatetags.task_tags): the markup must be the one
the template wrote, for every kind of task, list and user, and escape what people typed."""

from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from cases.templatetags.task_tags import task_row

#: The template's markup for one row before it was written in Python (its variables passed in, not read
#: from the request).
REFERENCE = Template((Path(__file__).parent / "data" / "task_row_reference.html").read_text())
TODAY = date(2026, 12, 7)


def _client(**fields):
    values = {"pk": 31, "full_name": "Maria <Popescu>", "latin_name": "", "case_number": "HA-2026-00031"}
    values.update(fields)
    return SimpleNamespace(**values)


def _task(**fields):
    values = {
        "pk": 815,
        "due_on": TODAY + timedelta(days=3),
        "title": 'Rückruf "Jobcenter" & Vermieter',
        "notice_id": None,
        "assignee_id": 7,
        "assignee": "Sonja Albers",
        "note": "",
        "client_id": 31,
        "client": _client(),
        "client_read_only": False,
    }
    values.update(fields)
    return SimpleNamespace(**values)


TASKS = {
    "plain": _task(),
    "overdue legal deadline": _task(due_on=TODAY - timedelta(days=2), notice_id=4),
    "today with a note": _task(due_on=TODAY, note="Siehe /tasks/ und <b>" + "lang " * 30 + "</b>\nzweite Zeile"),
    "Cyrillic client": _task(client=_client(full_name="Мария Христова", latin_name="Maria Hristova")),
    "read-only file": _task(client_read_only=True),
    "without client": _task(client_id=None, client=None),
    "a colleague's": _task(assignee_id=8, assignee="Jan <Kowalski>"),
}
VIEWS = {
    "mine": {"scope": "mine", "me": 7, "may_change": True},
    "team": {"scope": "team", "me": 7, "may_change": True},
    "may not change": {"scope": "mine", "me": 7, "may_change": False},
}


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
@pytest.mark.parametrize("task", TASKS.values(), ids=TASKS.keys())
def test_a_row_is_written_as_the_template_wrote_it(task, view, language):
    context = Context({"today": TODAY, "csrf_token": "token-123", "next_path": "/tasks/?page=2", **view})
    with translation.override(language):
        ours = task_row(context, task, view["me"], view["may_change"], "/tasks/?page=2")
        reference = REFERENCE.render(Context({"task": task, **context.flatten()}))
    assert parse_html(ours) == parse_html(reference), f"{ours}\n---\n{reference}"


def test_what_a_user_sees_is_there_and_escaped():
    """The comparison above would pass if both wrote nothing."""
    context = Context({"today": TODAY, "csrf_token": "token-123", "scope": "mine"})
    with translation.override("de"):
        html = task_row(context, TASKS["overdue legal deadline"], 7, True, "/tasks/?page=2")
        noted = task_row(context, TASKS["today with a note"], 7, True, "/tasks/")
        colleagues = task_row(context, TASKS["a colleague's"], 7, True, "/tasks/")
    assert '<time datetime="2026-12-05" class="fw-semibold text-danger">05.12.2026</time>' in html
    assert "überfällig" in html and "gesetzliche Frist" in html
    assert "Rückruf &quot;Jobcenter&quot; &amp; Vermieter" in html
    assert "Maria &lt;Popescu&gt;" in html and 'href="/clients/31/"' in html
    assert 'action="/tasks/815/done/"' in html and 'value="token-123"' in html and 'value="/tasks/?page=2"' in html
    assert '<a href="/tasks/">/tasks/</a>' in noted and "&lt;b&gt;" in noted and "…" in noted
    assert "Vertretung für Jan &lt;Kowalski&gt;" in colleagues
