"""Retention: due clients are anonymised, their history and access-log entries forget them, figures stay.

These tests switch to the owning role (the one path that may rewrite history), which cannot happen inside
a test's transaction: they run with ``transaction=True``.
"""

import io
import json
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cases.models import Client, ClientAlias, Contact, Document, HouseholdMember, Referral, Task
from cases.services import retention
from cases.services.cases import case_close
from cases.services.documents import document_upload
from cases.services.referrals import referral_create
from cases.services.retention import ANONYMISED, apply_retention, due_clients
from hagen_zuhause.audit import log_system_access
from hagen_zuhause.codes import CaseType, Outcome
from hagen_zuhause.database import owner_connection
from hagen_zuhause.models import AccessLog, JobRun
from reports.figures import compute_report
from reports.models import ReportSnapshot
from reports.periods import Period
from reports.snapshots import finalise
from tests.builders import (
    PDF_BYTES,
    give_consent,
    make_appointment,
    make_case,
    make_client,
    make_contact,
    make_notice,
    make_partner,
    make_stay,
    make_task,
    upload,
)

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = date(2026, 12, 6)
LAST_NAME = "Wyszomirska"
BIRTH_DATE = date(1984, 3, 17)
NOTE = "Notiz-Zitronenfalter-4711"
#: What must be gone from every text and JSON column after the run.
FORGOTTEN = (LAST_NAME, "Вишомирська", "Wyszomirski", NOTE, "0171 5550199", "Eilper Straße 12")
#: The birth date as text (in no column before either) and as a date (in the client's and its history's).
BIRTH_DATE_TEXTS = ("1984-03-17", "17.03.1984")
#: A quarter in which the anonymised person had contacts; age on its last day: 38 before and after.
PAST_QUARTER = Period.quarter_of(2022, 1)


def _close(case, actor, closed_on):
    outcome = Outcome.TENANCY_KEPT if case.case_type == CaseType.PREVENTION else Outcome.PLACED_OWN_TENANCY
    return case_close(case=case, outcome=outcome, actor=actor, closed_on=closed_on)


@pytest.fixture
def old_client(social_worker):
    """A client whose last case closed and last contact lie four years back: due after three years."""
    person = make_client(
        social_worker,
        first_name="Halina",
        last_name=LAST_NAME,
        birth_date=BIRTH_DATE,
        gender="female",
        nationality="PL",
        phone="0171 5550199",
        postal_address="Eilper Straße 12\n58091 Hagen",
        health_notes=f"Diabetes; {NOTE}",
        target_groups=["women"],
        target_groups_from=date(2021, 9, 1),
    )
    ClientAlias.objects.create(client=person, first_name="Галина", last_name="Вишомирська", note=NOTE)
    HouseholdMember.objects.create(
        client=person, first_name="Jan", last_name="Wyszomirski", relationship="child", birth_year=2010
    )
    case = make_case(person, social_worker, opened_on=date(2021, 9, 1))
    make_contact(person, social_worker, day=date(2021, 9, 1), note=f"Erstgespräch mit Frau {LAST_NAME}", place=NOTE)
    make_contact(person, social_worker, day=date(2022, 2, 14), note=NOTE)
    make_stay(person, social_worker, start=date(2021, 9, 1), end=date(2021, 12, 31), provider_name=NOTE)
    make_task(person, social_worker, title=f"Rückruf Frau {LAST_NAME}", due_on=date(2021, 9, 10), note=NOTE)
    make_appointment(person, social_worker, day=date(2021, 9, 15), place=NOTE, note=f"Termin mit Frau {LAST_NAME}")
    make_notice(person, social_worker, received_on=date(2021, 8, 20), landlord_name=NOTE, note=NOTE)
    partner = make_partner(social_worker.organisation)
    give_consent(person, partner, date(2021, 9, 1), actor=social_worker)
    consent = person.consents.get()
    consent.note = NOTE
    consent.save()
    referral_create(client=person, partner=partner, referred_on=date(2021, 9, 2), actor=social_worker, note=NOTE)
    document_upload(
        client=person,
        uploaded_file=upload(f"Mietvertrag_{LAST_NAME}.pdf", PDF_BYTES, "application/pdf"),
        kind="other",
        description=NOTE,
        actor=social_worker,
    )
    _close(case, social_worker, date(2022, 3, 1))
    return person


@pytest.fixture
def recent_client(social_worker):
    """Case closed long ago, but a contact last year: not due."""
    person = make_client(social_worker, last_name="Kowalski")
    _close(make_case(person, social_worker, opened_on=date(2020, 1, 10)), social_worker, date(2020, 6, 1))
    make_contact(person, social_worker, day=date(2025, 5, 5), note="Nachfrage")
    return person


@pytest.fixture
def open_case_client(social_worker):
    """No contact for years, but a case still open: not due."""
    person = make_client(social_worker, last_name="Nowak")
    make_case(person, social_worker, opened_on=date(2019, 4, 1))
    return person


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The periods count from the day the run happens: a fixed one keeps the data's dates meaningful."""
    localdate = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None, *args: TODAY if value is None else localdate(value))


_TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "ARRAY")


def _found(value):
    """Every table.column of the database that holds ``value``, read as the owning role (it reads all).

    A text is looked for in every text, JSON and array column, a date in every date column.
    """
    is_date = isinstance(value, date)
    found = []
    with owner_connection() as owner, owner.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type = ANY(%s)
            ORDER BY 1, 2
            """,
            [["date"] if is_date else list(_TEXT_TYPES)],
        )
        columns = cursor.fetchall()
        assert len(columns) > (10 if is_date else 100)
        for table, column in columns:
            quoted_table, quoted_column = owner.ops.quote_name(table), owner.ops.quote_name(column)
            condition = f"{quoted_column} = %s" if is_date else f"{quoted_column}::text ILIKE %s"
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {quoted_table} WHERE {condition})", [value if is_date else f"%{value}%"]
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def _state():
    """What the tests compare before and after a dry run: every client field and the history's size."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_clientevent")
        events = cursor.fetchone()[0]
    return (
        list(Client.objects.order_by("pk").values()),
        list(Contact.objects.order_by("pk").values()),
        Document.objects.count(),
        AccessLog.objects.count(),
        events,
    )


def test_due_are_only_clients_without_open_case_and_with_old_activity(old_client, recent_client, open_case_client):
    assert list(due_clients(old_client.organisation, TODAY)) == [old_client]


def test_a_client_without_case_or_contact_is_due_by_the_day_it_was_created(social_worker):
    person = make_client(social_worker, last_name="Ohneakte")
    assert not due_clients(person.organisation, TODAY).exists()
    Client.objects.filter(pk=person.pk).update(created_at=timezone.make_aware(datetime(2023, 1, 2)))
    assert list(due_clients(person.organisation, TODAY)) == [person]


def test_a_dry_run_changes_nothing_and_counts_what_the_real_run_does(old_client, recent_client, open_case_client):
    before = _state()
    output = io.StringIO()

    call_command("apply_retention", "--dry-run", stdout=output)

    assert _state() == before
    assert "Probelauf" in output.getvalue()
    assert "Klient*innen anonymisiert: 1" in output.getvalue()
    assert LAST_NAME not in output.getvalue()
    assert not JobRun.objects.exists()
    planned = apply_retention(organisation=old_client.organisation, dry_run=True).counts
    done = apply_retention(organisation=old_client.organisation).counts
    assert planned == done
    assert done["clients"] == 1 and done["contacts"] == 2 and done["documents"] == 1 and done["history"] > 10


def test_a_real_run_anonymises_exactly_the_due_clients_and_keeps_the_statistics(
    old_client, recent_client, open_case_client, settings, client_of, social_worker
):
    document = old_client.documents.get()
    stored = settings.MEDIA_ROOT / document.file.name
    assert stored.exists()
    output = io.StringIO()

    call_command("apply_retention", stdout=output)

    person = Client.objects.get(pk=old_client.pk)
    assert person.anonymised_at is not None
    assert (person.first_name, person.last_name, person.phone, person.postal_address, person.health_notes) == (
        "",
        ANONYMISED,
        "",
        "",
        "",
    )
    assert (person.birth_date, person.birth_year_estimated) == (None, 1984)
    assert person.search_text == person.case_number.lower()
    # Kept for the statistics:
    assert (person.gender, person.nationality, person.case_number) == ("female", "PL", old_client.case_number)
    assert list(person.target_group_memberships.values_list("group", "start")) == [("women", date(2021, 9, 1))]
    assert sorted(person.contacts.values_list("date", "note")) == [(date(2021, 9, 1), ""), (date(2022, 2, 14), "")]
    assert list(person.cases.values_list("opened_on", "closed_on", "outcome")) == [
        (date(2021, 9, 1), date(2022, 3, 1), "tenancy_kept")
    ]
    assert list(person.household_members.values_list("first_name", "last_name", "birth_year")) == [("", "", 2010)]
    assert Task.objects.get(client=person).title == ANONYMISED
    assert Referral.objects.get(client=person).note == ""
    assert not person.documents.exists() and not stored.exists()
    # The others stay as they were.
    for untouched in (recent_client, open_case_client):
        again = Client.objects.get(pk=untouched.pk)
        assert (again.last_name, again.anonymised_at) == (untouched.last_name, None)
    assert Contact.objects.get(client=recent_client).note == "Nachfrage"
    page = client_of(social_worker).get(person.get_absolute_url()).content.decode()
    assert "anonymisiert am" in page and LAST_NAME not in page and "17.03.1984" not in page
    run = JobRun.objects.get(job="apply_retention")
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.summary.startswith("Fachstelle Wohnen Hagen: Klient*innen anonymisiert: 1; ")
    assert "Kontakte: 2" in run.summary and "Verknüpfungen von Akten" not in run.summary  # none: left out
    assert "Verknüpfungen von Akten: 0" in output.getvalue()  # the printed line names every category
    assert LAST_NAME not in output.getvalue()


def test_a_second_run_changes_nothing(old_client):
    first = apply_retention(organisation=old_client.organisation)
    anonymised_at = Client.objects.get(pk=old_client.pk).anonymised_at

    second = apply_retention(organisation=old_client.organisation)

    assert first.counts["clients"] == 1
    assert all(not count for count in second.counts.values()), second.counts
    assert Client.objects.get(pk=old_client.pk).anonymised_at == anonymised_at


def test_a_crash_between_batches_keeps_the_done_batch_and_the_next_run_completes(old_client, social_worker):
    second = make_client(social_worker, last_name="Zweitperson")
    _close(make_case(second, social_worker, opened_on=date(2020, 1, 1)), social_worker, date(2020, 2, 1))
    original, calls = retention._anonymise, []

    def crash_in_second_batch(ids, *args, **kwargs):
        calls.append(ids)
        original(ids, *args, **kwargs)
        if len(calls) == 2:
            raise RuntimeError("Stromausfall")

    retention._anonymise = crash_in_second_batch
    try:
        with pytest.raises(RuntimeError):
            apply_retention(organisation=old_client.organisation, batch_size=1)
    finally:
        retention._anonymise = original

    assert calls == [[old_client.pk], [second.pk]]
    assert Client.objects.get(pk=old_client.pk).anonymised_at is not None
    assert Client.objects.get(pk=second.pk).last_name == "Zweitperson"  # the second batch rolled back
    result = apply_retention(organisation=old_client.organisation, batch_size=1)
    assert result.counts["clients"] == 1
    assert Client.objects.get(pk=second.pk).last_name == ANONYMISED


def test_the_whole_database_forgets_the_person_and_the_figures_stay(old_client, recent_client, team_lead):
    organisation = old_client.organisation
    log_system_access(organisation, AccessLog.Action.VIEW, object_type="cases.client", object_id=str(old_client.pk))
    AccessLog.objects.create(
        organisation=organisation,
        actor="system",
        action=AccessLog.Action.VIEW,
        detail=NOTE,
        object_type="cases.client",
        object_id=str(old_client.pk),
    )
    expired = AccessLog.objects.create(
        organisation=organisation,
        at=timezone.make_aware(datetime(2024, 1, 2)),
        actor="system",
        action=AccessLog.Action.EXPORT,
    )
    snapshot = finalise(organisation=organisation, period=PAST_QUARTER, actor=team_lead, today=TODAY)
    frozen = (snapshot.figures, bytes(snapshot.pdf))
    figures_before = json.dumps(compute_report(organisation, PAST_QUARTER), sort_keys=True, default=str)
    for text in FORGOTTEN:
        assert _found(text), f"{text} should be stored before the run"
    assert {"cases_client.birth_date", "cases_clientevent.birth_date"} <= set(_found(BIRTH_DATE))

    apply_retention(organisation=organisation)

    for value in (*FORGOTTEN, *BIRTH_DATE_TEXTS, BIRTH_DATE):
        assert _found(value) == [], value
    assert _found("Kowalski")  # the client who is not due keeps the name
    figures_after = json.dumps(compute_report(organisation, PAST_QUARTER), sort_keys=True, default=str)
    assert figures_after == figures_before
    snapshot = ReportSnapshot.objects.get(pk=snapshot.pk)
    assert (snapshot.figures, bytes(snapshot.pdf)) == frozen
    assert not AccessLog.objects.filter(pk=expired.pk).exists()
    assert AccessLog.objects.filter(object_type="cases.client", object_id=str(old_client.pk)).count() == 2


def test_the_application_role_still_cannot_rewrite_the_history_after_a_run(old_client):
    apply_retention(organisation=old_client.organisation)

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_clientevent SET last_name = 'Zurück' WHERE pgh_obj_id = %s", [old_client.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM hagen_zuhause_accesslog")


def test_without_the_owning_role_the_run_fails_with_a_clear_message_and_changes_nothing(old_client, settings):
    # DATABASE_OWNER_URL pointing at the application's own role, as when an operator forgot to set it.
    settings.DATABASE_OWNER = dict(connection.settings_dict)

    with pytest.raises(CommandError, match="DATABASE_OWNER_URL"):
        call_command("apply_retention", stdout=io.StringIO())

    assert Client.objects.get(pk=old_client.pk).last_name == LAST_NAME
    run = JobRun.objects.get(job="apply_retention")
    assert run.status == JobRun.Status.FAILED
    assert "DATABASE_OWNER_URL" in run.summary
