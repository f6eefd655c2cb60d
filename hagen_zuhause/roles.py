"""The four roles and the permissions each holds.

Roles are Django groups (created by migration ``0002_roles``); their permissions are
set from :data:`ROLE_PERMISSIONS` after every ``migrate``, so that a model added by a
later app gets its permissions in the same step. The README's role table describes the
same rules in words.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role; the value is the group's name."""

    SOCIAL_WORKER = "Sozialarbeit", _("Social work")
    TEAM_LEAD = "Teamleitung", _("Team lead")
    ADMINISTRATION = "Verwaltung", _("Administration")
    STATE = "Land", _("State (Land)")


_EVERYONE = [
    "hagen_zuhause.view_user",  # colleagues of the own organisation
]


def _crud(app_label, model, actions=("view", "add", "change")):
    return [f"{app_label}.{action}_{model}" for action in actions]


_CASE_WORK = [
    *_crud("cases", "client"),
    *_crud("cases", "clientalias", ("view", "add", "change", "delete")),
    *_crud("cases", "householdmember", ("view", "add", "change", "delete")),
    *_crud("cases", "targetgroupmembership"),
    *_crud("cases", "consent"),
    *_crud("cases", "clientlink", ("view", "add", "delete")),
    *_crud("cases", "duplicatedecision", ("view", "add")),
    *_crud("cases", "case"),
    *_crud("cases", "accommodationstay"),
    *_crud("cases", "contact"),
    *_crud("cases", "task"),
    *_crud("cases", "appointment"),
    *_crud("cases", "notice"),
    *_crud("cases", "referral"),
    *_crud("cases", "document", ("view", "add")),
    *_crud("cases", "lettertemplate", ("view",)),
    *_crud("cases", "letter", ("view", "add")),
    *_crud("cases", "cover"),
    "cases.view_processingrestriction",
    "cooperation.view_partner",
    "cooperation.view_agreement",
    "cooperation.view_agreementdocument",
    "reports.view_reportsnapshot",
    *_crud("cooperation", "groupoffer"),
    *_crud("housing", "landlord", ("view",)),
    *_crud("housing", "kdutable", ("view",)),
    "housing.view_district",
    *_crud("housing", "kdulimit", ("view",)),
    *_crud("housing", "housingoffer"),
    *_crud("housing", "housingsearch"),
    *_crud("housing", "placement"),
    *_crud("housing", "placementsteprecord", ("view",)),
    *_crud("housing", "followup", ("view", "change")),
    *_crud("housing", "seniorflat", ("view",)),
    *_crud("housing", "seniorflatplace", ("view",)),
    *_crud("housing", "seniorflatresidency"),
    *_crud("housing", "waitinglistentry"),
    *_crud("housing", "stallthreshold", ("view",)),
]

ROLE_PERMISSIONS = {
    Role.SOCIAL_WORKER: [*_EVERYONE, *_CASE_WORK],
    Role.TEAM_LEAD: [
        *_EVERYONE,
        *_CASE_WORK,
        "hagen_zuhause.view_audit",
        "hagen_zuhause.view_accesslog",
        "hagen_zuhause.view_accesschange",
        "hagen_zuhause.decide_accesschange",
        "cases.view_restricted_client",
        "cases.cover_anyone",
        *_crud("cases", "erasurerequest", ("view", "add")),
        "cases.decide_erasurerequest",
        *_crud("cases", "processingrestriction", ("add", "change")),
        "cases.import_data",
        *_crud("cases", "lettertemplate", ("add", "change")),
        "cases.change_any_contact",
        "cases.delete_accommodationstay",
        "cases.delete_task",
        *_crud("cooperation", "agreement", ("add", "change")),
        *_crud("cooperation", "agreementdocument", ("view", "add")),
        "reports.export_report",
        "reports.finalise_report",
        "reports.view_reportsubmission",
        "reports.submit_report",
        *_crud("cooperation", "partner", ("add", "change")),
        "housing.change_stallthreshold",
        "housing.add_stallthreshold",
        *_crud("housing", "seniorflat", ("add", "change")),
        *_crud("housing", "seniorflatplace", ("add", "change")),
    ],
    Role.ADMINISTRATION: [
        *_EVERYONE,
        "hagen_zuhause.add_user",
        "hagen_zuhause.change_user",
        "hagen_zuhause.view_accesschange",
        "hagen_zuhause.view_organisation",
        "hagen_zuhause.change_organisation",
        *_crud("cooperation", "partner"),
        *_crud("housing", "landlord"),
        *_crud("housing", "housingoffer"),
        *_crud("housing", "kdutable", ("view", "add", "change", "delete")),
        *_crud("housing", "district", ("view", "add", "change", "delete")),
        *_crud("housing", "kdulimit", ("view", "add", "change", "delete")),
        *_crud("housing", "seniorflat"),
        *_crud("housing", "seniorflatplace"),
    ],
    # The state's office reads the submitted quarterly figures of every municipality and nothing else:
    # no permission on any model that holds personal data, not even the colleagues' list.
    Role.STATE: [
        "reports.view_state_overview",
    ],
}

#: Roles whose members work in Django's admin (is_staff).
STAFF_ROLES = {Role.ADMINISTRATION}

#: Roles that read client files. Such a role takes effect only when two people agreed (a request and a
#: Teamleitung's confirmation), and nobody of the role Verwaltung ever sets or sees their passwords.
CLIENT_DATA_ROLES = {Role.SOCIAL_WORKER, Role.TEAM_LEAD}

#: The roles a user of an organisation of each kind may hold: the state's users hold Land, and only they.
ROLES_OF_KIND = {
    "municipality": {Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.ADMINISTRATION},
    "state": {Role.STATE},
}


def sync_role_permissions(**kwargs):
    """Create the role groups if needed and give each exactly its listed permissions."""
    from django.contrib.auth.models import Group, Permission

    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is None:
                raise LookupError(f"Permission {code} of role {role.value} does not exist.")
            wanted.append(permission)
        group.permissions.set(wanted)
