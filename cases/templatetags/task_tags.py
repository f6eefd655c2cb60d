"""The task list's rows, written in Python: the list shows 50 tasks, and the template's markup per row
(its tags, filters, translations, links and form) was more than half of the page's time.

Written with plain strings through :mod:`hagen_zuhause.markup`, which escapes every text from a record or
a translation.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from hagen_zuhause import markup
from hagen_zuhause.links import record_path
from hagen_zuhause.templatetags.hagen_zuhause import link_app_paths

register = template.Library()


#: The words of a row, translated once per language.
_WORDS = markup.Words(
    {
        "overdue": gettext_lazy("overdue"),
        "today": gettext_lazy("today"),
        "legal deadline": gettext_lazy("legal deadline"),
        "Edit": gettext_lazy("Edit"),
        "Done": gettext_lazy("Done"),
        "read only": pgettext_lazy("client file", "read only"),
        "read only title": gettext_lazy("The file can only be read; nothing can be changed or marked as done."),
    }
)


@register.simple_tag(takes_context=True)
def task_row(context, task, me, may_change, next_path):
    """One open task: due day (overdue, today), title with its badges and note, the client (with a Latin
    spelling beside a Cyrillic name and the read-only mark), the assignee on the team's list, and the
    buttons to edit it and mark it done.

    ``task.client_read_only`` is annotated by the view (cases.views.casework.TaskListView).
    """
    words = _WORDS()
    today, scope = context["today"], context["scope"]
    overdue = task.due_on < today
    badge = ""
    if overdue:
        badge = f'<br><span class="badge text-bg-danger">{words["overdue"]}</span>'
    elif task.due_on == today:
        badge = f'<br><span class="badge text-bg-warning">{words["today"]}</span>'
    title = markup.text(task.title)
    parts = [
        f'<tr><td class="text-nowrap"><time datetime="{task.due_on.isoformat()}" class="fw-semibold'
        f'{" text-danger" if overdue else ""}">{markup.day(task.due_on)}</time>{badge}</td><td>{title}'
    ]
    if task.notice_id:
        parts.append(f' <span class="badge text-bg-light border">{words["legal deadline"]}</span>')
    if scope == "mine" and task.assignee_id != me:
        cover = gettext("cover for %(name)s") % {"name": task.assignee}
        parts.append(f' <span class="badge text-bg-info">{markup.text(cover)}</span>')
    if task.note:
        note = link_app_paths(Truncator(task.note).chars(100))
        parts.append(f'<div class="small text-body-secondary">{note}</div>')
    parts.append("</td><td>")
    if task.client_id:
        client = task.client
        parts.append(f'<a href="{record_path("cases:client_detail", client.pk)}">{markup.text(client.full_name)}</a>')
        latin = client.latin_name
        if latin:
            parts.append(f' <span class="small text-body-secondary" lang="und-Latn">({markup.text(latin)})</span>')
        parts.append(f'<div class="small text-body-secondary">{markup.text(client.case_number)}')
        if task.client_read_only:
            parts.append(
                f' <span class="badge text-bg-warning read-only-client" title="{words["read only title"]}">'
                f"{words['read only']}</span>"
            )
        parts.append("</div>")
    else:
        parts.append("–")
    parts.append("</td>")
    if scope == "team":
        parts.append(f"<td>{markup.text(task.assignee)}</td>")
    parts.append('<td class="text-end text-nowrap">')
    if may_change and not task.client_read_only:
        hidden = f'<span class="visually-hidden"> – {title}</span>'
        parts.append(
            f'<a class="btn btn-outline-secondary btn-sm" href="{record_path("cases:task_edit", task.pk)}">'
            f"{words['Edit']}{hidden}</a>"
            f'<form method="post" action="{record_path("cases:task_done", task.pk)}" class="d-inline">'
            f"{markup.csrf_input(context)}"
            f'<input type="hidden" name="next" value="{markup.text(next_path)}">'
            f'<button type="submit" class="btn btn-success btn-sm">{words["Done"]}{hidden}</button></form>'
        )
    parts.append("</td></tr>")
    return mark_safe("".join(parts))
