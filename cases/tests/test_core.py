"""The core rules of cases: case numbers, scoping, one open case per type, no overlapping periods."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from cases.models import AccommodationStay, Case, Client, Contact
from cases.services.cases import case_close, case_open, case_reopen
from cases.services.clients import next_case_numbers, target_group_join
from hagen_zuhause.codes import CaseType, Outcome, TargetGroup
from tests.builders import make_client


def test_case_numbers_count_up_per_organisation_and_year(social_worker, outsider):
    first = make_client(social_worker)
    second = make_client(social_worker)
    other = make_client(outsider)
    year = date.today().year
    assert first.case_number == f"HA-{year}-00001"
    assert second.case_number == f"HA-{year}-00002"
    assert other.case_number == f"DO-{year}-00001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_case_numbers_never_collide(organisation):
    numbers, errors = [], []

    def reserve():
        try:
            with transaction.atomic():
                numbers.extend(next_case_numbers(organisation, 2026, 5))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=reserve) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(numbers) == len(set(numbers)) == 20


def test_restricted_clients_exist_only_for_assigned_workers_and_team_lead(
    social_worker, team_lead, admin_staff, outsider
):
    ordinary = make_client(social_worker)
    protected = make_client(social_worker, restricted=True)
    someone_elses = make_client(team_lead, restricted=True)
    assert set(Client.objects.visible_to(social_worker)) == {ordinary, protected}
    assert set(Client.objects.visible_to(team_lead)) == {ordinary, protected, someone_elses}
    assert not Client.objects.visible_to(admin_staff).exists()
    assert not Client.objects.visible_to(outsider).exists()


def test_records_of_a_client_follow_its_visibility(social_worker, team_lead):
    protected = make_client(team_lead, restricted=True)
    Contact.objects.create(client=protected, date=date(2026, 10, 1), contact_type="office", worker=team_lead)
    assert not Contact.objects.visible_to(social_worker).exists()
    assert Contact.objects.visible_to(team_lead).count() == 1


def test_one_open_case_per_type(social_worker):
    client = make_client(social_worker)
    case = case_open(client=client, case_type=CaseType.PREVENTION, actor=social_worker)
    case_open(client=client, case_type=CaseType.PROVISION, actor=social_worker)
    with pytest.raises(ValidationError):
        case_open(client=client, case_type=CaseType.PREVENTION, actor=social_worker)
    case_close(case=case, outcome=Outcome.TENANCY_KEPT, actor=social_worker)
    second = case_open(client=client, case_type=CaseType.PREVENTION, actor=social_worker)
    with pytest.raises(ValidationError):
        case_reopen(case=case, actor=social_worker)
    assert Case.objects.filter(client=client).count() == 3
    assert second.is_open


def test_outcome_must_fit_the_case_type(social_worker):
    case = case_open(client=make_client(social_worker), case_type=CaseType.PREVENTION, actor=social_worker)
    with pytest.raises(ValidationError):
        case_close(case=case, outcome=Outcome.PLACED_OWN_TENANCY, actor=social_worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(closed_on=date(2026, 11, 1), outcome=Outcome.DECEASED)


def test_long_term_homeless_after_twelve_months(social_worker):
    case = case_open(
        client=make_client(social_worker),
        case_type=CaseType.PROVISION,
        actor=social_worker,
        opened_on=date(2026, 3, 1),
        homeless_since=date(2025, 3, 15),
    )
    assert not case.is_long_term_homeless(on=date(2026, 3, 14))
    assert case.is_long_term_homeless(on=date(2026, 3, 15))


def test_target_group_periods_do_not_overlap(social_worker):
    client = make_client(social_worker)
    target_group_join(client=client, group=TargetGroup.WOMEN, start=date(2026, 1, 1), end=date(2026, 3, 31))
    target_group_join(client=client, group=TargetGroup.WOMEN, start=date(2026, 4, 1))
    target_group_join(client=client, group=TargetGroup.EU2, start=date(2026, 2, 1))
    with pytest.raises(ValidationError):
        target_group_join(client=client, group=TargetGroup.WOMEN, start=date(2026, 3, 31))
    assert Client.objects.visible_to(social_worker).in_target_group(TargetGroup.EU2, on=date(2026, 5, 1)).count() == 1


def test_a_person_is_housed_in_one_place_at_a_time(social_worker):
    client = make_client(social_worker)
    AccommodationStay.objects.create(client=client, kind="emergency_shelter", start=date(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        AccommodationStay.objects.create(client=client, kind="transitional_flat", start=date(2026, 6, 1))
