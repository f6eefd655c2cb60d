"""Shared fixtures: one user per role, a second organisation, logged-in clients."""

import time

import pytest
from django.test import Client

from hagen_zuhause.middleware import SessionActivityMiddleware
from hagen_zuhause.models import Organisation
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create

PASSWORD = "ein langes Testpasswort 2026"


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(
        name="Stadt Hagen – Zentrale Fachstelle Wohnen",
        short_name="Fachstelle Wohnen Hagen",
        case_number_prefix="HA",
        municipality_key="05914000",
    )


@pytest.fixture
def other_organisation(db):
    return Organisation.objects.create(
        name="Stadt Dortmund – Fachstelle Wohnungsnotfälle",
        short_name="Fachstelle Dortmund",
        case_number_prefix="DO",
        municipality_key="05913000",
    )


@pytest.fixture
def social_worker(organisation):
    return user_create(
        organisation=organisation,
        username="s.albers",
        role=Role.SOCIAL_WORKER,
        password=PASSWORD,
        first_name="Sonja",
        last_name="Albers",
    )


@pytest.fixture
def team_lead(organisation):
    return user_create(
        organisation=organisation,
        username="t.lehmann",
        role=Role.TEAM_LEAD,
        password=PASSWORD,
        first_name="Thomas",
        last_name="Lehmann",
    )


@pytest.fixture
def admin_staff(organisation):
    """A Verwaltung user (office/IT): maintains accounts, does not read case files."""
    return user_create(
        organisation=organisation,
        username="v.winkler",
        role=Role.ADMINISTRATION,
        password=PASSWORD,
        first_name="Vera",
        last_name="Winkler",
    )


@pytest.fixture
def outsider(other_organisation):
    """A team lead of another organisation: sees a lot there, nothing here."""
    return user_create(
        organisation=other_organisation,
        username="o.dortmund",
        role=Role.TEAM_LEAD,
        password=PASSWORD,
        first_name="Olaf",
        last_name="Dortmund",
    )


@pytest.fixture
def role_users(social_worker, team_lead, admin_staff, outsider):
    return {
        "social_worker": social_worker,
        "team_lead": team_lead,
        "admin_staff": admin_staff,
        "outsider": outsider,
    }


@pytest.fixture
def client_of():
    """client_of(user) gives a test client logged in as that user."""

    def make(user):
        client = Client()
        client.force_login(user)
        # As after a login through the form: the session has just been saved with its activity time.
        session = client.session
        session[SessionActivityMiddleware.key] = int(time.time())
        session.save()
        return client

    return make
