"""Creating and changing clients: case numbers, search keys, target groups, assignment."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Client, TargetGroupMembership
from cases.names import name_key


def next_case_numbers(organisation, year, count=1):
    """Reserve ``count`` consecutive case numbers of the organisation for the year.

    One row per organisation and year counts up in a single UPSERT, so concurrent intakes never
    get the same number and a failed transaction returns none (the counter moves with it).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_casenumbercounter (organisation_id, year, last_number)
            VALUES (%s, %s, %s)
            ON CONFLICT (organisation_id, year)
            DO UPDATE SET last_number = cases_casenumbercounter.last_number + EXCLUDED.last_number
            RETURNING last_number
            """,
            [organisation.pk, year, count],
        )
        last = cursor.fetchone()[0]
    prefix = organisation.case_number_prefix
    return [f"{prefix}-{year}-{number:05d}" for number in range(last - count + 1, last + 1)]


def search_text_for(client, aliases=()):
    """The text the trigram index searches: folded names and aliases, and the case number."""
    parts = [name_key(f"{client.first_name} {client.last_name}")]
    parts += [name_key(f"{alias.first_name} {alias.last_name}") for alias in aliases]
    parts.append(client.case_number.lower())
    if client.reference:
        parts.append(client.reference.lower())
    return " | ".join(part for part in parts if part)


def client_refresh_search_text(client):
    """Recompute the search column after names or aliases changed."""
    client.search_text = search_text_for(client, client.aliases.all())
    Client.objects.filter(pk=client.pk).update(search_text=client.search_text)


@transaction.atomic
def client_create(*, organisation, actor, target_groups=(), target_groups_from=None, assigned_workers=(), **fields):
    """Create a client with a new case number; ``fields`` are Client fields.

    The creating worker is assigned unless others are given; target groups start on
    ``target_groups_from`` (today by default).
    """
    client = Client(organisation=organisation, created_by=actor, **fields)
    client.case_number = next_case_numbers(organisation, timezone.localdate().year)[0]
    client.search_text = search_text_for(client)
    client.full_clean(exclude=["assigned_workers"])
    client.save()
    workers = list(assigned_workers) or ([actor] if actor is not None and actor.organisation_id else [])
    client.assigned_workers.set(workers)
    start = target_groups_from or timezone.localdate()
    for group in target_groups:
        target_group_join(client=client, group=group, start=start)
    return client


@transaction.atomic
def client_update(*, client, actor, **fields):
    """Change a client's fields and keep the search column in step."""
    for name, value in fields.items():
        setattr(client, name, value)
    client.full_clean(exclude=["assigned_workers"])
    client.save()
    client_refresh_search_text(client)
    return client


def target_group_join(*, client, group, start, end=None):
    """Add a membership; the database refuses overlapping periods of the same group."""
    membership = TargetGroupMembership(client=client, group=group, start=start, end=end)
    membership.full_clean()
    membership.save()
    return membership


def target_group_leave(*, membership, end):
    if end < membership.start:
        raise ValidationError(_("The end date lies before the start of the membership."))
    membership.end = end
    membership.save(update_fields=["end"])
    return membership
