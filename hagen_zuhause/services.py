"""Writes of the foundation: organisations and accounts."""

import secrets

import pghistory
from django.contrib.auth.models import Group
from django.db import transaction

from hagen_zuhause.models import Organisation, User
from hagen_zuhause.roles import STAFF_ROLES, Role

DEMO_ORGANISATION = {
    "name": "Stadt Hagen – Zentrale Fachstelle Wohnen",
    "short_name": "Fachstelle Wohnen Hagen",
    "case_number_prefix": "HA",
    "municipality_key": "05914000",
}

DEMO_USERS = [
    # (username, role, first name, last name)
    ("sozialarbeit", Role.SOCIAL_WORKER, "Sonja", "Albers"),
    ("teamleitung", Role.TEAM_LEAD, "Thomas", "Lehmann"),
    ("verwaltung", Role.ADMINISTRATION, "Vera", "Winkler"),
]


@transaction.atomic
def user_create(*, organisation, username, role, password, first_name="", last_name="", email=""):
    """Create an account of an organisation with exactly one role."""
    role = Role(role)
    user = User.objects.create_user(
        username=username,
        password=password,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role in STAFF_ROLES,
    )
    user.groups.set([Group.objects.get(name=role.value)])
    return user


@transaction.atomic
def demo_organisation_ensure(*, password=None):
    """Create the demo organisation and one user per role where missing.

    Returns the organisation and a list of (username, role, password) for accounts that
    were created now; the password is the given one or a generated one per account.
    """
    organisation, _created = Organisation.objects.get_or_create(
        name=DEMO_ORGANISATION["name"], defaults=DEMO_ORGANISATION
    )
    # Commands start their history context before the organisation exists; name it now.
    pghistory.context(organisation=organisation.pk)
    created = []
    for username, role, first_name, last_name in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        account_password = password or secrets.token_urlsafe(12)
        user_create(
            organisation=organisation,
            username=username,
            role=role,
            password=account_password,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@hagen.example",
        )
        created.append((username, role, account_password))
    return organisation, created
