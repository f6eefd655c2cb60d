"""Threats to a tenancy (notices, eviction suits, court notifications) and the deadlines they set.

The deadlines are computed, not typed: saving a notice creates, moves or removes its tasks
(one per notice and kind: the end of the grace period, the court hearing, the eviction date).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases import deadlines
from cases.models import Notice, Task
from cases.services.casework import lock_client
from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.codes import TaskKind
from hagen_zuhause.locking import lock_for_edit


def schonfrist_blocker(notice):
    """The client's earlier notice whose used grace period makes this one's unusable, or None."""
    if notice.served_on is None:
        return None
    first, last = deadlines.schonfrist_reuse_window(notice.served_on)
    others = Notice.objects.filter(client=notice.client_id, schonfrist_used_on__range=(first, last))
    return deadlines.schonfrist_blocker(notice, others.exclude(pk=notice.pk))


def schonfrist_warning(notice, blocker):
    """The German warning shown when the grace period of ``notice`` cannot be used."""
    return _(
        "Warning: the grace period was already used on %(used_on)s, less than two years before this eviction "
        "suit was served on %(served_on)s. Paying the arrears will not make the notice ineffective "
        "(§ 569 Abs. 3 Nr. 2 BGB)."
    ) % {"used_on": _german(blocker.schonfrist_used_on), "served_on": _german(notice.served_on)}


@transaction.atomic
def notice_save(*, notice, actor, version=""):
    """Save a notice and bring its deadline tasks up to date."""
    refuse_if_processing_restricted(notice.client_id)
    if notice.pk:
        lock_for_edit(notice, version)
    else:
        lock_client(notice.client)
    if notice.case_id and notice.case.client_id != notice.client_id:
        raise ValidationError(_("The case belongs to another person."))
    notice.full_clean()
    notice.save()
    _update_deadline_tasks(notice, actor)
    # A grace period used (or corrected) here changes the warning on the client's later notices.
    for other in Notice.objects.filter(client=notice.client_id, served_on__isnull=False).exclude(pk=notice.pk):
        _update_deadline_tasks(other, actor)
    return notice


def _update_deadline_tasks(notice, actor):
    blocker = schonfrist_blocker(notice)
    wanted = {
        TaskKind.SCHONFRIST: (
            deadlines.schonfrist_end(notice.served_on, state=notice.client.organisation.holiday_state)
            if notice.served_on
            else None,
            _("End of the grace period (Schonfrist): eviction suit served on %(date)s")
            % {"date": _german(notice.served_on)},
            schonfrist_warning(notice, blocker) if blocker else "",
        ),
        TaskKind.HEARING: (notice.hearing_on, _("Court hearing (eviction suit)"), ""),
        TaskKind.EVICTION: (notice.eviction_on, _("Eviction date (Räumungstermin)"), ""),
    }
    existing = {task.kind: task for task in Task.objects.select_for_update().filter(notice=notice)}
    for kind, (due_on, title, note) in wanted.items():
        task = existing.get(kind)
        if due_on is None:
            if task is not None and task.done_at is None:
                task.delete()
            continue
        if task is None:
            Task.objects.create(
                organisation_id=notice.client.organisation_id,
                client=notice.client,
                case=notice.case,
                notice=notice,
                kind=kind,
                title=title,
                due_on=due_on,
                assignee=_deadline_assignee(notice.client, actor),
                note=note,
            )
            continue
        changed = task.due_on != due_on
        task.title, task.note, task.case = title, note, notice.case
        if changed:
            # A moved deadline is a new deadline, even if the old one was dealt with.
            task.due_on, task.done_at, task.done_by = due_on, None, None
        task.save()


def _deadline_assignee(client, actor):
    """The acting worker when assigned to the client, else the first assigned worker, else the actor."""
    workers = list(client.assigned_workers.filter(is_active=True).order_by("pk"))
    if not workers or actor in workers:
        return actor
    return workers[0]


def _german(day):
    return date_format(day, "d.m.Y") if day else ""
