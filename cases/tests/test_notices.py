"""Legal deadlines from notices: the grace period (Schonfrist), hearing and eviction dates as tasks."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import deadlines
from cases.codes import NoticeKind, TaskKind
from cases.models import Notice, Task
from cases.services.casework import record_version, task_done
from cases.services.notices import notice_save, schonfrist_blocker
from cases.tests.factories import make_client
from cases.tests.factories_casework import make_notice
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create

# --- Date arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("served_on", "expected"),
    [
        (date(2026, 3, 15), date(2026, 5, 15)),  # the same day two months later
        (date(2026, 12, 31), date(2027, 2, 28)),  # no 31 February: the month's last day
        (date(2027, 12, 31), date(2028, 2, 29)),  # ... which is the 29th in a leap year
        (date(2027, 12, 29), date(2028, 2, 29)),
        (date(2026, 12, 29), date(2027, 2, 28)),
        (date(2026, 11, 30), date(2027, 1, 30)),  # over the turn of the year
        (date(2026, 7, 31), date(2026, 9, 30)),  # a 30-day month
        (date(2028, 2, 29), date(2028, 4, 29)),
    ],
)
def test_grace_period_ends_two_calendar_months_after_service(served_on, expected):
    assert deadlines.schonfrist_end(served_on) == expected


def test_months_can_be_counted_backwards_with_clamping():
    assert deadlines.add_months(date(2028, 2, 29), -24) == date(2026, 2, 28)
    assert deadlines.add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert deadlines.add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)


# --- Deadline tasks -------------------------------------------------------------------------


@pytest.fixture
def tenant(social_worker):
    return make_client(social_worker, first_name="Petra", last_name="Mieterin")


def _tasks(notice):
    return {task.kind: task for task in Task.objects.filter(notice=notice)}


def test_an_eviction_suit_sets_the_grace_period_hearing_and_eviction_tasks(social_worker, tenant):
    notice = make_notice(
        tenant,
        social_worker,
        served_on=date(2026, 12, 31),
        hearing_on=date(2027, 3, 10),
        eviction_on=date(2027, 5, 4),
        court_file_number="12 C 345/26",
    )
    tasks = _tasks(notice)
    assert set(tasks) == {TaskKind.SCHONFRIST, TaskKind.HEARING, TaskKind.EVICTION}
    assert tasks[TaskKind.SCHONFRIST].due_on == date(2027, 2, 28)
    assert "31.12.2026" in tasks[TaskKind.SCHONFRIST].title
    assert tasks[TaskKind.HEARING].due_on == date(2027, 3, 10)
    assert tasks[TaskKind.EVICTION].due_on == date(2027, 5, 4)
    assert "Räumungstermin" in tasks[TaskKind.EVICTION].title
    assert all(task.client == tenant and task.assignee == social_worker for task in tasks.values())


def test_saving_again_moves_the_tasks_instead_of_adding_new_ones(social_worker, tenant):
    notice = make_notice(tenant, social_worker, served_on=date(2026, 3, 2), hearing_on=date(2026, 6, 1))
    first = _tasks(notice)

    notice.served_on = date(2026, 3, 9)
    notice.hearing_on = date(2026, 6, 8)
    notice_save(notice=notice, actor=social_worker, version=record_version(Notice.objects.get(pk=notice.pk)))
    notice_save(notice=notice, actor=social_worker)

    again = _tasks(notice)
    assert Task.objects.filter(notice=notice).count() == 2
    assert again[TaskKind.SCHONFRIST].pk == first[TaskKind.SCHONFRIST].pk
    assert again[TaskKind.SCHONFRIST].due_on == date(2026, 5, 9)
    assert again[TaskKind.HEARING].due_on == date(2026, 6, 8)


def test_removing_a_date_removes_its_open_task_but_keeps_done_ones(social_worker, tenant):
    notice = make_notice(tenant, social_worker, hearing_on=date(2026, 6, 1), eviction_on=date(2026, 7, 1))
    task_done(task=_tasks(notice)[TaskKind.EVICTION], actor=social_worker)

    notice.hearing_on = None
    notice.eviction_on = None
    notice_save(notice=notice, actor=social_worker)

    assert set(_tasks(notice)) == {TaskKind.EVICTION}
    assert _tasks(notice)[TaskKind.EVICTION].is_done


def test_a_moved_deadline_is_open_again_even_if_the_old_one_was_done(social_worker, tenant):
    notice = make_notice(tenant, social_worker, hearing_on=date(2026, 6, 1))
    task_done(task=_tasks(notice)[TaskKind.HEARING], actor=social_worker)

    notice.hearing_on = date(2026, 9, 1)
    notice_save(notice=notice, actor=social_worker)

    task = _tasks(notice)[TaskKind.HEARING]
    assert task.due_on == date(2026, 9, 1)
    assert not task.is_done


def test_deadline_tasks_go_to_the_assigned_worker_or_else_the_actor(social_worker, team_lead):
    client = make_client(social_worker)
    by_lead = make_notice(client, team_lead, hearing_on=date(2026, 6, 1))
    assert _tasks(by_lead)[TaskKind.HEARING].assignee == social_worker

    nobody = make_client(social_worker)
    nobody.assigned_workers.clear()
    unassigned = make_notice(nobody, team_lead, hearing_on=date(2026, 6, 1))
    assert _tasks(unassigned)[TaskKind.HEARING].assignee == team_lead


def test_a_notice_is_not_saved_twice_on_a_double_submit(social_worker, tenant):
    fields = {"kind": NoticeKind.EVICTION_SUIT, "received_on": date(2026, 3, 1), "served_on": date(2026, 3, 1)}
    first = notice_save(notice=Notice(client=tenant, **fields), actor=social_worker)
    second = notice_save(notice=Notice(client=tenant, **fields), actor=social_worker)
    assert first.pk == second.pk
    assert Notice.objects.filter(client=tenant).count() == 1
    assert Task.objects.filter(client=tenant).count() == 1


def test_editing_a_notice_someone_else_changed_meanwhile_is_refused(social_worker, team_lead, tenant):
    notice = make_notice(tenant, social_worker, landlord_name="HGW")
    version = record_version(notice)
    theirs = Notice.objects.get(pk=notice.pk)
    theirs.arrears = 1200
    notice_save(notice=theirs, actor=team_lead, version=version)

    notice.landlord_name = "Hagener Gemeinnützige Wohnungsgesellschaft"
    with pytest.raises(ValidationError, match="inzwischen geändert"):
        notice_save(notice=notice, actor=social_worker, version=version)
    assert Notice.objects.get(pk=notice.pk).landlord_name == "HGW"


# --- Grace period used once in two years ----------------------------------------------------


@pytest.mark.parametrize(
    ("used_months_before", "blocked"),
    [(23, True), (24, True), (25, False)],
)
def test_grace_period_used_within_two_years_before_service_blocks_it(
    social_worker, tenant, used_months_before, blocked
):
    served_on = date(2027, 5, 20)
    earlier = make_notice(
        tenant,
        social_worker,
        received_on=deadlines.add_months(served_on, -used_months_before - 2),
        schonfrist_used_on=deadlines.add_months(served_on, -used_months_before),
    )
    notice = make_notice(tenant, social_worker, received_on=served_on, served_on=served_on)

    assert (schonfrist_blocker(notice) == earlier) is blocked
    note = _tasks(notice)[TaskKind.SCHONFRIST].note
    assert ("§ 569 Abs. 3 Nr. 2 BGB" in note) is blocked


def test_a_grace_period_used_later_updates_the_warning_on_the_other_notice(social_worker, tenant):
    served_on = timezone.localdate() - timedelta(days=10)
    current = make_notice(tenant, social_worker, served_on=served_on)
    assert _tasks(current)[TaskKind.SCHONFRIST].note == ""

    make_notice(
        tenant,
        social_worker,
        kind=NoticeKind.NOTICE_TO_QUIT,
        received_on=served_on - timedelta(days=400),
        schonfrist_used_on=served_on - timedelta(days=300),
    )

    assert "Schonfrist wurde bereits" in _tasks(current)[TaskKind.SCHONFRIST].note


def test_notices_of_other_clients_do_not_block(social_worker, tenant):
    neighbour = make_client(social_worker)
    make_notice(neighbour, social_worker, schonfrist_used_on=date(2026, 1, 10))
    notice = make_notice(tenant, social_worker, served_on=date(2026, 6, 1))
    assert schonfrist_blocker(notice) is None


def test_deadline_tasks_of_a_restricted_client_stay_with_those_who_may_see_it(team_lead, organisation):
    other_worker = user_create(
        organisation=organisation, username="k.kaya", role=Role.SOCIAL_WORKER, password=None, last_name="Kaya"
    )
    protected = make_client(team_lead, restricted=True)
    notice = make_notice(protected, team_lead, hearing_on=date(2026, 8, 1))
    assert _tasks(notice)[TaskKind.HEARING].assignee == team_lead
    assert not Task.objects.visible_to(other_worker).exists()
