from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("quarterly/<int:year>/<int:quarter>/", views.quarterly, name="quarterly"),
    path("quarterly/<int:year>/<int:quarter>/figures/", views.quarterly_figures, name="quarterly_figures"),
    path("quarterly/<int:year>/<int:quarter>/finalise/", views.finalise, name="finalise"),
    path("quarterly/<int:year>/<int:quarter>/snapshot/", views.snapshot, name="snapshot"),
    path("quarterly/<int:year>/<int:quarter>/submission/", views.submission, name="submission"),
    path("quarterly/<int:year>/<int:quarter>/submit/", views.submit, name="submit"),
    path("quarterly/<int:year>/<int:quarter>/records/<str:figure>/", views.records, name="records"),
    path("federal-statistic/", views.federal_statistic, name="federal_statistic"),
    path("dashboard-panel/", views.dashboard_panel, name="dashboard_panel"),
]
