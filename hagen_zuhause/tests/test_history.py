"""The history read limit-first (``hagen_zuhause.history``) gives what pghistory's ``Events`` gives, row for row.

These tests commit their writes (``transaction=True``): every transaction then has its own
``pgh_created_at``, as requests do, and events of one transaction tie on it.
"""

from datetime import timedelta

import pghistory
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pghistory import core
from pghistory.models import Events

from cases.models import Contact, Task
from cases.services.clients import client_update
from hagen_zuhause import history
from hagen_zuhause.audit import system_context
from hagen_zuhause.database import owner_connection
from hagen_zuhause.history_rows import describe_events
from hagen_zuhause.views import AuditHistoryView
from tests.builders import make_case, make_client, make_contact, make_task

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = (
    "pgh_slug",
    "pgh_model",
    "pgh_id",
    "pgh_created_at",
    "pgh_label",
    "pgh_data",
    "pgh_diff",
    "pgh_context_id",
    "pgh_context",
    "pgh_obj_model",
    "pgh_obj_id",
)
ORDER = ("-pgh_created_at", "-pgh_slug")


def rows(events):
    return [tuple(getattr(event, name) for name in FIELDS) for event in events]


def request_of(user):
    """A request's history context, as the middleware opens it, in its own transaction."""
    return pghistory.context(user=user.pk, actor=user.username, organisation=user.organisation_id, request_id="r")


@pytest.fixture
def busy_history(organisation, social_worker, team_lead, outsider):
    """Events of two organisations over many transactions and tables, with diffs, ties and no-context rows."""
    # Event ids that cross a power of ten inside one transaction: as text "…:99" sorts after "…:100".
    # The owning role moves the sequence to five below the next power of ten (the application's role
    # may not setval); sequences never roll back, so each use in a test database jumps one power higher.
    with owner_connection() as owner, owner.cursor() as cursor:
        cursor.execute("SELECT last_value FROM cases_contactevent_pgh_id_seq")
        target = 10 ** len(str(cursor.fetchone()[0] + 20)) - 5
        cursor.execute("SELECT setval(pg_get_serial_sequence('cases_contactevent', 'pgh_id'), %s)", [target])
    with transaction.atomic(), request_of(social_worker):
        person = make_client(social_worker, last_name="Ahrens")
        make_case(person, social_worker)
        contacts = [make_contact(person, social_worker, note=f"Kontakt {number}") for number in range(12)]
    for number in range(12):
        with transaction.atomic(), request_of(team_lead):
            contact = contacts[number % 5]
            Contact.objects.filter(pk=contact.pk).update(note=f"Nachtrag {number}", duration_minutes=number)
            if number % 2:
                make_task(person, team_lead, title=f"Rückruf {number}")
    with transaction.atomic(), request_of(team_lead):
        client_update(client=person, actor=team_lead, phone="02331 12345")
        Task.objects.filter(client=person).update(note="erledigt")
        Contact.objects.filter(pk=contacts[-1].pk).delete()
    with transaction.atomic(), request_of(outsider):
        elsewhere = make_client(outsider, last_name="Dortmund")
        make_contact(elsewhere, outsider, note="Dortmund")
    with transaction.atomic(), system_context("import_contacts", organisation):
        for number in range(3):
            make_contact(person, social_worker, note=f"Import {number}")
    with transaction.atomic():
        # Written outside any context (e.g. a shell): no organisation, so not on the audit page.
        Contact.objects.filter(pk=contacts[0].pk).update(note="ohne Kontext")
    return person


def test_the_organisations_history_is_pghistorys_row_for_row_and_in_order(busy_history, organisation):
    expected = list(Events.objects.filter(pgh_context__organisation=organisation.pk).order_by(*ORDER))
    events = history.events_of_organisation(organisation.pk)

    assert len(expected) > 40
    assert any(event.pgh_diff for event in expected)
    assert rows(events) == rows(expected)
    assert events.count() == len(expected)
    for start, stop in [(0, 8), (0, 1), (3, 17), (8, 16), (20, 70), (len(expected) - 2, len(expected) + 5)]:
        assert rows(events[start:stop]) == rows(expected[start:stop]), (start, stop)
        assert events[start:stop].count() == len(expected[start:stop])
    assert rows(events[2:30][5:9]) == rows(expected[7:11])
    assert rows([events[4]]) == rows([expected[4]])


def test_events_of_one_transaction_are_ordered_by_their_slug_as_text(busy_history, organisation):
    events = list(history.events_of_organisation(organisation.pk).filter(pgh_model="cases.ContactEvent"))
    by_id = {event.pgh_id: index for index, event in enumerate(events)}

    first = min(by_id)  # 10**k - 4, e.g. 96: the transaction's ids cross 10**k
    boundary = first + 4

    assert events[by_id[boundary - 1]].pgh_created_at == events[by_id[boundary]].pgh_created_at
    # Newest first, and within the transaction by the slug as text: ":99" > ":96" > ":107" > ":100".
    assert by_id[boundary - 1] < by_id[first] < by_id[boundary + 7] < by_id[boundary]


def test_the_audit_filters_keep_the_rows_pghistory_keeps(busy_history, organisation, social_worker, team_lead):
    task = Task.objects.filter(client=busy_history).first()
    today = timezone.localdate()
    cases = [
        {"pgh_context__user": team_lead.pk},
        {"pgh_context__user": social_worker.pk},
        {"pgh_context__user": None},
        {"pgh_context__command": "import_contacts"},
        {"pgh_obj_model": "cases.Contact"},
        {"pgh_obj_model": "hagen_zuhause.User"},
        {"pgh_obj_model": "no.Such"},
        {"pgh_obj_id": str(task.pk)},
        {"pgh_obj_id__exact": str(busy_history.pk)},
        {"pgh_obj_id": f"0{task.pk}"},
        {"pgh_obj_id": "abc"},
        {"pgh_label": "delete"},
        {"pgh_created_at__date__gte": today},
        {"pgh_created_at__date__lte": today},
        {"pgh_created_at__date__gte": today + timedelta(days=1)},
        {"pgh_created_at__date__lte": today - timedelta(days=1)},
        {"pgh_context__user": team_lead.pk, "pgh_obj_model": "cases.Task", "pgh_created_at__date__gte": today},
    ]
    base = Events.objects.filter(pgh_context__organisation=organisation.pk).order_by(*ORDER)
    for lookups in cases:
        expected = list(base.filter(**lookups))
        events = history.events_of_organisation(organisation.pk).filter(**lookups)
        assert rows(events) == rows(expected), lookups
        assert events.count() == len(expected), lookups
        assert rows(events[1:4]) == rows(expected[1:4]), lookups


def test_a_clients_history_is_what_pghistory_references(busy_history, outsider):
    expected = list(Events.objects.references(busy_history).order_by(*ORDER))
    events = history.events_referencing(busy_history)

    assert len(expected) > 20
    assert rows(events) == rows(expected)
    assert rows(events[5:15]) == rows(expected[5:15])
    assert events.count() == len(expected)


def test_the_audit_page_counts_only_as_far_as_it_must(busy_history, team_lead, client_of, monkeypatch):
    monkeypatch.setattr(AuditHistoryView, "paginate_by", 5)
    monkeypatch.setattr(AuditHistoryView, "count_limit", 10)
    expected = list(Events.objects.filter(pgh_context__organisation=team_lead.organisation_id).order_by(*ORDER))
    web = client_of(team_lead)

    first = web.get(reverse("audit:history"))
    fifth = web.get(reverse("audit:history"), {"page": 5})

    assert len(expected) > 40
    assert first.context["paginator"].count == 11  # ten counted and one more: "there are more"
    assert "Seite 1<" in first.content.decode() and "Seite 1 von" not in first.content.decode()
    assert fifth.context["paginator"].count == 26  # counted through the page asked for
    assert [row["at"] for row in fifth.context["rows"]] == [event.pgh_created_at for event in expected[20:25]]
    assert [row["record"] for row in fifth.context["rows"]] == [
        row["record"] for row in describe_events(expected[20:25], team_lead)
    ]


def test_every_event_table_has_pgh_created_at_indexed():
    """The limit-first read walks each event table by pgh_created_at: a new tracked model must get it too."""
    for model in core.event_models():
        assert model._meta.get_field("pgh_created_at").db_index, model._meta.label
