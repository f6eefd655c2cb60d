"""The daily case work on a client: accommodation stays, contacts, tasks (Wiedervorlagen) and
threats to a tenancy (notices)."""

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.clients import Case, Client, ClientRelatedQuerySet, client_visibility
from cases.models.contact_tallies import CONTACT_TALLY_TRIGGERS
from cases.models.cover import covered_workers
from hagen_zuhause import codes
from hagen_zuhause.functions import inclusive_range
from hagen_zuhause.models import Organisation
from hagen_zuhause.scoping import ScopedQuerySet

# --- Accommodation -----------------------------------------------------------------------


@pghistory.track()
class AccommodationStay(models.Model):
    """Where a person is housed (Unterbringung), from when to when; the 31 January statistic reads it."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="accommodation_stays"
    )
    kind = models.CharField(_("kind of accommodation"), max_length=20, choices=codes.AccommodationKind.choices)
    provider_type = models.CharField(
        _("provider type"), max_length=12, choices=codes.ProviderType.choices, default=codes.ProviderType.UNKNOWN
    )
    provider_name = models.CharField(_("provider / place"), max_length=200, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    objects = ClientRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("accommodation stay")
        verbose_name_plural = _("accommodation stays")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="stay_end_after_start"),
            ExclusionConstraint(
                name="stay_no_overlap",
                expressions=[
                    ("client", RangeOperators.EQUAL),
                    (inclusive_range("start", "end"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("The person is already housed elsewhere during this period."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.provider_name}".strip()


# --- Contacts and tasks ------------------------------------------------------------------


class ContactQuerySet(ClientRelatedQuerySet):
    def in_period(self, start, end):
        return self.filter(date__range=(start, end))


@pghistory.track()
class Contact(models.Model):
    """A contact or counselling session (Kontakt/Beratung) with a client."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts")
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[MaxValueValidator(24 * 60)]
    )
    contact_type = models.CharField(_("kind of contact"), max_length=15, choices=codes.ContactType.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    topics = ArrayField(
        models.CharField(max_length=20, choices=codes.ContactTopic.choices),
        verbose_name=_("topics"),
        default=list,
        blank=True,
    )
    interpreter_used = models.BooleanField(_("interpreter used"), default=False)
    # Indexed by contact_worker_date, which starts with the worker (see Meta.indexes).
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,
    )
    note = models.TextField(_("note"), blank=True)
    import_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        permissions = [("change_any_contact", _("Can change contacts recorded by other workers"))]
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["client", "-date"], name="contact_client_date"),
            # The contacts of a period by day (the drill-down behind the report's contacts; the report itself
            # counts from the tallies the database keeps, contact_tallies.py).
            models.Index(fields=["date"], include=["client", "contact_type"], name="contact_date_type"),
            # "My latest contacts" on the start page: a worker's newest contacts without scanning all.
            models.Index(fields=["worker", "-date", "-id"], name="contact_worker_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "import_key"], condition=~Q(import_key=""), name="contact_unique_import"
            ),
        ]
        triggers = [*CONTACT_TALLY_TRIGGERS]

    def __str__(self):
        return f"{self.get_contact_type_display()} {self.date:%d.%m.%Y}"


class TaskQuerySet(ScopedQuerySet):
    """Tasks; those about a client follow the client's visibility."""

    def restrict_for(self, user):
        if user.has_perm("cases.view_restricted_client"):
            return self
        return self.filter(Q(client__isnull=True) | client_visibility(user, "client"))

    def open(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def due_within(self, days, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_on__range=(today, today + timezone.timedelta(days=days)))

    def assigned_to(self, user):
        return self.filter(assignee=user)

    def in_care_of(self, user):
        """Assigned to ``user`` or, during a cover, to the colleague ``user`` stands in for ("my tasks")."""
        return self.filter(Q(assignee=user) | Q(assignee__in=covered_workers(user)))

    def legal_deadlines(self):
        """End of the grace period, court hearing, eviction date: the deadlines a notice sets."""
        return self.filter(kind__in=codes.LEGAL_DEADLINE_KINDS)

    def concerning(self, user):
        """Assigned to ``user``, or about a client ``user`` is assigned to (a colleague's task included);
        during a cover the same for the colleague ``user`` stands in for."""
        covered = covered_workers(user)
        workers = Q(user=user) | Q(user__in=covered)
        assigned = Client.assigned_workers.through.objects.filter(workers, client=OuterRef("client"))
        # "The task is about a client", repeated inside the EXISTS, ties it to the outer row: PostgreSQL
        # then asks the assignment index for each task it reads (a few dozen for the start page's
        # warnings) instead of hashing all of the user's assignments first (40,000 rows for a worker
        # with many clients), as for the restriction rule in cases.models.clients.
        assigned = assigned.filter(IsNull(OuterRef("client"), False))
        return self.filter(Q(assignee=user) | Q(assignee__in=covered) | Exists(assigned))


@pghistory.track()
class Task(models.Model):
    """A follow-up (Wiedervorlage): manual, or a legal deadline computed from a notice."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    notice = models.ForeignKey(
        "Notice", verbose_name=_("notice"), on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=codes.TaskKind.choices, default=codes.TaskKind.MANUAL)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="tasks"
    )
    note = models.TextField(_("note"), blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["assignee", "due_on"], condition=Q(done_at__isnull=True), name="task_open_due"),
            # The team lead's "whole team" task list: open tasks of the organisation by due date.
            models.Index(
                fields=["organisation", "due_on", "id"], condition=Q(done_at__isnull=True), name="task_open_org_due"
            ),
            # The warnings before legal deadlines: open ones of the organisation up to a week ahead, in
            # the order shown (with the id, so that the start page reads the first few and stops).
            models.Index(
                fields=["organisation", "due_on", "id"],
                condition=Q(done_at__isnull=True, kind__in=codes.LEGAL_DEADLINE_KINDS),
                name="task_open_legal_due",
            ),
        ]
        constraints = [
            # A notice produces at most one task of each deadline kind; recomputing updates it.
            models.UniqueConstraint(
                fields=["notice", "kind"], condition=Q(notice__isnull=False), name="task_one_per_notice_kind"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self):
        return self.done_at is not None


# --- Threats to a tenancy ----------------------------------------------------------------


@pghistory.track()
class Notice(models.Model):
    """A threat to the tenancy: notice to quit, eviction suit, court notification (MiZi), eviction date.

    The legal deadlines are computed from it (services.notice_save), not typed: the grace period
    (Schonfrist) ends two months after the eviction suit was served (§ 569 Abs. 3 Nr. 2 BGB) and can
    be used only once within two years.
    """

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="notices")
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=codes.NoticeKind.choices)
    received_on = models.DateField(_("received on"))
    served_on = models.DateField(
        _("served on"), null=True, blank=True, help_text=_("Service of the eviction suit; starts the grace period.")
    )
    court_file_number = models.CharField(_("court file number"), max_length=60, blank=True)
    landlord_name = models.CharField(_("landlord"), max_length=200, blank=True)
    monthly_rent = models.DecimalField(_("monthly rent (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True)
    arrears = models.DecimalField(_("rent arrears (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True)
    hearing_on = models.DateField(_("court hearing on"), null=True, blank=True)
    eviction_on = models.DateField(_("eviction on"), null=True, blank=True)
    schonfrist_used_on = models.DateField(
        _("grace period used on"),
        null=True,
        blank=True,
        help_text=_("Date the arrears were settled within the grace period, making the notice ineffective."),
    )
    debt_takeover_amount = models.DecimalField(
        _("rent debt takeover: amount (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    debt_takeover_applied_on = models.DateField(_("rent debt takeover: applied on"), null=True, blank=True)
    debt_takeover_decided_on = models.DateField(_("rent debt takeover: decided on"), null=True, blank=True)
    debt_takeover_decision = models.CharField(
        _("rent debt takeover (§ 22 Abs. 8 SGB II)"),
        max_length=10,
        choices=codes.DebtTakeoverDecision.choices,
        blank=True,
    )
    note = models.TextField(_("note"), blank=True)

    objects = ClientRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice or court document")
        verbose_name_plural = _("notices and court documents")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.received_on:%d.%m.%Y})"
