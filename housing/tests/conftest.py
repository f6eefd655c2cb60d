"""Shared housing fixtures: a landlord, a private landlord, a KdU table and an offer.

They are built by the plain functions of ``tests.builders`` (``make_landlord``, ``make_offer``,
``make_kdu_table``), which tests may call directly as well.
"""

import pytest

from housing.models import LandlordKind
from tests.builders import make_kdu_table, make_landlord, make_offer


@pytest.fixture
def landlord(admin_staff):
    return make_landlord(admin_staff, name="ha.ge.we Hagener Gemeinnützige Wohnungsgesellschaft")


@pytest.fixture
def private_landlord(admin_staff):
    return make_landlord(admin_staff, kind=LandlordKind.PRIVATE, name="Ömer Çelik", phone="02331 123456")


@pytest.fixture
def kdu_table(organisation):
    return make_kdu_table(organisation, source="Test table")


@pytest.fixture
def offer(admin_staff, landlord, kdu_table):
    return make_offer(admin_staff, landlord)
