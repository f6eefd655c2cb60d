"""Routes of referrals and documents for the permission matrix (tests/test_permission_matrix.py)."""

from datetime import timedelta

from django.utils import timezone

from cases.services.documents import document_upload
from cases.services.referrals import referral_create
from tests.builders import PDF_BYTES, make_client, make_partner, upload
from tests.routes import Route

#: Case workers may; Verwaltung holds no case permissions; another organisation's records do not exist.
CASE_WORK_OBJECT = {"social_worker": 200, "team_lead": 200, "admin_staff": 403, "outsider": 404}


def _client(users):
    return {"pk": make_client(users["team_lead"]).pk}


def _referral(users):
    team_lead = users["team_lead"]
    referral = referral_create(
        client=make_client(team_lead),
        partner=make_partner(team_lead.organisation),
        referred_on=timezone.localdate() - timedelta(days=1),
        actor=team_lead,
        consent_override_reason="Krisenintervention, Person nicht ansprechbar.",
    )
    return {"pk": referral.pk}


def _document(users):
    team_lead = users["team_lead"]
    document = document_upload(
        client=make_client(team_lead),
        uploaded_file=upload("Mietvertrag.pdf", PDF_BYTES),
        kind="letter",
        description="",
        actor=team_lead,
    )
    return {"pk": document.pk}


ROUTES = {
    "cases:referral_create": Route(CASE_WORK_OBJECT, setup=_client),
    "cases:referral_outcome": Route(CASE_WORK_OBJECT, setup=_referral),
    "cases:document_upload": Route(CASE_WORK_OBJECT, setup=_client),
    "cases:document_download": Route(CASE_WORK_OBJECT, setup=_document),
}
