"""Who may use which cooperation page (see tests/test_permission_matrix.py).

Partners are read by everyone of the organisation and maintained by the team lead and Verwaltung;
agreements are read by the case-work roles and maintained by the team lead (Verwaltung holds no
agreement permission: 403); group offers belong to case work. Records of another organisation: 404.
"""

from cooperation.tests.factories_coop import make_agreement, make_document, make_group_offer, make_partner
from tests.routes import Route


def _partner(users):
    return {"pk": make_partner(users["team_lead"]).pk}


def _agreement(users):
    return {"pk": make_agreement(users["team_lead"]).pk}


def _document(users):
    team_lead = users["team_lead"]
    return {"pk": make_document(team_lead, make_agreement(team_lead)).pk}


def _group_offer(users):
    return {"pk": make_group_offer(users["social_worker"]).pk}


def _roles(social_worker, team_lead, admin_staff, outsider):
    return {"social_worker": social_worker, "team_lead": team_lead, "admin_staff": admin_staff, "outsider": outsider}


ROUTES = {
    "cooperation:partner_list": Route(_roles(200, 200, 200, 200)),
    "cooperation:partner_create": Route(_roles(403, 200, 200, 200)),
    "cooperation:partner_detail": Route(_roles(200, 200, 200, 404), setup=_partner),
    "cooperation:partner_edit": Route(_roles(403, 200, 200, 404), setup=_partner),
    "cooperation:agreement_list": Route(_roles(200, 200, 403, 200)),
    "cooperation:agreement_create": Route(_roles(403, 200, 403, 200)),
    "cooperation:agreement_detail": Route(_roles(200, 200, 403, 404), setup=_agreement),
    "cooperation:agreement_edit": Route(_roles(403, 200, 403, 404), setup=_agreement),
    "cooperation:agreement_document_upload": Route(_roles(403, 200, 403, 404), setup=_agreement),
    "cooperation:agreement_document_download": Route(_roles(200, 200, 403, 404), setup=_document),
    "cooperation:group_offer_list": Route(_roles(200, 200, 403, 200)),
    "cooperation:group_offer_create": Route(_roles(200, 200, 403, 200)),
    "cooperation:group_offer_edit": Route(_roles(200, 200, 403, 404), setup=_group_offer),
}
