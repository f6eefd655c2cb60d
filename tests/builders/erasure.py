"""Builders for erasure requests, through the real services."""

from cases.services.erasure import erasure_request
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from tests.builders.clients import make_client

REASON = "Antrag der Person vom 01.12.2026"


def make_second_team_lead(organisation, username="k.brandt"):
    """Another Teamleitung of the organisation: the second pair of eyes."""
    return user_create(
        organisation=organisation,
        username=username,
        role=Role.TEAM_LEAD,
        password="x-Unused-Password-7",
        first_name="Karin",
        last_name="Brandt",
    )


def make_erasure_request(requester, client=None, reason=REASON):
    client = client or make_client(requester, first_name="Erika", last_name="Löschantrag")
    return erasure_request(client=client, actor=requester, reason=reason)
