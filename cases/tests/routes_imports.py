"""Routes of the web import: the team lead's (cases.import_data); never for social workers or Verwaltung."""

from tests.routes import Route

ROUTES = {
    "cases:import_upload": Route({"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200}),
    # Without a previewed upload in the session the confirmation imports nothing and sends back.
    "cases:import_confirm": Route(
        {"social_worker": 403, "team_lead": 302, "admin_staff": 403, "outsider": 302},
        method="post",
        data=lambda kwargs: {"token": "0" * 32},
        get_not_allowed=True,
    ),
}
