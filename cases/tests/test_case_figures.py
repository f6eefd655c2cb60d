"""What the database keeps on each case for the report: its organisation and, once closed, the persons
in the household (``cases/models/case_figures.py``).

The report counts new and closed cases and the persons kept in their homes from these two columns, so
they must follow every write — services, bulk writes, direct updates — and no write of the application
may set them.
"""

from datetime import date

from pghistory.models import Events

from cases.models import Case, HouseholdMember
from cases.services.cases import case_close, case_open, case_reopen, case_update
from hagen_zuhause.codes import CaseType, Outcome, Relationship
from tests.builders import make_client


def _kept(case):
    return Case.objects.values_list("organisation", "household_size_at_closing").get(pk=case.pk)


def _household(client, members):
    HouseholdMember.objects.bulk_create([HouseholdMember(client=client, relationship=Relationship.CHILD)] * members)


def test_a_case_belongs_to_its_clients_organisation_however_it_is_written(social_worker, outsider):
    client = make_client(social_worker)
    opened = case_open(client=client, case_type=CaseType.PREVENTION, actor=social_worker, opened_on=date(2026, 2, 1))
    assert _kept(opened) == (social_worker.organisation_id, None)

    # A bulk write, and a write naming another organisation: the client's organisation all the same.
    [bulk] = Case.objects.bulk_create(
        [
            Case(
                client=client,
                case_type=CaseType.PROVISION,
                opened_on=date(2026, 3, 1),
                organisation=outsider.organisation,
            )
        ]
    )
    assert _kept(bulk) == (social_worker.organisation_id, None)
    Case.objects.filter(pk=opened.pk).update(organisation=outsider.organisation)
    assert _kept(opened) == (social_worker.organisation_id, None)


def test_the_household_is_counted_when_the_case_is_closed(social_worker):
    client = make_client(social_worker)
    _household(client, 2)
    case = case_open(client=client, case_type=CaseType.PREVENTION, actor=social_worker, opened_on=date(2026, 1, 5))

    case = case_close(case=case, outcome=Outcome.TENANCY_KEPT, actor=social_worker, closed_on=date(2026, 3, 31))
    assert _kept(case)[1] == 3

    # A child born after the closing does not change what was kept then; nor does a correction of the
    # closing day, nor a stale object saved, nor a direct update.
    _household(client, 1)
    Case.objects.filter(pk=case.pk).update(closed_on=date(2026, 3, 30), household_size_at_closing=9)
    case.save()
    assert _kept(case)[1] == 3

    # Reopened, the case has no count; closed again, it counts the household as it is then.
    case = case_reopen(case=case, actor=social_worker)
    assert _kept(case)[1] is None
    case = case_close(case=case, outcome=Outcome.TENANCY_KEPT, actor=social_worker, closed_on=date(2026, 6, 1))
    assert _kept(case)[1] == 4


def test_a_case_written_closed_counts_the_household_at_once(social_worker):
    client = make_client(social_worker)
    _household(client, 1)
    [case] = Case.objects.bulk_create(
        [
            Case(
                client=client,
                case_type=CaseType.PREVENTION,
                opened_on=date(2025, 5, 1),
                closed_on=date(2025, 9, 1),
                outcome=Outcome.ALTERNATIVE_FLAT,
            )
        ]
    )
    assert _kept(case)[1] == 2


def test_the_kept_columns_write_no_history(social_worker):
    client = make_client(social_worker)
    case = case_open(client=client, case_type=CaseType.PREVENTION, actor=social_worker, opened_on=date(2026, 1, 5))
    case = case_close(case=case, outcome=Outcome.TENANCY_KEPT, actor=social_worker, closed_on=date(2026, 2, 1))
    before = Events.objects.tracks(case).count()

    _household(client, 2)
    case_update(case=case, actor=social_worker)
    Case.objects.filter(pk=case.pk).update(household_size_at_closing=5)

    # Nothing the history tracks changed: no new entry.
    assert Events.objects.tracks(case).count() == before
