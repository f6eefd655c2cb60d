"""How the records behind a number are listed: per model the scope, the order and the columns.

The queryset comes from ``reports.drilldown.records`` (every record counted, anonymous scope); here it
is narrowed with ``visible_to(user)`` so that restricted clients the user may not see stay out of
the list (they stay in the count). Each list loads its related rows in the same query: the number
of queries does not grow with the number of rows.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Client, Contact, Referral, read_only_client
from cooperation.models import Agreement, GroupOffer
from housing.models import HousingOffer, Placement, SeniorFlat, SeniorFlatPlace, SeniorFlatResidency
from reports.labels import code_label


def _date(day):
    return date_format(day, "d.m.Y") if day else "–"


def _client(client):
    text = f"{client.case_number} · {client.full_name}"
    if getattr(client, "read_only", False):
        mark = _("read only: processing restricted or anonymised")
        text = f"{text} ({mark})"
    return (text, reverse("cases:client_detail", args=[client.pk]))


def _text(value):
    return (value if value not in (None, "") else "–", None)


def _born(client):
    if client.birth_date:
        return _date(client.birth_date)
    if client.birth_year_estimated:
        return _("about %(year)s") % {"year": client.birth_year_estimated}
    return "–"


@dataclass
class RecordSpec:
    """Columns of one kind of record: (header, cell) where a cell is (text, URL or None)."""

    model: type
    ordering: list
    columns: list
    related: list = field(default_factory=list)
    persons: bool = False
    annotate: dict = field(default_factory=dict)

    def visible(self, queryset, user):
        """The records of ``queryset`` the user may see."""
        if self.model is SeniorFlatPlace:
            return queryset.filter(flat__in=SeniorFlat.objects.visible_to(user).values("pk"))
        return queryset.filter(pk__in=self.model.objects.visible_to(user).values("pk"))

    def prepared(self, queryset):
        queryset = queryset.select_related(*self.related) if self.related else queryset
        if self.annotate:
            queryset = queryset.annotate(**self.annotate)
        if self.names_clients:
            # Marked in the list (a read-only file), in the same query.
            queryset = queryset.annotate(client_read_only=read_only_client("pk" if self.model is Client else "client"))
        return queryset.order_by(*self.ordering)

    @property
    def names_clients(self):
        """Whether the list shows clients (and its views go into the access log)."""
        return self.model is Client or any(field.name == "client" for field in self.model._meta.fields)

    @property
    def headers(self):
        return [header for header, _cell in self.columns]

    def cells(self, record):
        if self.names_clients:
            client = record if self.model is Client else record.client
            if client is not None:
                client.read_only = record.client_read_only
        return [cell(record) for _header, cell in self.columns]


SPECS = [
    RecordSpec(
        Client,
        ["case_number"],
        [
            (_("Case number and name"), _client),
            (_("Gender"), lambda c: _text(c.get_gender_display())),
            (_("Born"), lambda c: _text(_born(c))),
            (_("Nationality"), lambda c: _text(c.get_nationality_display())),
        ],
        persons=True,
    ),
    RecordSpec(
        Contact,
        ["-date", "-pk"],
        [
            (_("Date"), lambda c: _text(_date(c.date))),
            (_("Kind of contact"), lambda c: _text(c.get_contact_type_display())),
            (_("Client"), lambda c: _client(c.client)),
            (_("Duration (minutes)"), lambda c: _text(c.duration_minutes)),
        ],
        related=["client"],
    ),
    RecordSpec(
        Case,
        ["-opened_on", "-pk"],
        [
            (_("Client"), lambda c: _client(c.client)),
            (_("Kind of case"), lambda c: _text(c.get_case_type_display())),
            (_("Opened on"), lambda c: _text(_date(c.opened_on))),
            (_("Closed on"), lambda c: _text(_date(c.closed_on))),
            (_("Outcome"), lambda c: _text(c.get_outcome_display())),
            # What "homelessness prevented (persons)" adds up: the household as the case was closed.
            (_("Persons at closing"), lambda c: _text(c.household_size_at_closing)),
        ],
        related=["client"],
    ),
    RecordSpec(
        Placement,
        ["-moved_in_on", "-pk"],
        [
            (_("Household"), lambda p: (str(p.client), reverse("housing:placement_detail", args=[p.pk]))),
            (_("Flat"), lambda p: (p.offer.street, reverse("housing:offer_detail", args=[p.offer_id]))),
            (_("Moved in on"), lambda p: _text(_date(p.moved_in_on))),
            (_("Household size"), lambda p: _text(p.household_size)),
        ],
        related=["client", "offer"],
    ),
    RecordSpec(
        HousingOffer,
        ["-acquired_on", "-pk"],
        [
            (_("Flat"), lambda o: (o.street, reverse("housing:offer_detail", args=[o.pk]))),
            (_("District"), lambda o: _text(o.get_district_display())),
            (_("Landlord"), lambda o: _text(f"{o.landlord.name} ({o.landlord.get_kind_display()})")),
            (_("Acquired on"), lambda o: _text(_date(o.acquired_on))),
            (_("Let on"), lambda o: _text(_date(o.let_on))),
        ],
        related=["landlord"],
    ),
    RecordSpec(
        Agreement,
        ["-signed_on", "-pk"],
        [
            (_("Subject"), lambda a: (a.subject, reverse("cooperation:agreement_detail", args=[a.pk]))),
            (_("Partner"), lambda a: _text(a.partner.name)),
            (_("Status"), lambda a: _text(a.get_status_display())),
            (_("Signed on"), lambda a: _text(_date(a.signed_on))),
            (_("Valid until"), lambda a: _text(_date(a.valid_until))),
        ],
        related=["partner"],
    ),
    RecordSpec(
        SeniorFlatPlace,
        ["flat__name", "label"],
        [
            (_("Shared flat"), lambda p: _text(p.flat.name)),
            (_("Place"), lambda p: _text(p.label)),
            (_("Available since"), lambda p: _text(_date(p.created_on))),
            (_("No longer available since"), lambda p: _text(_date(p.closed_on))),
        ],
        related=["flat"],
    ),
    RecordSpec(
        SeniorFlatResidency,
        ["-move_in", "-pk"],
        [
            (_("Resident"), lambda r: _client(r.client)),
            (_("Place"), lambda r: _text(f"{r.place.flat.name} – {r.place.label}")),
            (_("Moved in"), lambda r: _text(_date(r.move_in))),
            (_("Moved out"), lambda r: _text(_date(r.move_out))),
        ],
        related=["client", "place__flat"],
        persons=True,
    ),
    RecordSpec(
        GroupOffer,
        ["-date", "-pk"],
        [
            (_("Title"), lambda g: _text(g.title)),
            (_("Date"), lambda g: _text(_date(g.date))),
            (_("Target group"), lambda g: _text(_target_group(g.target_group))),
            (_("Participants"), lambda g: _text(g.participant_count if g.participant_count is not None else g.linked)),
        ],
        annotate={"linked": Count("participants")},
    ),
    RecordSpec(
        Referral,
        ["-referred_on", "-pk"],
        [
            (_("Client"), lambda r: _client(r.client)),
            (_("Partner"), lambda r: _text(r.partner.name)),
            (_("Referred on"), lambda r: _text(_date(r.referred_on))),
            (_("Outcome"), lambda r: _text(r.get_outcome_display() or _("open"))),
        ],
        related=["client", "partner"],
    ),
]


def _target_group(code):
    return code_label("group_offers", "by_target_group", code or "none")


_BY_MODEL = {spec.model: spec for spec in SPECS}


def spec_for(model):
    return _BY_MODEL[model]
