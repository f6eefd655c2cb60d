"""The client list's rows, written in Python: the list (and every search) shows 25 clients, and the
template's markup per row (its tags, filters, translations and the included birth cell) was nearly half
of the page's time.

Written with plain strings through :mod:`hagen_zuhause.markup`, which escapes every text from a record or
a translation.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from hagen_zuhause import markup
from hagen_zuhause.links import record_path

register = template.Library()

_NONE = '<span class="text-body-secondary">–</span>'


#: The words of a row, translated once per language.
_WORDS = markup.Words(
    {
        "Restricted": gettext_lazy("Restricted"),
        "unknown": gettext_lazy("unknown"),
        "none": gettext_lazy("none"),
        "overdue": gettext_lazy("overdue"),
    }
)


def _born(client, words):
    """``cases/includes/client_birth.html``: the day of birth, an estimated year, or unknown."""
    if client.birth_date:
        return markup.day(client.birth_date)
    if client.birth_year_estimated:
        return markup.text(gettext("about %(year)s") % {"year": client.birth_year_estimated})
    return f'<span class="text-body-secondary">{words["unknown"]}</span>'


@register.simple_tag(takes_context=True)
def client_row(context, client):
    """One client: case number; name (a Latin spelling beside a Cyrillic one, the Sperrvermerk); born;
    current target groups; open cases; assigned workers; the next task.

    ``group_labels``, ``case_labels``, ``next_task_due`` and ``next_task_title`` are set by the view
    (cases.views.clients.ClientListView), the assigned workers prefetched.
    """
    words = _WORDS()
    name = markup.text(client.last_name)
    if client.first_name:
        name += f", {markup.text(client.first_name)}"
    parts = [
        f'<tr><td class="text-nowrap">{markup.text(client.case_number)}</td>'
        f'<td><a href="{record_path("cases:client_detail", client.pk)}">{name}</a>'
    ]
    latin = client.latin_name
    if latin:
        parts.append(f' <span class="small text-body-secondary" lang="und-Latn">({markup.text(latin)})</span>')
    if client.restricted:
        parts.append(f' <span class="badge text-bg-warning ms-1">{words["Restricted"]}</span>')
    parts.append(f'</td><td class="text-nowrap">{_born(client, words)}</td><td>')
    groups = "".join(
        f'<span class="badge text-bg-light border me-1">{markup.text(label)}</span>' for label in client.group_labels
    )
    parts.append(groups or _NONE)
    parts.append("</td><td>")
    cases = "<br>".join(markup.text(label) for label in client.case_labels)
    parts.append(cases or f'<span class="text-body-secondary">{words["none"]}</span>')
    parts.append("</td><td>")
    workers = ", ".join(markup.text(worker) for worker in client.assigned_workers.all())
    parts.append(workers or _NONE)
    parts.append("</td><td>")
    due = client.next_task_due
    if due:
        overdue = due < context["today"]
        late = f" ({words['overdue']})" if overdue else ""
        parts.append(
            f'<span class="text-nowrap{" text-danger fw-semibold" if overdue else ""}">{markup.day(due)}{late}</span>'
            f'<br><span class="small">{markup.text(client.next_task_title)}</span>'
        )
    else:
        parts.append(_NONE)
    parts.append("</td></tr>")
    return mark_safe("".join(parts))
