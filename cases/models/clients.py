"""Clients and what belongs to them (other spellings, household, target groups, consents, links
between records, duplicate decisions) and their cases, with the visibility rule that every record of
a client follows. Clients and cases read each other (``Client.objects.active()``), so they share this
module."""

import functools

import pghistory
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Case as CaseWhen
from django.db.models import Exists, Expression, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Concat, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case_figures import KEEP_CASE_FIGURES
from cases.models.cover import covered_workers
from cases.models.waiting_list import HOUSEHOLD_SIZE_TRIGGERS, KEEP_WAITING_LIST, WAITING_TRIGGERS
from hagen_zuhause import codes
from hagen_zuhause.countries import NATIONALITY_CHOICES, UNKNOWN
from hagen_zuhause.functions import NameKey, inclusive_range
from hagen_zuhause.models import Organisation
from hagen_zuhause.names import has_cyrillic, latin_spelling
from hagen_zuhause.scoping import ScopedQuerySet

# --- Clients -----------------------------------------------------------------------------


class CaseNumberCounter(models.Model):
    """The last case number given per organisation and year (see services.clients.next_case_numbers)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="casenumber_unique_year")]

    def __str__(self):
        return f"{self.organisation_id}/{self.year}: {self.last_number}"


def _restriction_rule(user, path=None):
    """Restricted clients (Sperrvermerk) only for their assigned workers and, during a cover, for the
    deputy of an assigned worker: a condition on one client row.

    ``path`` leads from the queried model to the client (``"client"``); ``None`` is the client itself.
    """
    return _restriction_rule_of(user.pk, path, timezone.localdate())


@functools.lru_cache(maxsize=1024)
def _restriction_rule_of(user_id, path, today):
    """:func:`_restriction_rule`, built once per worker process for a user, path and day.

    The condition holds nothing else: the assignments and covers are read by the database when a query
    runs.
    """
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}restricted": False}) | _AssignedToUserOrCovered(
        F(path or "pk"), F(f"{prefix}restricted"), user_id, today
    )


class _AssignedToUserOrCovered(Expression):
    """Whether the client (a restricted one) is assigned to the user, or to a colleague the user stands in
    for today (Vertretung): ``EXISTS`` on the assignments, with the cover read inside it, so every list,
    search, page, export and count follows a cover.

    Written as SQL once, with only the two columns of the client (``client``, ``restricted``) compiled per
    query: built as ``Exists(<assignments>.filter(..., user__in=<covers>))``, the two nested querysets cost
    every query that carries the rule about half a millisecond to build and compile, and a page carries it
    up to a dozen times (docs/decisions.md). The SQL is the one the ORM wrote, the covers included
    (``covered_workers``). "The client is restricted" is repeated inside the EXISTS so that PostgreSQL runs
    it per row, and then only for restricted clients (NOT restricted is checked first). Without it, the
    planner (which does not know that the OR stops early) hashes all the user's assignments first: tens of
    thousands of rows for a worker with many clients, on every query.
    """

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, client, restricted, user_id, today):
        super().__init__()
        self.client, self.restricted = client, restricted
        self.user_id, self.today = user_id, today

    def get_source_expressions(self):
        return [self.client, self.restricted]

    def set_source_expressions(self, exprs):
        self.client, self.restricted = exprs

    def as_sql(self, compiler, connection):
        client_sql, client_params = compiler.compile(self.client)
        restricted_sql, restricted_params = compiler.compile(self.restricted)
        covers_sql, covers_params = compiler.compile(covered_workers(self.user_id, self.today))
        table, client_column, user_column = _assignment_columns()
        sql = (
            f"EXISTS(SELECT 1 FROM {table} hz_assigned WHERE hz_assigned.{client_column} = ({client_sql})"
            f" AND (hz_assigned.{user_column} = %s OR hz_assigned.{user_column} IN {covers_sql})"
            f" AND {restricted_sql} LIMIT 1)"
        )
        return sql, (*client_params, self.user_id, *covers_params, *restricted_params)


@functools.cache
def _assignment_columns():
    """Table and columns of the client's assigned workers, quoted."""
    through = Client.assigned_workers.through._meta
    quote = connection.ops.quote_name
    return (
        quote(through.db_table),
        quote(through.get_field("client").column),
        quote(through.get_field("user").column),
    )


def client_visibility(user, path, *, check_organisation=True):
    """``Client.objects.visible_to(user)`` as a condition on the client that ``path`` leads to.

    The same rule as ScopedQuerySet.visible_to with ClientQuerySet.restrict_for, written row by row
    (a join to the client and an EXISTS on its assignment) rather than as ``client__in=<visible
    clients>``. The semi-join first built the set of all the organisation's visible clients, and with
    it the planner could not walk an index of the outer table (tasks by due date, contacts by date) and
    stop after the rows a page shows; row by row it can. ``check_organisation=False`` leaves out the
    client's organisation where the queryset already filters by it.
    """
    nothing = Q(pk__in=[])
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return nothing
    if not user.has_perm("cases.view_client"):
        return nothing
    if check_organisation:
        same_organisation = Q(**{f"{path}__organisation": user.organisation_id})
    else:
        # Not an empty Q(): combined with "|" that would drop out instead of meaning "every client".
        same_organisation = Q(**{f"{path}__isnull": False})
    if user.has_perm("cases.view_restricted_client"):
        return same_organisation
    return same_organisation & _restriction_rule(user, path)


class ClientQuerySet(ScopedQuerySet):
    """Clients; restricted ones (Sperrvermerk) only for their assigned workers and the team lead."""

    def restrict_for(self, user):
        if user.has_perm("cases.view_restricted_client"):
            return self
        return self.filter(_restriction_rule(user))

    def active(self):
        """Clients with at least one open case."""
        return self.filter(Exists(Case.objects.filter(client=OuterRef("pk"), closed_on__isnull=True)))

    def in_target_group(self, group, on=None):
        on = on or timezone.localdate()
        memberships = TargetGroupMembership.objects.filter(client=OuterRef("pk"), group=group).current(on)
        return self.filter(Exists(memberships))

    def assigned_to(self, user):
        return self.filter(assigned_workers=user)

    def not_anonymised(self):
        return self.filter(anonymised_at__isnull=True)

    def waiting(self):
        """Households waiting for a flat: an open provision case, not anonymised (index client_waiting_list)."""
        return self.filter(waiting_since__isnull=False, anonymised_at__isnull=True)

    def with_latin_alias(self):
        """Each client's first Latin other spelling as ``latin_alias``, read only for a Cyrillic main name."""
        return self.annotate(latin_alias=latin_alias_of("pk"))

    def processing_restricted(self):
        """Clients whose processing is restricted now (Art. 18 GDPR): read-only, listed to the team lead only."""
        return self.filter(self._processing_restricted())

    def with_processing_restricted(self):
        """Each client's ``processing_restricted``: whether a restriction (Art. 18 GDPR) is in force."""
        return self.annotate(processing_restricted=self._processing_restricted())

    def processing_allowed(self):
        """Clients whose data may be processed further: no restriction (Art. 18 GDPR) in force.

        As ``NOT IN`` the few restricted ids are hashed once; as ``NOT EXISTS`` PostgreSQL may probe the
        restrictions once per client (matching reads 22,000 waiting households that way: 9 ms).
        """
        restriction = apps.get_model("cases", "ProcessingRestriction")
        return self.exclude(pk__in=restriction.objects.active().values("client"))

    def listed_for(self, user):
        """The clients that lists show ``user``: without those of restricted processing, except to the team lead."""
        if user.has_perm("cases.view_restricted_client"):
            return self
        return self.processing_allowed()

    @staticmethod
    def _processing_restricted():
        restriction = apps.get_model("cases", "ProcessingRestriction")
        return Exists(restriction.objects.filter(client=OuterRef("pk"), lifted_at__isnull=True))


def read_only_client(path="client"):
    """An annotation: whether the client at ``path`` can only be read (processing restricted, or anonymised).

    Lists of tasks, appointments and report records mark such rows and offer no action on them (the
    services refuse every change); ``path`` is ``"pk"`` on clients themselves.
    """
    restriction = apps.get_model("cases", "ProcessingRestriction")
    restricted = Exists(restriction.objects.filter(client=OuterRef(path), lifted_at__isnull=True))
    anonymised = "anonymised_at__isnull" if path == "pk" else f"{path}__anonymised_at__isnull"
    return CaseWhen(
        When(restricted, then=True),
        When(**{anonymised: False}, then=True),
        default=False,
        output_field=models.BooleanField(),
    )


#: A Cyrillic letter, as PostgreSQL's regular expressions read it.
_CYRILLIC_PATTERN = "[\u0400-\u04ff]"
_LATIN_PATTERN = "[A-Za-z\u00c0-\u024f]"


def latin_alias_of(path):
    """The first other spelling in Latin letters (by entry) of the client that ``path`` leads to, as an
    expression, or NULL; only for a client whose main name is Cyrillic, so other rows read no alias.

    Lists show it beside the Cyrillic name (``Client.latin_name``) within their one query.
    """
    prefix = "" if path == "pk" else f"{path}__"
    aliases = (
        ClientAlias.objects.filter(client=OuterRef(path))
        .exclude(first_name__regex=_CYRILLIC_PATTERN)
        .exclude(last_name__regex=_CYRILLIC_PATTERN)
        .filter(Q(first_name__regex=_LATIN_PATTERN) | Q(last_name__regex=_LATIN_PATTERN))
        .annotate(spelled=Trim(Concat("first_name", Value(" "), "last_name", output_field=models.CharField())))
        .order_by("pk")
        .values("spelled")[:1]
    )
    cyrillic = Q(**{f"{prefix}first_name__regex": _CYRILLIC_PATTERN}) | Q(
        **{f"{prefix}last_name__regex": _CYRILLIC_PATTERN}
    )
    return CaseWhen(When(cyrillic, then=Subquery(aliases)), default=None, output_field=models.CharField())


@pghistory.track(exclude=["search_text", "household_size", "waiting_since", "waiting_case"])
class Client(models.Model):
    """A person the office works with (Klient*in). The case number identifies them in the office."""

    # Indexed by client_organisation, which starts with the organisation (see Meta.indexes).
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, db_index=False
    )
    case_number = models.CharField(_("case number"), max_length=20, editable=False)
    reference = models.CharField(
        _("old file number"),
        max_length=60,
        blank=True,
        help_text=_("File number from the previous filing system, used by imports."),
    )
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=120)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year_estimated = models.PositiveSmallIntegerField(
        _("estimated year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Only when the date of birth is not known."),
    )
    gender = models.CharField(_("gender"), max_length=10, choices=codes.Gender.choices, default=codes.Gender.UNKNOWN)
    nationality = models.CharField(_("nationality"), max_length=10, choices=NATIONALITY_CHOICES, default=UNKNOWN)
    languages = ArrayField(models.CharField(max_length=10), verbose_name=_("languages"), default=list, blank=True)
    interpreter_needed = models.CharField(
        _("interpreter needed"), max_length=10, choices=codes.YesNoUnknown.choices, default=codes.YesNoUnknown.UNKNOWN
    )
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    reachable_via_office = models.BooleanField(
        _("post via the office"), default=False, help_text=_("Letters reach the person through the office.")
    )
    income_source = models.CharField(
        _("income source"), max_length=12, choices=codes.IncomeSource.choices, default=codes.IncomeSource.UNKNOWN
    )
    care_level = models.PositiveSmallIntegerField(
        _("care level"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(5)],
        help_text=_("Pflegegrad 0–5; empty when unknown."),
    )
    health_notes = models.TextField(
        _("health notes"),
        blank=True,
        help_text=_("Special category data (Art. 9 GDPR): shown on request only, every view is logged."),
    )
    restricted = models.BooleanField(
        _("restricted (Sperrvermerk)"),
        default=False,
        help_text=_("Only the assigned workers and the team lead can find and open this record."),
    )
    assigned_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned workers"), related_name="assigned_clients", blank=True
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    # The waiting list, kept by the database from the household members and the cases (waiting_list.py);
    # whatever the application writes here is ignored.
    household_size = models.PositiveSmallIntegerField(_("persons in the household"), default=1, editable=False)
    waiting_since = models.DateField(_("waiting for a flat since"), null=True, blank=True, editable=False)
    waiting_case = models.ForeignKey(
        "Case",
        verbose_name=_("open provision case"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ClientQuerySet.as_manager()

    #: Special category data (Art. 9 GDPR): shown only on request through a logged view; every history
    #: view and export masks it (hagen_zuhause.history_rows).
    RESTRICTED_FIELDS = ("health_notes",)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        permissions = [
            ("view_restricted_client", _("Can see clients with a restriction notice")),
            ("import_data", _("Can import clients and contacts")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "case_number"], name="client_unique_case_number"),
            models.UniqueConstraint(
                fields=["organisation", "reference"], condition=~Q(reference=""), name="client_unique_reference"
            ),
            models.CheckConstraint(condition=Q(care_level__lte=5), name="client_care_level_range"),
        ]
        indexes = [
            # The clients of an organisation, read from the index alone (with the household size): the
            # report and the team lead's panel join cases to them, 100,000 narrow entries, not the table.
            models.Index(fields=["organisation", "id"], include=["household_size"], name="client_organisation"),
            GinIndex(OpClass("search_text", name="gin_trgm_ops"), name="client_search_trgm"),
            models.Index(fields=["organisation", "last_name", "first_name"], name="client_org_name"),
            models.Index(
                F("organisation"), NameKey("last_name"), NameKey("first_name"), F("id"), name="client_org_sort_key"
            ),
            # Matching reads the waiting households in waiting order from here alone.
            models.Index(
                fields=["organisation", "waiting_since", "waiting_case", "id"],
                include=["household_size", "restricted"],
                condition=Q(waiting_since__isnull=False, anonymised_at__isnull=True),
                name="client_waiting_list",
            ),
        ]
        triggers = [KEEP_WAITING_LIST]

    def __str__(self):
        return f"{self.full_name} ({self.case_number})"

    def get_absolute_url(self):
        return reverse("cases:client_detail", args=[self.pk])

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def latin_name(self):
        """Beside a Cyrillic main name, a Latin spelling colleagues can read and type; else empty.

        The first Latin other spelling when the record has one (read by the list's query, see
        ``ClientQuerySet.with_latin_alias``), else the transliteration of the main name.
        """
        if not has_cyrillic(self.full_name):
            return ""
        return getattr(self, "latin_alias", None) or latin_spelling(self.full_name)


@pghistory.track()
class ClientAlias(models.Model):
    """Another spelling of a client's name: Cyrillic original, transliteration, former name."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="aliases")
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("e.g. spelling on the passport"))

    class Meta:
        verbose_name = _("other spelling")
        verbose_name_plural = _("other spellings")

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


@pghistory.track()
class HouseholdMember(models.Model):
    """A person living with the client; children of EU-2 families are persons too."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="household_members"
    )
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    relationship = models.CharField(_("relationship"), max_length=10, choices=codes.Relationship.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    gender = models.CharField(_("gender"), max_length=10, choices=codes.Gender.choices, default=codes.Gender.UNKNOWN)
    nationality = models.CharField(_("nationality"), max_length=10, choices=NATIONALITY_CHOICES, default=UNKNOWN)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        triggers = [*HOUSEHOLD_SIZE_TRIGGERS]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip() or self.get_relationship_display()


class TargetGroupMembershipQuerySet(models.QuerySet):
    def current(self, on):
        return self.filter(Q(end__isnull=True) | Q(end__gte=on), start__lte=on)

    def overlapping(self, start, end):
        """Memberships that touch the period [start, end] (both inclusive)."""
        return self.filter(Q(end__isnull=True) | Q(end__gte=start), start__lte=end)


@pghistory.track()
class TargetGroupMembership(models.Model):
    """A client's membership in one of the initiative's target groups, from start to end."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="target_group_memberships"
    )
    group = models.CharField(_("target group"), max_length=20, choices=codes.TargetGroup.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    objects = TargetGroupMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("target group membership")
        verbose_name_plural = _("target group memberships")
        indexes = [
            # The members of one group on a day, read without the table: the client list's target-group
            # filter and matching's seniors (a group's few thousand of the ~100,000 memberships).
            models.Index(fields=["group", "client"], include=["start", "end"], name="tgm_group_client"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="tgm_end_after_start"),
            ExclusionConstraint(
                name="tgm_no_overlap",
                expressions=[
                    ("client", RangeOperators.EQUAL),
                    ("group", RangeOperators.EQUAL),
                    (inclusive_range("start", "end"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("The person is already in this target group during this period."),
            ),
        ]

    def __str__(self):
        return self.get_group_display()


class ClientRelatedQuerySet(ScopedQuerySet):
    """Records of a client: visible exactly when their client is."""

    organisation_lookup = "client__organisation"

    def restrict_for(self, user):
        if user.has_perm("cases.view_restricted_client"):
            return self
        # The organisation is checked on the client already when the records reach it through the client.
        check_organisation = self.organisation_lookup != "client__organisation"
        return self.filter(client_visibility(user, "client", check_organisation=check_organisation))


class ConsentQuerySet(ClientRelatedQuerySet):
    def ending_between(self, first, last):
        """Consents whose validity ends from ``first`` to ``last`` (both included) and were not withdrawn
        before: those to renew with the client, or to stop relying on."""
        return self.filter(expires_on__range=(first, last)).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=F("expires_on"))
        )


@pghistory.track()
class Consent(models.Model):
    """A client's consent to pass data on (Schweigepflichtentbindung), with scope, partner and expiry."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("scope"), max_length=20, choices=codes.ConsentScope.choices)
    partner = models.ForeignKey(
        "cooperation.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    given_on = models.DateField(_("given on"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("given_on")), name="consent_expiry_after"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after",
            ),
        ]

    def __str__(self):
        return f"{self.get_scope_display()} ({self.given_on:%d.%m.%Y})"

    def is_valid_on(self, day):
        return (
            self.given_on <= day
            and (self.expires_on is None or self.expires_on >= day)
            and (self.withdrawn_on is None or self.withdrawn_on > day)
        )


@pghistory.track()
class ClientLink(models.Model):
    """Two records that are the same person, linked by a worker (never merged); deleting undoes it."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="links_from")
    other = models.ForeignKey(Client, verbose_name=_("same person as"), on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("linked by"), on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("link between records")
        verbose_name_plural = _("links between records")
        constraints = [
            # One row per pair, stored with the smaller id first.
            models.CheckConstraint(condition=Q(client__lt=F("other")), name="clientlink_ordered_pair"),
            models.UniqueConstraint(fields=["client", "other"], name="clientlink_unique_pair"),
        ]

    def __str__(self):
        return f"{self.client_id} = {self.other_id}"


@pghistory.track()
class DuplicateDecision(models.Model):
    """What a worker did when intake showed possible duplicates: opened one, or saved anyway."""

    class Choice(models.TextChoices):
        OPENED_EXISTING = "opened_existing", _("opened the existing record")
        SAVED_ANYWAY = "saved_anyway", _("saved a new record anyway")

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    decision = models.CharField(_("decision"), max_length=20, choices=Choice.choices)
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="duplicate_decisions",
        help_text=_("The new record, or the existing one that was opened."),
    )
    candidates = ArrayField(models.BigIntegerField(), verbose_name=_("records shown"), default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")

    def __str__(self):
        return self.get_decision_display()


# --- Cases -------------------------------------------------------------------------------


class CaseQuerySet(ClientRelatedQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)

    def closed(self):
        return self.filter(closed_on__isnull=False)

    def of_type(self, case_type):
        return self.filter(case_type=case_type)

    def of_clients_assigned_to(self, user):
        """Cases of the clients ``user`` is assigned to (Client.assigned_to, seen from the case)."""
        assigned = Client.assigned_workers.through.objects.filter(client=OuterRef("client"), user=user)
        return self.filter(Exists(assigned))

    def latest_open_per_client(self):
        """Each client's latest open case (by opening day, then id): at most one case per client.

        Ordered by ``-opened_on``, the cases then list clients by their latest open case, and the
        database can walk the case_opened_on index and stop after the first clients instead of
        aggregating the open cases of every client first.
        """
        later = Q(opened_on__gt=OuterRef("opened_on")) | Q(opened_on=OuterRef("opened_on"), pk__gt=OuterRef("pk"))
        return self.open().filter(~Exists(Case.objects.open().filter(later, client=OuterRef("client"))))


@pghistory.track(exclude=["organisation", "household_size_at_closing"])
class Case(models.Model):
    """An episode of help for a client (Fall): securing a threatened tenancy or providing a flat."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="cases")
    # Both kept by the database (KEEP_CASE_FIGURES), never by the application; the change history does not
    # track them (they are derived from tracked rows). Indexed by case_organisation_opened and _closed.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        db_index=False,
        editable=False,
        blank=True,
        related_name="+",
    )
    household_size_at_closing = models.PositiveSmallIntegerField(
        _("persons in the household when the case was closed"), null=True, blank=True, editable=False
    )
    case_type = models.CharField(_("kind of case"), max_length=12, choices=codes.CaseType.choices)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=codes.Outcome.choices, blank=True)
    housing_situation = models.CharField(
        _("housing situation at intake (ETHOS Light)"),
        max_length=12,
        choices=codes.HousingSituation.choices,
        default=codes.HousingSituation.UNKNOWN,
    )
    bagw_situation = models.CharField(
        _("housing situation (BAG W)"),
        max_length=20,
        choices=codes.BagwSituation.choices,
        default=codes.BagwSituation.UNKNOWN,
    )
    homeless_since = models.DateField(_("homeless since"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "case_type"],
                condition=Q(closed_on__isnull=True),
                name="case_one_open_per_type",
                violation_error_message=_("The person already has an open case of this kind."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")), name="case_closed_after_opened"
            ),
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) & Q(outcome="")) | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                name="case_outcome_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(outcome="")
                | Q(
                    case_type=codes.CaseType.PREVENTION,
                    outcome__in=codes.OUTCOMES_BY_CASE_TYPE[codes.CaseType.PREVENTION],
                )
                | Q(
                    case_type=codes.CaseType.PROVISION,
                    outcome__in=codes.OUTCOMES_BY_CASE_TYPE[codes.CaseType.PROVISION],
                ),
                name="case_outcome_fits_type",
            ),
        ]
        indexes = [
            models.Index(fields=["opened_on"], name="case_opened_on"),
            models.Index(fields=["closed_on"], name="case_closed_on"),
            # The report's new cases and closed cases of an organisation, read from the index alone.
            models.Index(fields=["organisation", "opened_on"], include=["case_type"], name="case_organisation_opened"),
            models.Index(
                fields=["organisation", "closed_on"],
                include=["case_type", "outcome", "household_size_at_closing"],
                name="case_organisation_closed",
            ),
        ]
        triggers = [*WAITING_TRIGGERS, KEEP_CASE_FIGURES]

    def __str__(self):
        return f"{self.get_case_type_display()} ({self.opened_on:%d.%m.%Y})"

    @property
    def is_open(self):
        return self.closed_on is None

    def is_long_term_homeless(self, on=None):
        """Homeless for 12 months or more on the given day (today by default)."""
        if self.homeless_since is None:
            return False
        on = on or timezone.localdate()
        months = (on.year - self.homeless_since.year) * 12 + on.month - self.homeless_since.month
        if on.day < self.homeless_since.day:
            months -= 1
        return months >= 12
