"""Routes of letters and letter templates for the permission matrix (tests/test_permission_matrix.py)."""

from cases.models import LetterTemplate
from cases.services.letters import letter_templates_install
from tests.builders import make_client
from tests.routes import Route

#: Case workers may; Verwaltung holds no case permissions; another organisation's records do not exist.
CASE_WORK_OBJECT = {"social_worker": 200, "team_lead": 200, "admin_staff": 403, "outsider": 404}


def _client(users):
    return {"pk": make_client(users["team_lead"]).pk}


def _template(users):
    organisation = users["team_lead"].organisation
    letter_templates_install(organisation=organisation)
    return {"pk": LetterTemplate.objects.filter(organisation=organisation).first().pk}


ROUTES = {
    # Every case worker reads the templates; the other organisation's team lead sees its own (none here).
    "cases:letter_template_list": Route({"social_worker": 200, "team_lead": 200, "admin_staff": 403, "outsider": 200}),
    # Only the team lead keeps the templates.
    "cases:letter_template_create": Route(
        {"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200}
    ),
    "cases:letter_template_edit": Route(
        {"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 404}, setup=_template
    ),
    "cases:letter_create": Route(CASE_WORK_OBJECT, setup=_client),
}
