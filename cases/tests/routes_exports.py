from tests.routes import Route

ROUTES = {
    "cases:client_export": Route(
        {"social_worker": 403, "team_lead": 200, "admin_staff": 403, "outsider": 200},
    ),
}
