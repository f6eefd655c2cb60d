"""People and case work: clients, their households and groups, cases, contacts, tasks, notices,
referrals and documents. Every table here holds personal data: it is tracked by pghistory and
reached only through ``visible_to(user)``.

One module per area, as in ``forms/`` and ``services/``: ``clients`` (clients, what belongs to them,
their cases and the visibility rule), ``casework`` (stays, contacts, tasks, notices), ``referrals``
(referrals and documents), ``functions`` (SQL functions for indexes and constraints). Import from
``cases.models``: migrations refer to ``cases.models.DateRange``, ``NameKey`` and ``document_path``.
"""

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
)
from cases.models.functions import DateRange, NameKey, inclusive_range
from cases.models.referrals import Document, Referral, ReferralQuerySet, document_path

__all__ = [
    "AccommodationStay",
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
    "ContactQuerySet",
    "DateRange",
    "Document",
    "DuplicateDecision",
    "HouseholdMember",
    "NameKey",
    "Notice",
    "Referral",
    "ReferralQuerySet",
    "TargetGroupMembership",
    "TargetGroupMembershipQuerySet",
    "Task",
    "TaskQuerySet",
    "client_visibility",
    "document_path",
    "inclusive_range",
]
