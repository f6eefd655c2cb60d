"""Builders that create test state by calling the real services, one module per area.

Tests import them from here (``from tests.builders import make_client, make_offer``); pytest fixtures stay
in the conftest.py files (the role users in the root conftest.py, ``client_record`` in cases, ``offer`` in
housing, ``report_data`` in reports).
"""

from tests.builders.appointments import make_appointment
from tests.builders.casework import make_case, make_contact, make_notice, make_stay, make_task
from tests.builders.clients import make_client
from tests.builders.erasure import REASON, make_erasure_request, make_second_team_lead
from tests.builders.offers import make_kdu_table, make_landlord, make_offer
from tests.builders.placements import SKIPPED, make_flat, make_placement, make_seeker, make_senior
from tests.builders.referrals import PDF_BYTES, give_consent, image_bytes, make_partner, upload

__all__ = [
    "PDF_BYTES",
    "REASON",
    "SKIPPED",
    "give_consent",
    "image_bytes",
    "make_appointment",
    "make_case",
    "make_client",
    "make_contact",
    "make_erasure_request",
    "make_flat",
    "make_kdu_table",
    "make_landlord",
    "make_notice",
    "make_offer",
    "make_partner",
    "make_placement",
    "make_second_team_lead",
    "make_seeker",
    "make_senior",
    "make_stay",
    "make_task",
    "upload",
]
