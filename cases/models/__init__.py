"""People and case work: clients, their households and groups, cases, contacts, tasks, notices,
referrals, documents, appointments and letters. Every table here holds personal data: it is tracked by pghistory and
reached only through ``visible_to(user)``.

One module per area, as in ``forms/`` and ``services/``: ``clients`` (clients, what belongs to them,
their cases and the visibility rule), ``casework`` (stays, contacts, tasks, notices), ``referrals``
(referrals and documents), ``appointments`` (appointments and calendar subscriptions), ``letters``
(letter templates and the letters written from them). The SQL functions their indexes and constraints
are built from are foundations (``hagen_zuhause.functions``). Import from ``cases.models``: migrations
refer to ``cases.models.document_path``.
"""

from cases.models.appointments import Appointment, AppointmentQuerySet, CalendarFeed
from cases.models.casework import (
    AccommodationStay,
    Contact,
    ContactQuerySet,
    Notice,
    Task,
    TaskQuerySet,
)
from cases.models.clients import (
    Case,
    CaseNumberCounter,
    CaseQuerySet,
    Client,
    ClientAlias,
    ClientLink,
    ClientQuerySet,
    ClientRelatedQuerySet,
    Consent,
    DuplicateDecision,
    HouseholdMember,
    TargetGroupMembership,
    TargetGroupMembershipQuerySet,
    client_visibility,
    latin_alias_of,
    read_only_client,
)
from cases.models.contact_tallies import ContactCount, ContactDays
from cases.models.cover import Cover, CoverQuerySet
from cases.models.data_subject import (
    ErasureRequest,
    ErasureRequestQuerySet,
    ProcessingRestriction,
    ProcessingRestrictionQuerySet,
)
from cases.models.letters import Letter, LetterTemplate, LetterTemplateQuerySet
from cases.models.referrals import Document, Referral, ReferralQuerySet, document_path

__all__ = [
    "AccommodationStay",
    "Appointment",
    "AppointmentQuerySet",
    "CalendarFeed",
    "Case",
    "CaseNumberCounter",
    "CaseQuerySet",
    "Client",
    "ClientAlias",
    "ClientLink",
    "ClientQuerySet",
    "ClientRelatedQuerySet",
    "Consent",
    "Contact",
    "ContactCount",
    "ContactDays",
    "ContactQuerySet",
    "Cover",
    "CoverQuerySet",
    "Document",
    "DuplicateDecision",
    "ErasureRequest",
    "ErasureRequestQuerySet",
    "HouseholdMember",
    "Letter",
    "LetterTemplate",
    "LetterTemplateQuerySet",
    "Notice",
    "ProcessingRestriction",
    "ProcessingRestrictionQuerySet",
    "Referral",
    "ReferralQuerySet",
    "TargetGroupMembership",
    "TargetGroupMembershipQuerySet",
    "Task",
    "TaskQuerySet",
    "client_visibility",
    "document_path",
    "latin_alias_of",
    "read_only_client",
]
