from django.urls import path

from cases.views import exports

urlpatterns = [
    path("clients/export/", exports.client_export, name="client_export"),
    path("clients/<int:pk>/data-export/", exports.client_data_export, name="client_data_export"),
]
