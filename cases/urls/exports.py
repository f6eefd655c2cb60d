from django.urls import path

from cases.views import exports

urlpatterns = [
    path("clients/export/", exports.client_export, name="client_export"),
]
