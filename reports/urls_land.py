from django.urls import path

from reports import views

app_name = "land"

urlpatterns = [
    path("", views.state_overview, name="overview"),
]
