"""A client's own data for an access request (Art. 15 GDPR) and for portability (Art. 20): PDF and JSON.

One collection of sections feeds both: the PDF shows German labels and dates, the JSON the codes and
ISO dates. Besides the file it lists to whom data went (referrals' partners, the landlords of
placements) and who accessed the file and when (the access log, per day, person and kind of access).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Model
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Client
from hagen_zuhause.audit import CLIENT
from hagen_zuhause.models import AccessLog
from hagen_zuhause.roles import Role
from housing.models import HousingSearch, Placement, SeniorFlatResidency, WaitingListEntry

FORMATS = {"pdf": ("application/pdf", "pdf"), "json": ("application/json", "json")}


def may_export(user, client):
    """The team lead and the client's assigned workers answer a person's request; nobody else."""
    if user.role == Role.TEAM_LEAD:
        return True
    return client.assigned_workers.filter(pk=user.pk).exists()


@dataclass
class Section:
    """One part of the export: a title, its columns (key, label) and rows of (raw value, shown value)."""

    key: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    #: ``table``: one line per record; ``record``: one block per record (many fields, long texts).
    layout: str = "table"

    def as_json(self):
        return [{key: raw for (key, _label), (raw, _shown) in zip(self.columns, row, strict=True)} for row in self]

    def __iter__(self):
        return iter(self.rows)

    def shown_rows(self):
        """Rows as (label, shown value) pairs, for the PDF."""
        return [
            [(label, shown) for (_key, label), (_raw, shown) in zip(self.columns, row, strict=True)] for row in self
        ]


def _value(instance, name):
    """(JSON value, shown value) of one field of a record."""
    model_field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value is None or value == "" or value == []:
        return (None if value is None else value), "–"
    if isinstance(value, Model):
        return str(value), str(value)
    if model_field.choices:
        return value, str(getattr(instance, f"get_{name}_display")())
    base = getattr(model_field, "base_field", None)
    if isinstance(value, list):
        labels = dict(base.choices) if base is not None and base.choices else {}
        return value, ", ".join(str(labels.get(item, item)) for item in value)
    if isinstance(value, bool):
        return value, _("yes") if value else _("no")
    if isinstance(value, datetime):
        return value.isoformat(), date_format(timezone.localtime(value), "d.m.Y H:i")
    if isinstance(value, date):
        return value.isoformat(), date_format(value, "d.m.Y")
    if isinstance(value, int):
        return value, str(value)
    return str(value), localize(value)


def _section(key, title, queryset, names, layout="table"):
    columns = []
    for name in names:
        label = str(queryset.model._meta.get_field(name).verbose_name)
        columns.append((name, label[:1].upper() + label[1:]))
    rows = [[_value(record, name) for name in names] for record in queryset]
    return Section(key, title, columns, rows, layout)


_PERSON = [
    "case_number",
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
    "health_notes",
    "restricted",
    "created_at",
]


@dataclass(frozen=True)
class Part:
    """A section as defined: what it reads from the client, which fields, and how the PDF lays it out."""

    key: str
    title: str
    read: object  # client -> queryset; None for the access log
    names: tuple = ()
    layout: str = "table"


_NOTICE_FIELDS = (
    "kind",
    "received_on",
    "served_on",
    "court_file_number",
    "landlord_name",
    "monthly_rent",
    "arrears",
    "hearing_on",
    "eviction_on",
    "note",
)

#: The sections in their order (gettext_lazy titles: read in the request's language).
PARTS = (
    Part("person", gettext_lazy("Person"), lambda c: Client.objects.filter(pk=c.pk), tuple(_PERSON), "record"),
    Part(
        "other_spellings",
        gettext_lazy("Other spellings"),
        lambda c: c.aliases.all(),
        ("first_name", "last_name", "note"),
    ),
    Part(
        "household",
        gettext_lazy("Household"),
        lambda c: c.household_members.all(),
        ("relationship", "first_name", "last_name", "birth_year", "gender", "nationality"),
    ),
    Part(
        "target_groups",
        gettext_lazy("Target groups"),
        lambda c: c.target_group_memberships.order_by("start"),
        ("group", "start", "end"),
    ),
    Part(
        "cases",
        gettext_lazy("Cases"),
        lambda c: c.cases.order_by("opened_on"),
        ("case_type", "opened_on", "closed_on", "outcome", "housing_situation", "homeless_since"),
    ),
    Part(
        "stays",
        gettext_lazy("Accommodation stays"),
        lambda c: c.accommodation_stays.order_by("start"),
        ("kind", "provider_name", "start", "end"),
    ),
    Part(
        "contacts",
        gettext_lazy("Contacts"),
        lambda c: c.contacts.select_related("worker").order_by("date", "id"),
        ("date", "contact_type", "duration_minutes", "worker", "note"),
    ),
    Part(
        "tasks",
        gettext_lazy("Tasks"),
        lambda c: c.tasks.select_related("assignee").order_by("due_on", "id"),
        ("title", "due_on", "done_at", "assignee", "note"),
    ),
    Part(
        "notices",
        gettext_lazy("Notices and court documents"),
        lambda c: c.notices.order_by("received_on", "id"),
        _NOTICE_FIELDS,
        "record",
    ),
    Part(
        "referrals",
        gettext_lazy("Referrals: data passed to partner services"),
        lambda c: c.referrals.select_related("partner", "consent").order_by("referred_on", "id"),
        ("referred_on", "partner", "consent", "consent_override_reason", "outcome", "note"),
        "record",
    ),
    Part(
        "placements",
        gettext_lazy("Placements: data passed to landlords"),
        lambda c: Placement.objects.filter(client=c).select_related("offer").order_by("proposed_on", "id"),
        ("proposed_on", "offer", "step", "moved_in_on", "declined_on"),
    ),
    Part(
        "housing_search",
        gettext_lazy("Housing search"),
        lambda c: HousingSearch.objects.filter(client=c),
        ("districts", "barrier_free_needed", "max_floor_without_lift", "min_rooms", "wbs_available", "note"),
        "record",
    ),
    Part(
        "senior_flat",
        gettext_lazy("Senior shared flat: residence"),
        lambda c: SeniorFlatResidency.objects.filter(client=c).select_related("place__flat").order_by("move_in"),
        ("place", "move_in", "move_out"),
    ),
    Part(
        "waiting_list",
        gettext_lazy("Senior shared flat: waiting list"),
        lambda c: WaitingListEntry.objects.filter(client=c).select_related("flat").order_by("added_on", "id"),
        ("flat", "added_on", "removed_on", "removal_reason", "note"),
    ),
    Part(
        "consents",
        gettext_lazy("Consents"),
        lambda c: c.consents.select_related("partner").order_by("given_on", "id"),
        ("scope", "partner", "given_on", "expires_on", "withdrawn_on", "note"),
    ),
    Part(
        "documents",
        gettext_lazy("Documents (list)"),
        lambda c: c.documents.order_by("uploaded_at"),
        ("uploaded_at", "kind", "description", "original_name", "size"),
    ),
    Part("access_log", gettext_lazy("Who accessed the file"), None),
)


def section_choices():
    """(key, title) of every section, for choosing the sections of a file extract (Aktenauszug)."""
    return [(part.key, part.title) for part in PARTS]


def collect(client, keys=None):
    """The sections of the client's data (all, or those named in ``keys``), read fresh: one query each."""
    sections = []
    for part in PARTS:
        if keys is not None and part.key not in keys:
            continue
        if part.read is None:
            sections.append(_access_section(client, str(part.title)))
        else:
            sections.append(_section(part.key, str(part.title), part.read(client), part.names, part.layout))
    return sections


def _access_section(client, title):
    """Who accessed the file and when (Art. 15(1)(c) GDPR): per day, person and kind of access."""
    entries = (
        AccessLog.objects.filter(organisation=client.organisation_id, object_type=CLIENT, object_id=str(client.pk))
        .annotate(day=TruncDate("at"))
        .values("day", "user__first_name", "user__last_name", "actor", "action")
        .annotate(times=Count("id"))
        .order_by("-day", "actor", "action")
    )
    actions = dict(AccessLog.Action.choices)
    columns = [("day", _("Day")), ("person", _("Person")), ("action", _("Kind of access")), ("times", _("Times"))]
    rows = []
    for entry in entries:
        person = f"{entry['user__first_name']} {entry['user__last_name']}".strip() or entry["actor"]
        rows.append(
            [
                (entry["day"].isoformat(), date_format(entry["day"], "d.m.Y")),
                (person, person),
                (entry["action"], str(actions.get(entry["action"], entry["action"]))),
                (entry["times"], str(entry["times"])),
            ]
        )
    return Section("access_log", title, columns, rows)


def as_json(client, sections, *, created_at):
    """The export as JSON-ready data: codes and ISO dates, one key per section."""
    return {
        "format": "hagen_zuhause.data_export.v1",
        "created_at": created_at.isoformat(),
        "organisation": client.organisation.name,
        "case_number": client.case_number,
        # The person is one record; every other section a list of records.
        **{section.key: section.as_json()[0] if section.key == "person" else section.as_json() for section in sections},
    }
