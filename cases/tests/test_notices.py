"""Legal deadlines from notices: the grace period (Schonfrist), hearing and eviction dates as tasks."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import deadlines
from cases.models import Notice, Task
from cases.services.casework import task_done
from cases.services.notices import notice_save, schonfrist_blocker
from hagen_zuhause.codes import NoticeKind, TaskKind
from hagen_zuhause.dates import add_months
from hagen_zuhause.locking import record_version
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from tests.builders import make_client, make_notice

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
    assert deadlines.schonfrist_last_calendar_day(served_on) == expected


@pytest.mark.parametrize(
    ("served_on", "state", "expected"),
    [
        (date(2026, 3, 16), "NW", date(2026, 5, 18)),  # a working day (Monday) stays
        (date(2026, 4, 6), "NW", date(2026, 6, 8)),  # Saturday 06.06.2026 → Monday
        (date(2026, 4, 7), "NW", date(2026, 6, 8)),  # Sunday 07.06.2026 → Monday
        (date(2026, 2, 6), "NW", date(2026, 4, 7)),  # Easter Monday 06.04.2026 → Tuesday
        (date(2027, 9, 1), "NW", date(2027, 11, 2)),  # All Saints' Day 01.11.2027 (Monday) in NRW ...
        (date(2027, 9, 1), "BE", date(2027, 11, 1)),  # ... is a working day in Berlin
        (date(2027, 1, 8), "BE", date(2027, 3, 9)),  # Women's Day 08.03.2027 is a holiday in Berlin only
        (date(2027, 1, 8), "NW", date(2027, 3, 8)),
        (date(2025, 10, 25), "NW", date(2025, 12, 29)),  # Christmas Thursday and Friday, then a weekend
        (date(2026, 10, 25), "NW", date(2026, 12, 28)),  # Christmas Friday, Boxing Day Saturday, Sunday
        (date(2026, 2, 3), "NW", date(2026, 4, 7)),  # Good Friday, the weekend, Easter Monday → Tuesday
        (date(2026, 12, 31), "NW", date(2027, 3, 1)),  # 28.02.2027 is a Sunday
    ],
)
def test_a_grace_period_ending_on_a_weekend_or_public_holiday_ends_on_the_next_working_day(served_on, state, expected):
    assert deadlines.schonfrist_end(served_on, state=state) == expected


def test_public_holidays_are_named_in_german():
    assert deadlines.public_holiday(date(2026, 4, 6), "NW") == "Ostermontag"
    assert deadlines.public_holiday(date(2026, 11, 1), "BE") == ""
    assert deadlines.is_working_day(date(2026, 12, 24), "NW")  # Christmas Eve is no public holiday


def test_months_can_be_counted_backwards_with_clamping():
    assert add_months(date(2028, 2, 29), -24) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 15), -13) == date(2024, 12, 15)


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
    assert tasks[TaskKind.SCHONFRIST].due_on == date(2027, 3, 1)  # 28.02.2027 is a Sunday (§ 193 BGB)
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
    assert again[TaskKind.SCHONFRIST].due_on == date(2026, 5, 11)  # 09.05.2026 is a Saturday
    assert again[TaskKind.HEARING].due_on == date(2026, 6, 8)


def test_the_grace_period_task_follows_the_public_holidays_of_the_organisations_state(
    social_worker, tenant, organisation
):
    in_nrw = make_notice(tenant, social_worker, served_on=date(2027, 9, 1))
    assert _tasks(in_nrw)[TaskKind.SCHONFRIST].due_on == date(2027, 11, 2)

    organisation.holiday_state = "BE"
    organisation.save()
    in_berlin = make_notice(tenant, social_worker, served_on=date(2027, 9, 2), received_on=date(2027, 9, 3))
    assert _tasks(in_berlin)[TaskKind.SCHONFRIST].due_on == date(2027, 11, 2)  # a Tuesday anyway
    in_berlin.served_on = date(2027, 9, 1)
    notice_save(notice=in_berlin, actor=social_worker)
    assert _tasks(in_berlin)[TaskKind.SCHONFRIST].due_on == date(2027, 11, 1)


def test_the_migration_moves_open_grace_period_tasks_computed_before_public_holidays_counted(social_worker, tenant):
    saturday = make_notice(tenant, social_worker, served_on=date(2026, 4, 6), received_on=date(2026, 4, 7))
    easter = make_notice(tenant, social_worker, served_on=date(2026, 2, 6), received_on=date(2026, 2, 9))
    working_day = make_notice(tenant, social_worker, served_on=date(2026, 3, 16), received_on=date(2026, 3, 17))
    # As stored before: the calendar day, even on a Saturday or Easter Monday; one of them already done.
    Task.objects.filter(notice=saturday, kind=TaskKind.SCHONFRIST).update(due_on=date(2026, 6, 6))
    Task.objects.filter(notice=easter, kind=TaskKind.SCHONFRIST).update(due_on=date(2026, 4, 6))
    task_done(task=_tasks(easter)[TaskKind.SCHONFRIST], actor=social_worker)

    migration = importlib.import_module("cases.migrations.0008_deadlines_and_name_keys")
    migration.move_open_schonfrist_tasks(apps, None)

    assert _tasks(saturday)[TaskKind.SCHONFRIST].due_on == date(2026, 6, 8)
    assert _tasks(easter)[TaskKind.SCHONFRIST].due_on == date(2026, 4, 6)  # done: kept as dealt with
    assert _tasks(working_day)[TaskKind.SCHONFRIST].due_on == date(2026, 5, 18)


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


def test_editing_a_notice_someone_else_changed_meanwhile_is_refused(social_worker, team_lead, tenant):
    notice = make_notice(tenant, social_worker, landlord_name="HGW")
    version = record_version(notice)
    theirs = Notice.objects.get(pk=notice.pk)
    theirs.arrears = 1200
    notice_save(notice=theirs, actor=team_lead, version=version)

    notice.landlord_name = "Hagener Gemeinnützige Wohnungsgesellschaft"
    with pytest.raises(ValidationError, match="gespeichert, während Sie ihn bearbeitet"):
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
        received_on=add_months(served_on, -used_months_before - 2),
        schonfrist_used_on=add_months(served_on, -used_months_before),
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
