"""The contact tallies the database keeps for the report: the days each client had a contact per year
(``ContactDays``) and the contacts per organisation, day and kind (``ContactCount``).

The report's persons and contacts are counted from them, so they must say what the contacts say after
every write — through the services, in bulk (the demo's COPY: demo/tests), when a contact moves to another day, kind or
client, when contacts or clients are deleted, and when two people write at once — and nothing but the
database's own triggers may write them.
"""

from collections import Counter, defaultdict
from datetime import date

import pytest
from django.db import DatabaseError, transaction

from cases.models import Client, Contact, ContactCount, ContactDays
from cases.models.contact_tallies import DAYS_IN_A_YEAR, day_mask
from cases.services.casework import contact_update
from hagen_zuhause.codes import ContactType
from reports import figures
from reports.periods import Period
from tests.builders import make_client, make_contact
from tests.concurrency import second_writes_while_first_is_open


def _kept():
    """The tallies as kept: ({(client, year): {day of year, …}}, {(organisation, date, kind): n})."""
    days = {
        (client, year): {number + 1 for number, bit in enumerate(bits) if bit == "1"}
        for client, year, bits in ContactDays.objects.values_list("client", "year", "days")
    }
    counts = {
        (organisation, day, kind): n
        for organisation, day, kind, n in ContactCount.objects.values_list(
            "organisation", "date", "contact_type", "contacts"
        )
        if n
    }
    return days, counts


def _recounted():
    """The same, counted from the contacts themselves."""
    days, counts = defaultdict(set), Counter()
    for client, organisation, day, kind in Contact.objects.values_list(
        "client", "client__organisation", "date", "contact_type"
    ):
        days[client, day.year].add(day.timetuple().tm_yday)
        counts[organisation, day, kind] += 1
    return dict(days), dict(counts)


def _count(client, day, kind):
    return ContactCount.objects.get(organisation=client.organisation, date=day, contact_type=kind).contacts


def _assert_in_step():
    assert _kept() == _recounted()


def test_the_tallies_follow_contacts_recorded_changed_and_deleted(social_worker, outsider):
    one, other = make_client(social_worker), make_client(social_worker)
    elsewhere = make_client(outsider)
    first = make_contact(one, social_worker, day=date(2026, 1, 1))
    make_contact(one, social_worker, day=date(2026, 1, 1), contact_type=ContactType.PHONE)
    make_contact(one, social_worker, day=date(2028, 12, 31))  # day 366 of a leap year
    make_contact(other, social_worker, day=date(2028, 2, 29))
    make_contact(elsewhere, outsider, day=date(2026, 1, 1))
    _assert_in_step()
    assert ContactDays.objects.get(client=one, year=2028).days.index("1") == DAYS_IN_A_YEAR - 1
    assert (
        ContactCount.objects.get(organisation=one.organisation, date=date(2026, 1, 1), contact_type="office").contacts
        == 1
    )

    # Moved to another day and kind through the service: the old day is empty again.
    first.date, first.contact_type = date(2026, 3, 5), ContactType.OUTREACH
    contact_update(contact=first, actor=social_worker)
    _assert_in_step()

    # Bulk writes: a new batch, a move to another client, a note rewritten (nothing to count anew).
    Contact.objects.bulk_create(
        [
            Contact(client=other, date=date(2026, 6, day), contact_type="phone", worker=social_worker)
            for day in (1, 2, 2)
        ]
    )
    Contact.objects.filter(client=one, date__year=2028).update(client=other)
    Contact.objects.filter(client=other).update(note="geschwärzt")
    _assert_in_step()

    # Deleted: one of two contacts of a day keeps the day; the last one empties it.
    Contact.objects.filter(client=other, date=date(2026, 6, 2)).first().delete()
    _assert_in_step()
    assert date(2026, 6, 2).timetuple().tm_yday in _kept()[0][other.pk, 2026]
    Contact.objects.filter(client=other, date__year=2026).delete()
    _assert_in_step()
    assert (
        ContactCount.objects.get(organisation=other.organisation, date=date(2026, 6, 2), contact_type="phone").contacts
        == 0
    )

    # A client deleted with their contacts leaves no days behind.
    Client.objects.filter(pk=other.pk).delete()
    _assert_in_step()
    assert not ContactDays.objects.filter(client=other.pk).exists()


@pytest.mark.parametrize(
    "write",
    [
        lambda organisation, client: ContactCount.objects.filter(organisation=organisation).update(contacts=99),
        lambda organisation, client: ContactCount.objects.create(
            organisation=organisation, date=date(2026, 5, 1), contact_type="office", contacts=5
        ),
        lambda organisation, client: ContactDays.objects.filter(client=client).delete(),
        lambda organisation, client: ContactDays.objects.filter(client=client).update(days="1" * DAYS_IN_A_YEAR),
    ],
    ids=["count updated", "count added", "days deleted", "days rewritten"],
)
def test_nothing_but_the_contacts_writes_the_tallies(social_worker, write):
    client = make_client(social_worker)
    make_contact(client, social_worker, day=date(2026, 5, 1))
    before = _kept()

    with pytest.raises(DatabaseError, match="Kontaktzählung"), transaction.atomic():
        write(client.organisation, client)

    assert _kept() == before


@pytest.mark.django_db(transaction=True)
def test_a_contact_recorded_while_another_is_deleted_keeps_its_day(social_worker):
    """The deletion recounts the client's days; the contact recorded meanwhile must not be lost by it."""
    client = make_client(social_worker)
    gone = make_contact(client, social_worker, day=date(2026, 4, 1))

    errors = second_writes_while_first_is_open(
        lambda: Contact.objects.filter(pk=gone.pk).delete(),
        lambda: make_contact(client, social_worker, day=date(2026, 4, 2)),
    )

    assert errors == []
    _assert_in_step()
    assert _kept()[0] == {(client.pk, 2026): {date(2026, 4, 2).timetuple().tm_yday}}


def test_a_day_mask_covers_the_days_of_one_year():
    assert day_mask(date(2026, 1, 1), date(2026, 1, 3)).startswith("1110")
    assert len(day_mask(date(2026, 12, 31), date(2026, 12, 31))) == DAYS_IN_A_YEAR
    with pytest.raises(ValueError):
        day_mask(date(2026, 12, 31), date(2027, 1, 1))


def test_persons_are_counted_once_in_a_period_across_the_new_year(social_worker, organisation):
    """Figures of a period across 31 December read two rows per person and still count them once."""
    both = make_client(social_worker)
    make_contact(both, social_worker, day=date(2026, 12, 20))
    make_contact(both, social_worker, day=date(2027, 1, 5))
    january = make_client(social_worker)
    make_contact(january, social_worker, day=date(2027, 1, 31))
    make_contact(make_client(social_worker), social_worker, day=date(2027, 2, 1))  # after the period

    winter = Period(2026, None, date(2026, 12, 1), date(2027, 1, 31))
    december = Period(2026, None, date(2026, 12, 1), date(2026, 12, 31))
    assert figures.persons_with_contact_totals(organisation, [winter, december]) == [2, 1]
    assert [
        column["total"] for column in figures.persons_with_contact_in_periods(organisation, [winter, december])
    ] == [
        2,
        1,
    ]
    assert figures.persons_with_contact_records(organisation, winter).count() == 2
