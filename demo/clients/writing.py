"""Writes planned demo people to the database in batches: ``bulk_create`` for most rows, COPY for the
contacts, optionally without history triggers; ``seed_clients`` runs it all in one transaction."""

import csv
import io
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import pgtrigger
from django.db import connection, transaction
from django.utils import timezone

from cases.deadlines import schonfrist_end
from cases.models import (
    AccommodationStay,
    Appointment,
    Case,
    Client,
    ClientAlias,
    Consent,
    Contact,
    HouseholdMember,
    Notice,
    Referral,
    TargetGroupMembership,
    Task,
)
from cases.services.clients import next_case_numbers, search_text_for
from demo.clients.names import _planned_duplicates
from demo.clients.planner import Planner
from demo.team import demo_partners_ensure, demo_team_ensure
from hagen_zuhause import codes

BATCH_SIZE = 5000
#: Runs of at least this many people are written without change history (see the package docstring).
WITHOUT_HISTORY_FROM = 1000


@dataclass
class SeedResult:
    clients: int = 0
    cases: int = 0
    contacts: int = 0
    notices: int = 0
    tasks: int = 0
    consents: int = 0
    referrals: int = 0
    appointments: int = 0
    planted_duplicates: list = field(default_factory=list)


def _history_triggers():
    """pgtrigger URIs of the insert history triggers of every table the seed writes to."""
    models = {Client, ClientAlias, HouseholdMember, TargetGroupMembership, Case, AccommodationStay, Contact, Task,
              Notice, Consent, Referral, Appointment}  # fmt: skip
    return [
        f"{model._meta.label}:{trigger.name}"
        for model in models
        for trigger in getattr(model._meta, "triggers", [])
        if trigger.name == "insert_insert"
    ]


def seed_clients(*, organisation, count, seed, today=None, progress=None, without_history=None):
    """Create ``count`` demo clients with everything around them; one transaction.

    ``progress(done, total)`` is called after each batch. History triggers are off for runs of
    at least WITHOUT_HISTORY_FROM people unless ``without_history`` says otherwise.
    """
    today = today or timezone.localdate()
    if without_history is None:
        without_history = count >= WITHOUT_HISTORY_FROM
    team = demo_team_ensure(organisation)
    partners = demo_partners_ensure(organisation)
    planner = Planner(seed=seed, today=today, team=team, partners=partners, clients=count)
    offset = Client.objects.filter(organisation=organisation).count()
    copies = _planned_duplicates(count)
    result = SeedResult()
    triggers = _history_triggers() if without_history else []
    plants = dict(copies.values())
    originals = {}
    with transaction.atomic(), pgtrigger.ignore(*triggers) if triggers else nullcontext():
        for start in range(0, count, BATCH_SIZE):
            people = []
            for position in range(start, min(start + BATCH_SIZE, count)):
                original, kind = copies.get(position, (None, None))
                person = planner.person(
                    offset + position, plant=plants.get(position) or kind, original=originals.pop(original, None)
                )
                if position in plants:
                    originals[position] = person
                if original is not None:
                    result.planted_duplicates.append((offset + original, person.number, kind))
                people.append(person)
            _write(organisation, people, today, result, ignore_history=bool(triggers))
            if progress:
                progress(min(start + BATCH_SIZE, count), count)
    return result


def _aware(day, at=time(9, 0)):
    return timezone.make_aware(datetime.combine(day, at))


def _write(organisation, people, today, result, *, ignore_history):
    by_year = {}
    for person in people:
        by_year.setdefault(person.cases[0].opened_on.year, []).append(person)
    clients = []
    for year, year_people in sorted(by_year.items()):
        numbers = next_case_numbers(organisation, year, len(year_people))
        for person, number in zip(year_people, numbers, strict=True):
            values = dict(person.client)
            client = Client(
                organisation=organisation,
                case_number=number,
                created_at=_aware(person.cases[0].opened_on),
                created_by_id=person.worker,
                **values,
            )
            aliases = [ClientAlias(first_name=first, last_name=last, note=note) for first, last, note in person.aliases]
            client.search_text = search_text_for(client, aliases)
            person.record, person.alias_records = client, aliases
            clients.append(client)
    Client.objects.bulk_create(clients, batch_size=BATCH_SIZE)

    aliases, household, memberships, assignments, cases = [], [], [], [], []
    through = Client.assigned_workers.through
    for person in people:
        client = person.record
        for alias in person.alias_records:
            alias.client = client
            aliases.append(alias)
        household += [HouseholdMember(client=client, **member) for member in person.household]
        start = person.cases[0].opened_on
        memberships += [
            TargetGroupMembership(client=client, group=group, start=start, end=person.group_end)
            for group in person.groups
        ]
        assignments += [through(client_id=client.pk, user_id=user) for user in [person.worker, *person.extra_workers]]
        for planned in person.cases:
            planned.record = Case(
                client=client,
                case_type=planned.case_type,
                opened_on=planned.opened_on,
                closed_on=planned.closed_on,
                outcome=planned.outcome,
                housing_situation=planned.housing_situation,
                bagw_situation=planned.bagw_situation,
                homeless_since=planned.homeless_since,
                opened_by_id=person.worker,
                closed_by_id=person.worker if planned.closed_on else None,
            )
            cases.append(planned.record)
    ClientAlias.objects.bulk_create(aliases, batch_size=BATCH_SIZE)
    HouseholdMember.objects.bulk_create(household, batch_size=BATCH_SIZE)
    TargetGroupMembership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    through.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
    Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)

    stays, notices, consents = [], [], []
    for person in people:
        client = person.record
        for planned in person.cases:
            stays += [AccommodationStay(client=client, **stay) for stay in planned.stays]
            for values in planned.notices:
                notice = Notice(client=client, case=planned.record, **values)
                notice.planned_by = person
                notices.append(notice)
        for values in person.consents:
            consent = Consent(
                client=client,
                scope=values["scope"],
                partner_id=values["partner"],
                given_on=values["given_on"],
                expires_on=values["expires_on"],
                withdrawn_on=values["withdrawn_on"],
            )
            consent.planned_by, consent.planned_referral = person, values["referral"]
            consents.append(consent)
    AccommodationStay.objects.bulk_create(stays, batch_size=BATCH_SIZE)
    Notice.objects.bulk_create(notices, batch_size=BATCH_SIZE)
    Consent.objects.bulk_create(consents, batch_size=BATCH_SIZE)

    tasks = []
    for person in people:
        for planned in person.cases:
            tasks += [
                Task(
                    organisation=organisation,
                    client=person.record,
                    case=planned.record,
                    assignee_id=person.worker,
                    created_at=_aware(planned.opened_on),
                    **values,
                )
                for values in planned.tasks
            ]
    for notice in notices:
        tasks += _deadline_tasks(organisation, notice, notice.planned_by, today)
    referrals = [
        Referral(
            client=consent.client,
            case=consent.planned_by.cases[-1].record,
            partner_id=consent.partner_id,
            referred_on=consent.planned_referral["referred_on"],
            consent=consent,
            outcome=consent.planned_referral["outcome"],
            outcome_on=consent.planned_referral["outcome_on"],
            worker_id=consent.planned_by.worker,
        )
        for consent in consents
        if consent.planned_referral
    ]
    Task.objects.bulk_create(tasks, batch_size=BATCH_SIZE)
    Referral.objects.bulk_create(referrals, batch_size=BATCH_SIZE)
    appointments = [
        Appointment(
            organisation=organisation,
            client=person.record,
            worker_id=person.worker,
            created_at=_aware(min(values["date"], today) - timedelta(days=7)),
            **values,
        )
        for person in people
        for values in person.appointments
    ]
    Appointment.objects.bulk_create(appointments, batch_size=BATCH_SIZE)

    result.contacts += _copy_contacts(people, ignore_history=ignore_history)
    result.clients += len(clients)
    result.cases += len(cases)
    result.notices += len(notices)
    result.tasks += len(tasks)
    result.consents += len(consents)
    result.referrals += len(referrals)
    result.appointments += len(appointments)


def _deadline_tasks(organisation, notice, person, today):
    """The tasks notice_save would compute: end of the grace period, hearing, eviction date.

    Deadlines that passed (or whose case was closed before them) are done.
    """
    wanted = []
    if notice.served_on:
        wanted.append(
            (
                codes.TaskKind.SCHONFRIST,
                schonfrist_end(notice.served_on, state=organisation.holiday_state),
                f"Ende der Schonfrist: Räumungsklage zugestellt am {notice.served_on:%d.%m.%Y}",
            )
        )
    if notice.hearing_on:
        wanted.append((codes.TaskKind.HEARING, notice.hearing_on, "Gerichtstermin (Räumungsklage)"))
    if notice.eviction_on:
        wanted.append((codes.TaskKind.EVICTION, notice.eviction_on, "Räumungstermin"))
    closed_on = notice.case.closed_on if notice.case else None
    tasks = []
    for kind, due_on, title in wanted:
        done_on = min(due_on, closed_on) if closed_on else (due_on if due_on < today else None)
        tasks.append(
            Task(
                organisation=organisation,
                client=notice.client,
                case=notice.case,
                notice=notice,
                kind=kind,
                title=title,
                due_on=due_on,
                assignee_id=person.worker,
                done_at=_aware(done_on, time(12, 0)) if done_on else None,
                done_by_id=person.worker if done_on else None,
                created_at=_aware(notice.received_on),
            )
        )
    return tasks


CONTACT_COLUMNS = (
    "client_id",
    "case_id",
    "date",
    "duration_minutes",
    "contact_type",
    "place",
    "topics",
    "interpreter_used",
    "worker_id",
    "note",
    "import_key",
    "created_at",
)


def _copy_contacts(people, *, ignore_history):
    """Write the contacts of a batch with COPY (2M rows in minutes); returns their number."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    count = 0
    for person in people:
        client_id = person.record.pk
        cases = [planned.record.pk for planned in person.cases]
        writer.writerows(
            (
                client_id,
                cases[index],
                day,
                duration,
                kind,
                place,
                topics,
                "t" if interpreter else "f",
                worker,
                note,
                "",
                at,
            )
            for index, day, kind, duration, place, topics, interpreter, worker, note, at in person.contacts
        )
        count += len(person.contacts)
    buffer.seek(0)
    table = Contact._meta.db_table
    columns = ", ".join(CONTACT_COLUMNS)
    with connection.cursor() as cursor:
        if ignore_history:
            # pgtrigger.ignore marks the transaction through the next statement Django runs;
            # COPY goes to the driver directly, so run one first.
            cursor.execute("SELECT 1")
        cursor.cursor.copy_expert(
            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (place, note, import_key))",
            buffer,
        )
    return count
