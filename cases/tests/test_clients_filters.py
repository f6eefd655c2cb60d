"""ClientFilterSet: each filter narrows the list the way its label says."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.filters import ClientFilterSet
from cases.models import Client, Task
from cases.services.cases import case_close, case_open
from cases.services.clients import target_group_join
from hagen_zuhause.codes import CaseType, HousingSituation, Outcome, TargetGroup
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from tests.builders import make_client

TODAY = timezone.localdate()


def _filter(user, **params):
    filterset = ClientFilterSet(params, queryset=Client.objects.visible_to(user), user=user)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


def test_every_filter_is_labelled(social_worker):
    filterset = ClientFilterSet(queryset=Client.objects.none(), user=social_worker)
    assert all(f.label for f in filterset.filters.values())


def test_target_group_counts_current_membership_only(social_worker):
    current = make_client(social_worker)
    target_group_join(client=current, group=TargetGroup.WOMEN, start=date(2025, 1, 1))
    past = make_client(social_worker)
    target_group_join(client=past, group=TargetGroup.WOMEN, start=date(2024, 1, 1), end=date(2024, 12, 31))
    make_client(social_worker)
    assert _filter(social_worker, target_group=TargetGroup.WOMEN) == {current}


def test_case_type_and_open_or_closed(social_worker):
    prevention = make_client(social_worker)
    case_open(client=prevention, case_type=CaseType.PREVENTION, actor=social_worker)
    closed = make_client(social_worker)
    case = case_open(client=closed, case_type=CaseType.PROVISION, actor=social_worker)
    case_close(case=case, outcome=Outcome.PLACED_OWN_TENANCY, actor=social_worker)
    never = make_client(social_worker)
    assert _filter(social_worker, case_type=CaseType.PREVENTION) == {prevention}
    assert _filter(social_worker, case_type=CaseType.PROVISION) == set()
    assert _filter(social_worker, status="open") == {prevention}
    assert _filter(social_worker, status="closed") == {closed, never}


def test_assigned_worker_choices_are_the_offices_active_users(social_worker, team_lead, organisation, outsider):
    gone = user_create(organisation=organisation, username="alt", role=Role.SOCIAL_WORKER, password="x" * 20)
    gone.is_active = False
    gone.save()
    filterset = ClientFilterSet(queryset=Client.objects.none(), user=social_worker)
    assert set(filterset.filters["worker"].queryset) == {social_worker, team_lead}
    mine = make_client(social_worker)
    make_client(team_lead)
    assert _filter(social_worker, worker=social_worker.pk) == {mine}


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("germany", {"DE"}),
        ("eu2", {"BG", "RO"}),
        ("other_eu", {"PL", "FR"}),
        ("non_eu", {"TR", "SY", "stateless"}),
        ("unknown", {"unknown"}),
    ],
)
def test_nationality_groups(social_worker, group, expected):
    for code in ["DE", "BG", "RO", "PL", "FR", "TR", "SY", "stateless", "unknown"]:
        make_client(social_worker, nationality=code)
    assert {client.nationality for client in _filter(social_worker, nationality_group=group)} == expected


def test_housing_situation_of_the_open_or_latest_case(social_worker):
    open_case = make_client(social_worker)
    old = case_open(
        client=open_case,
        case_type=CaseType.PREVENTION,
        actor=social_worker,
        opened_on=date(2025, 1, 1),
        housing_situation=HousingSituation.THREATENED_TENANCY,
    )
    case_close(case=old, outcome=Outcome.LOST_SHELTER, actor=social_worker, closed_on=date(2025, 6, 1))
    case_open(
        client=open_case,
        case_type=CaseType.PROVISION,
        actor=social_worker,
        opened_on=date(2025, 6, 2),
        housing_situation=HousingSituation.EMERGENCY_ACCOMMODATION,
    )
    closed_only = make_client(social_worker)
    case = case_open(
        client=closed_only,
        case_type=CaseType.PREVENTION,
        actor=social_worker,
        opened_on=date(2024, 1, 1),
        housing_situation=HousingSituation.THREATENED_TENANCY,
    )
    case_close(case=case, outcome=Outcome.TENANCY_KEPT, actor=social_worker, closed_on=date(2024, 3, 1))
    assert _filter(social_worker, housing_situation=HousingSituation.EMERGENCY_ACCOMMODATION) == {open_case}
    assert _filter(social_worker, housing_situation=HousingSituation.THREATENED_TENANCY) == {closed_only}


def test_overdue_task(social_worker):
    late = make_client(social_worker)
    on_time = make_client(social_worker)
    done = make_client(social_worker)
    for client, days, finished in [(late, -1, False), (on_time, 0, False), (done, -5, True)]:
        Task.objects.create(
            organisation=social_worker.organisation,
            client=client,
            title="Wiedervorlage",
            due_on=TODAY + timedelta(days=days),
            assignee=social_worker,
            done_at=timezone.now() if finished else None,
        )
    assert _filter(social_worker, overdue="on") == {late}
    assert _filter(social_worker) == {late, on_time, done}


def test_search_through_the_filterset(social_worker):
    georgi = make_client(social_worker, first_name="Георги", last_name="Иванов")
    make_client(social_worker, first_name="Maria", last_name="Schneider")
    assert _filter(social_worker, q="Ivanov Georgi") == {georgi}
