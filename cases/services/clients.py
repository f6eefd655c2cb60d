"""Creating and changing clients: case numbers, search keys, intake, personal data, target groups,
consents, links between records and the decisions taken on duplicate hints."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    Client,
    ClientAlias,
    ClientLink,
    Consent,
    DuplicateDecision,
    HouseholdMember,
    TargetGroupMembership,
)
from cases.services.cases import case_open
from cases.services.restriction import refuse_if_processing_restricted
from hagen_zuhause.locking import fingerprint
from hagen_zuhause.names import name_key

ALIAS_FIELDS = ("first_name", "last_name", "note")
HOUSEHOLD_FIELDS = ("first_name", "last_name", "relationship", "birth_year", "gender", "nationality")
#: The client fields a worker edits on the personal-data form; they make up the record's version.
PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "birth_year_estimated",
    "gender",
    "nationality",
    "languages",
    "interpreter_needed",
    "phone",
    "postal_address",
    "reachable_via_office",
    "income_source",
    "care_level",
    "restricted",
)


class ClientChangedError(ValidationError):
    """Someone else saved the client after the form was loaded; nothing was written."""

    CODE = "client_changed"

    def __init__(self):
        super().__init__(
            _("Someone else saved this record after you opened the form. Your changes were not saved."), code=self.CODE
        )


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
    refuse_if_processing_restricted(client)
    for name, value in fields.items():
        setattr(client, name, value)
    client.full_clean(exclude=["assigned_workers"])
    client.save()
    client_refresh_search_text(client)
    return client


# --- Intake ------------------------------------------------------------------------------


@transaction.atomic
def client_intake(
    *,
    organisation,
    actor,
    client_fields,
    case_type,
    case_fields=None,
    aliases=(),
    household=(),
    target_groups=(),
    consent=None,
    candidates_shown=(),
):
    """Take a person in: the client with aliases and household, the first case, target groups
    from today, an optional consent, and — when duplicate hints were shown — the decision
    "saved anyway" with the records shown.

    ``aliases`` and ``household`` are dicts of ClientAlias / HouseholdMember fields; ``consent``
    is a dict of Consent fields or None. A second submit of the same form is caught by the page's
    one-time token (``hagen_zuhause.submit_once``).
    """
    client = client_create(organisation=organisation, actor=actor, target_groups=target_groups, **client_fields)
    for row in aliases:
        _create_row(client, ClientAlias, row, ALIAS_FIELDS)
    for row in household:
        _create_row(client, HouseholdMember, row, HOUSEHOLD_FIELDS)
    if aliases:
        client_refresh_search_text(client)
    case_open(client=client, case_type=case_type, actor=actor, **(case_fields or {}))
    if consent:
        consent_record(client=client, actor=actor, **consent)
    if candidates_shown:
        duplicate_decision_record(
            actor=actor, decision=DuplicateDecision.Choice.SAVED_ANYWAY, client=client, candidates=candidates_shown
        )
    return client


@transaction.atomic
def duplicate_decision_record(*, actor, decision, client, candidates):
    """Record what the worker did with the duplicate hints: opened ``client``, or saved it anyway."""
    return DuplicateDecision.objects.create(
        organisation=client.organisation,
        decision=decision,
        client=client,
        candidates=sorted({int(pk) for pk in candidates}),
        decided_by=actor,
    )


# --- Personal data -----------------------------------------------------------------------


def client_version(client):
    """A marker of the personal data as stored now: it changes whenever anyone saves the form's data.

    The edit form carries it (``ClientForm.version_of``); :func:`client_edit` refuses to save over a
    newer state.
    """
    row = Client.objects.filter(pk=client.pk).values_list(*PERSONAL_FIELDS).get()
    aliases = list(ClientAlias.objects.filter(client=client).order_by("pk").values_list("pk", *ALIAS_FIELDS))
    household = list(HouseholdMember.objects.filter(client=client).order_by("pk").values_list("pk", *HOUSEHOLD_FIELDS))
    return fingerprint([*row, aliases, household])


@transaction.atomic
def client_edit(*, client, actor, version, fields, aliases=(), household=()):
    """Save the personal data, other spellings and household of a client.

    ``version`` is :func:`client_version` as it was when the form was loaded; when someone saved
    in between, :class:`ClientChangedError` is raised and nothing is written. ``aliases`` and
    ``household`` are rows ``{"id": pk or None, "delete": bool, **fields}``.
    """
    refuse_if_processing_restricted(client)
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client_version(client) != version:
        raise ClientChangedError()
    for row in aliases:
        _save_row(client, ClientAlias, row, ALIAS_FIELDS)
    for row in household:
        _save_row(client, HouseholdMember, row, HOUSEHOLD_FIELDS)
    return client_update(
        client=client, actor=actor, **{name: fields[name] for name in PERSONAL_FIELDS if name in fields}
    )


def _create_row(client, model, row, field_names):
    record = model(client=client, **{name: row[name] for name in field_names if name in row})
    record.full_clean()
    record.save()
    return record


def _save_row(client, model, row, field_names):
    if row.get("id") is None:
        if not row.get("delete"):
            _create_row(client, model, row, field_names)
        return
    # Only rows of this client: an id from another record is refused, not followed.
    record = model.objects.select_for_update().filter(client=client, pk=row["id"]).first()
    if record is None:
        raise ValidationError(_("A row of the form does not belong to this record. Please reload the page."))
    if row.get("delete"):
        record.delete()
        return
    for name in field_names:
        if name in row:
            setattr(record, name, row[name])
    record.full_clean()
    record.save()


# --- Target groups -----------------------------------------------------------------------


@transaction.atomic
def target_group_join(*, client, group, start, end=None):
    """Add a membership; the database refuses overlapping periods of the same group."""
    refuse_if_processing_restricted(client)
    membership = TargetGroupMembership(client=client, group=group, start=start, end=end)
    membership.full_clean()
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        # A concurrent request added an overlapping period between the check and the insert.
        raise ValidationError(_overlap_message()) from None
    return membership


@transaction.atomic
def target_group_leave(*, membership, end):
    """End a membership on ``end`` (inclusive)."""
    refuse_if_processing_restricted(membership.client_id)
    membership = TargetGroupMembership.objects.select_for_update().get(pk=membership.pk)
    if end < membership.start:
        raise ValidationError(_("The end date lies before the start of the membership."))
    membership.end = end
    membership.full_clean()
    try:
        with transaction.atomic():
            membership.save(update_fields=["end"])
    except IntegrityError:
        raise ValidationError(_overlap_message()) from None
    return membership


def _overlap_message():
    constraint = next(c for c in TargetGroupMembership._meta.constraints if c.name == "tgm_no_overlap")
    return constraint.violation_error_message


# --- Consents ----------------------------------------------------------------------------


@transaction.atomic
def consent_record(*, client, actor, scope, given_on, partner=None, expires_on=None, note=""):
    """Record a consent (Schweigepflichtentbindung); the same consent is not recorded twice."""
    refuse_if_processing_restricted(client)
    Client.objects.select_for_update().filter(pk=client.pk).first()
    if partner is not None and partner.organisation_id != client.organisation_id:
        raise ValidationError(_("This partner does not belong to your office."))
    same = Consent.objects.filter(
        client=client,
        scope=scope,
        partner=partner,
        given_on=given_on,
        expires_on=expires_on,
        withdrawn_on__isnull=True,
    )
    if same.exists():
        raise ValidationError(_("This consent has already been recorded."))
    consent = Consent(client=client, scope=scope, partner=partner, given_on=given_on, expires_on=expires_on, note=note)
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, consent, actor, withdrawn_on):
    """Record that the client withdrew a consent on ``withdrawn_on``."""
    refuse_if_processing_restricted(consent.client_id)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    if withdrawn_on < consent.given_on:
        raise ValidationError(_("A consent cannot be withdrawn before it was given."))
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    return consent


# --- Links between records ---------------------------------------------------------------


@transaction.atomic
def client_link(*, client, other, actor, note=""):
    """Link two records of the same person (never merged); stored once, the smaller id first."""
    refuse_if_processing_restricted(client)
    refuse_if_processing_restricted(other)
    if client.pk == other.pk:
        raise ValidationError(_("A record cannot be linked with itself."))
    if client.organisation_id != other.organisation_id:
        raise ValidationError(_("Only records of the same office can be linked."))
    first, second = sorted([client, other], key=lambda record: record.pk)
    link = ClientLink(organisation_id=client.organisation_id, client=first, other=second, linked_by=actor, note=note)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        raise ValidationError(_("These records are already linked.")) from None
    return link


@transaction.atomic
def client_unlink(*, link, actor):
    """Undo a link; the history keeps that it existed."""
    refuse_if_processing_restricted(link.client_id)
    ClientLink.objects.filter(pk=link.pk).delete()
