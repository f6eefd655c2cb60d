from django.urls import path

from cases.views import imports

urlpatterns = [
    path("imports/", imports.import_upload, name="import_upload"),
    path("imports/confirm/", imports.import_confirm, name="import_confirm"),
]
