"""The codes of case work (DESIGN codes, used in forms, imports, reports and the federal statistic).

Every optional demographic item has an explicit ``unknown``: unknown is never silently "no".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    DIVERSE = "diverse", _("diverse")
    UNKNOWN = "unknown", _("unknown")


class TargetGroup(models.TextChoices):
    SENIORS = "seniors", _("older long-term homeless people")
    MENTAL_HEALTH = "mental_health", _("mentally ill people")
    WOMEN = "women", _("homeless women")
    EU2 = "eu2", _("citizens of Bulgaria and Romania")


class CaseType(models.TextChoices):
    PREVENTION = "prevention", _("securing housing (prevention)")
    PROVISION = "provision", _("providing housing (provision)")


class Outcome(models.TextChoices):
    # prevention
    TENANCY_KEPT = "tenancy_kept", _("tenancy kept")
    ALTERNATIVE_FLAT = "alternative_flat", _("alternative flat")
    LOST_SHELTER = "lost_shelter", _("flat lost, moved to a shelter")
    LOST_OTHER = "lost_other", _("flat lost, other whereabouts")
    # provision
    PLACED_OWN_TENANCY = "placed_own_tenancy", _("placed in an own tenancy")
    SENIOR_FLAT = "senior_flat", _("moved into the senior shared flat")
    CARE_HOME = "care_home", _("moved into a care home")
    CLINIC = "clinic", _("moved into a clinic")
    OTHER_SHELTER = "other_shelter", _("other accommodation")
    DECEASED = "deceased", _("deceased")
    # both
    MOVED_AWAY = "moved_away", _("moved away")
    CONTACT_LOST = "contact_lost", _("contact lost")


OUTCOMES_BY_CASE_TYPE = {
    CaseType.PREVENTION: [
        Outcome.TENANCY_KEPT,
        Outcome.ALTERNATIVE_FLAT,
        Outcome.LOST_SHELTER,
        Outcome.LOST_OTHER,
        Outcome.CONTACT_LOST,
        Outcome.MOVED_AWAY,
    ],
    CaseType.PROVISION: [
        Outcome.PLACED_OWN_TENANCY,
        Outcome.SENIOR_FLAT,
        Outcome.CARE_HOME,
        Outcome.CLINIC,
        Outcome.OTHER_SHELTER,
        Outcome.MOVED_AWAY,
        Outcome.CONTACT_LOST,
        Outcome.DECEASED,
    ],
}

#: Prevention outcomes that count as "Wohnungslosigkeit verhindert".
HOUSING_SECURED = {Outcome.TENANCY_KEPT, Outcome.ALTERNATIVE_FLAT}


class HousingSituation(models.TextChoices):
    """ETHOS Light (FEANTSA) categories, plus a threatened tenancy for prevention cases."""

    ROUGH_SLEEPING = "ethos1", _("ETHOS 1: living rough")
    EMERGENCY_ACCOMMODATION = "ethos2", _("ETHOS 2: emergency accommodation")
    HOMELESS_ACCOMMODATION = "ethos3", _("ETHOS 3: accommodation for the homeless")
    INSTITUTION = "ethos4", _("ETHOS 4: leaving an institution")
    NON_CONVENTIONAL = "ethos5", _("ETHOS 5: non-conventional dwelling")
    WITH_FAMILY_FRIENDS = "ethos6", _("ETHOS 6: temporarily with family or friends")
    THREATENED_TENANCY = "threatened", _("own tenancy, threatened")
    UNKNOWN = "unknown", _("unknown")


class BagwSituation(models.TextChoices):
    """Housing situation before the help began, in the categories of the BAG W statistics."""

    OWN_TENANCY = "own_tenancy", _("own tenancy")
    WITH_FAMILY_FRIENDS = "with_family_friends", _("with family, partner or friends")
    MUNICIPAL_SHELTER = "municipal_shelter", _("municipal shelter (ordnungsrechtlich)")
    EMERGENCY_SHELTER = "emergency_shelter", _("emergency shelter / night shelter")
    INSTITUTION = "institution", _("institution (clinic, prison, youth welfare)")
    COMMERCIAL_LODGING = "commercial_lodging", _("commercial lodging / hostel")
    ROUGH_SLEEPING = "rough_sleeping", _("without any accommodation")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class IncomeSource(models.TextChoices):
    SGB2 = "sgb2", _("citizen's benefit (SGB II)")
    SGB12 = "sgb12", _("social assistance (SGB XII)")
    PENSION = "pension", _("pension")
    EMPLOYMENT = "employment", _("employment")
    NONE = "none", _("no income")
    UNKNOWN = "unknown", _("unknown")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    UNKNOWN = "unknown", _("unknown")


class Relationship(models.TextChoices):
    PARTNER = "partner", pgettext_lazy("household relationship", "partner")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    SIBLING = "sibling", _("sibling")
    OTHER = "other", _("other relative or person")


class AccommodationKind(models.TextChoices):
    EMERGENCY_SHELTER = "emergency_shelter", _("emergency shelter")
    TRANSITIONAL_FLAT = "transitional_flat", _("transitional flat")
    COMMERCIAL_LODGING = "commercial_lodging", _("commercial lodging")
    OTHER = "other", _("other")


class ProviderType(models.TextChoices):
    MUNICIPAL = "municipal", _("municipality")
    WELFARE_ORG = "welfare_org", _("welfare organisation")
    COMMERCIAL = "commercial", _("commercial provider")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("unknown")


class ContactType(models.TextChoices):
    OFFICE = "office", _("office consultation")
    OUTREACH = "outreach", _("outreach")
    PHONE = "phone", _("phone")
    HOME_VISIT = "home_visit", _("home visit")
    ACCOMPANIMENT = "accompaniment", _("accompaniment")
    OTHER = "other", _("other")


class ContactTopic(models.TextChoices):
    HOUSING_SEARCH = "housing_search", _("housing search")
    TENANCY = "tenancy", _("tenancy and landlord")
    RENT_DEBTS = "rent_debts", _("rent arrears")
    BENEFITS = "benefits", _("benefits and authorities")
    HEALTH = "health", _("health")
    CARE = "care", _("care")
    DOCUMENTS = "documents", _("documents and registration")
    WORK = "work", _("work and training")
    FAMILY = "family", _("family and children")
    VIOLENCE = "violence", _("violence and protection")
    LANGUAGE = "language", _("language and interpreting")
    OTHER = "other", _("other")


class NoticeKind(models.TextChoices):
    NOTICE_TO_QUIT = "notice_to_quit", _("notice to quit (Kündigung)")
    EVICTION_SUIT = "eviction_suit", _("eviction suit (Räumungsklage)")
    COURT_NOTICE = "mizi", _("court notification (MiZi)")
    EVICTION_DATE = "eviction_date", _("eviction date set")


class DebtTakeoverDecision(models.TextChoices):
    PENDING = "pending", _("pending")
    LOAN = "loan", _("approved as a loan")
    GRANT = "grant", _("approved as a grant")
    REJECTED = "rejected", _("rejected")


class ReferralOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    CLIENT_DECLINED = "client_declined", _("declined by the client")
    PROVIDER_DECLINED = "provider_declined", _("declined by the provider")
    COMPLETED = "completed", _("completed")


class ConsentScope(models.TextChoices):
    REFERRAL = "referral", _("referral and exchange with a partner")
    HOUSING = "housing", _("passing data to landlords")
    AUTHORITIES = "authorities", _("exchange with authorities (Jobcenter, social welfare office)")
    OTHER = "other", _("other")


class TaskKind(models.TextChoices):
    MANUAL = "manual", _("follow-up")
    SCHONFRIST = "schonfrist", _("end of the grace period (§ 569 BGB)")
    HEARING = "hearing", _("court hearing")
    EVICTION = "eviction", _("eviction date")
    FOLLOW_UP = "follow_up", _("follow-up after move-in")
    REVIEW = "review", _("review")


#: Deadlines set by law or a court (computed from notices): warned about before they pass.
#: Tasks that are legal deadlines: computed from a notice, shown in the calendar and its feed.
LEGAL_DEADLINE_KINDS = (TaskKind.SCHONFRIST, TaskKind.HEARING, TaskKind.EVICTION)


class DocumentKind(models.TextChoices):
    CONSENT = "consent", _("consent form")
    LETTER = "letter", _("letter")
    COURT = "court", _("court or landlord document")
    ID = "id", _("identity document")
    OTHER = "other", _("other")


class AppointmentKind(models.TextChoices):
    OFFICE = "office", _("office appointment")
    HOME_VISIT = "home_visit", _("home visit")
    ACCOMPANIMENT = "accompaniment", _("accompaniment")
    VIEWING = "viewing", _("flat viewing")
    LEASE_SIGNING = "lease_signing", _("lease signing")
    MOVE_IN = "move_in", _("move-in")
    COURT_HEARING = "court_hearing", _("court hearing")
    OTHER = "other", _("other")


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("took place")
    CANCELLED = "cancelled", _("cancelled")
