"""Building case-work state for tests through the real services: cases, stays, contacts, tasks, notices."""

from datetime import date, timedelta

from django.utils import timezone

from cases.models import AccommodationStay, Contact, Notice, Task
from cases.services.cases import case_open
from cases.services.casework import contact_create, stay_save, task_save
from cases.services.notices import notice_save
from hagen_zuhause.codes import CaseType, ContactType, NoticeKind


def make_case(client, actor, case_type=CaseType.PREVENTION, **fields):
    return case_open(client=client, case_type=case_type, actor=actor, **fields)


def make_stay(client, actor, start=date(2026, 1, 1), end=None, kind="emergency_shelter", **fields):
    return stay_save(stay=AccommodationStay(client=client, kind=kind, start=start, end=end, **fields), actor=actor)


def make_contact(client, actor, day=None, contact_type=ContactType.OFFICE, note="", **fields):
    contact = Contact(client=client, date=day or timezone.localdate(), contact_type=contact_type, note=note, **fields)
    return contact_create(contact=contact, actor=actor)


def make_task(client, actor, title="Rückruf Jobcenter", due_on=None, assignee=None, **fields):
    task = Task(
        client=client,
        title=title,
        due_on=due_on or timezone.localdate() + timedelta(days=3),
        assignee=assignee or actor,
        **fields,
    )
    return task_save(task=task, actor=actor)


def make_notice(client, actor, kind=NoticeKind.EVICTION_SUIT, received_on=None, **fields):
    notice = Notice(client=client, kind=kind, received_on=received_on or timezone.localdate(), **fields)
    return notice_save(notice=notice, actor=actor)
