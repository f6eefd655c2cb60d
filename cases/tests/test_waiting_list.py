"""The waiting list the database keeps on each client: household size and open provision case.

Matching reads ``Client.household_size``, ``Client.waiting_since`` and ``Client.waiting_case``
instead of counting members and cases per request, so they must follow every write — through the
services, in bulk, and when two people write at once — and no write of the application may set them.
"""

from datetime import date

import pytest
from pghistory.models import Events

from cases.models import Case, Client, HouseholdMember
from cases.services.cases import case_close, case_open, case_reopen
from cases.services.clients import client_edit, client_version
from hagen_zuhause.codes import CaseType, Outcome, Relationship
from tests.builders import make_client
from tests.concurrency import second_writes_while_first_is_open


def _waiting_list(client):
    return Client.objects.values_list("household_size", "waiting_since", "waiting_case").get(pk=client.pk)


def _member(**fields):
    return {"id": None, "relationship": Relationship.CHILD, "first_name": "Kind", **fields}


def test_the_household_size_follows_the_members_saved_with_the_client(social_worker):
    client = make_client(social_worker)
    assert _waiting_list(client)[0] == 1

    client_edit(
        client=client, actor=social_worker, version=client_version(client), fields={}, household=[_member(), _member()]
    )
    assert _waiting_list(client)[0] == 3

    first = HouseholdMember.objects.filter(client=client).order_by("pk").first()
    client_edit(
        client=client,
        actor=social_worker,
        version=client_version(client),
        fields={},
        household=[{"id": first.pk, "delete": True}],
    )
    assert _waiting_list(client)[0] == 2


def test_the_household_size_follows_bulk_writes_and_a_member_moving_to_another_household(social_worker):
    one, other = make_client(social_worker), make_client(social_worker)
    HouseholdMember.objects.bulk_create(
        [HouseholdMember(client=one, relationship=Relationship.CHILD) for _ in range(4)]
        + [HouseholdMember(client=other, relationship=Relationship.PARTNER)]
    )
    assert (_waiting_list(one)[0], _waiting_list(other)[0]) == (5, 2)

    HouseholdMember.objects.filter(client=one, pk__in=HouseholdMember.objects.filter(client=one)[:2]).update(
        client=other
    )
    assert (_waiting_list(one)[0], _waiting_list(other)[0]) == (3, 4)

    HouseholdMember.objects.filter(client__in=[one, other]).delete()
    assert (_waiting_list(one)[0], _waiting_list(other)[0]) == (1, 1)


def test_the_waiting_time_is_the_open_provision_case(social_worker):
    client = make_client(social_worker)
    case_open(client=client, case_type=CaseType.PREVENTION, actor=social_worker, opened_on=date(2026, 1, 5))
    assert _waiting_list(client)[1:] == (None, None)

    provision = case_open(client=client, case_type=CaseType.PROVISION, actor=social_worker, opened_on=date(2026, 3, 2))
    assert _waiting_list(client)[1:] == (date(2026, 3, 2), provision.pk)
    assert Client.objects.waiting().filter(pk=client.pk).exists()

    case_close(case=provision, outcome=Outcome.PLACED_OWN_TENANCY, actor=social_worker, closed_on=date(2026, 6, 1))
    assert _waiting_list(client)[1:] == (None, None)
    assert not Client.objects.waiting().filter(pk=client.pk).exists()

    case_reopen(case=provision, actor=social_worker)
    assert _waiting_list(client)[1:] == (date(2026, 3, 2), provision.pk)

    Case.objects.filter(pk=provision.pk).update(opened_on=date(2026, 2, 1))
    assert _waiting_list(client)[1] == date(2026, 2, 1)

    Case.objects.filter(pk=provision.pk).delete()
    assert _waiting_list(client)[1:] == (None, None)


def test_the_application_cannot_write_the_waiting_list(social_worker):
    client = make_client(social_worker)
    case = case_open(client=client, case_type=CaseType.PROVISION, actor=social_worker, opened_on=date(2026, 3, 2))
    stale = Client.objects.get(pk=client.pk)
    HouseholdMember.objects.create(client=client, relationship=Relationship.PARTNER)

    # An object read before the member came, saved afterwards, does not write its old size back.
    stale.save()
    # Nor can a direct update or a new record set them.
    Client.objects.filter(pk=client.pk).update(household_size=9, waiting_since=date(2020, 1, 1), waiting_case=None)
    assert _waiting_list(client) == (2, date(2026, 3, 2), case.pk)

    created = Client.objects.create(
        organisation=client.organisation, case_number="HA-TEST-1", last_name="Neu", household_size=7
    )
    assert _waiting_list(created) == (1, None, None)


def test_the_waiting_list_writes_no_history_of_the_client(social_worker):
    client = make_client(social_worker)
    before = Events.objects.tracks(client).count()

    HouseholdMember.objects.create(client=client, relationship=Relationship.PARTNER)
    case_open(client=client, case_type=CaseType.PROVISION, actor=social_worker)

    # The member and the case have their own history; the client's record did not change.
    assert Events.objects.tracks(client).count() == before


@pytest.mark.django_db(transaction=True)
def test_two_members_added_at_the_same_moment_both_count(social_worker):
    """The second recount waits for the first transaction and counts its member too."""
    client = make_client(social_worker)

    errors = second_writes_while_first_is_open(
        lambda: HouseholdMember.objects.create(client=client, relationship=Relationship.PARTNER),
        lambda: HouseholdMember.objects.create(client=client, relationship=Relationship.CHILD),
    )

    assert errors == []
    assert _waiting_list(client)[0] == 3
