"""Building case-work state for tests through the real services."""

import itertools

from cases.services.clients import client_create

_numbers = itertools.count(1)


def make_client(actor, **fields):
    """A client of the actor's organisation, created by the intake service (actor assigned)."""
    fields.setdefault("first_name", "Maria")
    fields.setdefault("last_name", f"Testperson{next(_numbers)}")
    return client_create(organisation=actor.organisation, actor=actor, **fields)
