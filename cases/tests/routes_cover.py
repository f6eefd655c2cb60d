"""Permission matrix of cover during absence (Vertretung).

The cover is built in the team lead's organisation: the team lead covers the social worker with a
colleague. Verwaltung reads no client files and names no deputy; the team lead of another organisation
sees its own (empty) page and never this cover.
"""

from django.utils import timezone

from cases.services.cover import cover_create
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from tests.routes import Route


def _cover(users):
    lead, worker = users["team_lead"], users["social_worker"]
    colleague = user_create(
        organisation=lead.organisation,
        username="m.vertretung",
        role=Role.SOCIAL_WORKER,
        password=None,
        first_name="Mia",
    )
    today = timezone.localdate()
    cover = cover_create(absent=worker, deputy=colleague, starts_on=today, ends_on=today, actor=lead)
    return {"pk": cover.pk}


ROUTES = {
    "cases:cover": Route({"social_worker": 200, "team_lead": 200, "admin_staff": 403, "outsider": 200}),
    "cases:cover_end": Route(
        # The social worker is the absent one here: back early, they end it themselves.
        {"social_worker": 302, "team_lead": 302, "admin_staff": 403, "outsider": 404},
        method="post",
        setup=_cover,
        get_not_allowed=True,
    ),
}
