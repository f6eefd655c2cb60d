from django.urls import path

from cases.views import clients

urlpatterns = [
    path("clients/", clients.ClientListView.as_view(), name="client_list"),
    path("clients/new/", clients.client_create, name="client_create"),
    path("clients/new/existing/<int:pk>/", clients.client_open_existing, name="client_open_existing"),
    path("clients/<int:pk>/edit/", clients.client_edit, name="client_edit"),
    path("clients/<int:pk>/groups/", clients.client_target_groups, name="client_target_groups"),
    path("consents/ending/", clients.ConsentEndingListView.as_view(), name="consent_ending_list"),
    path("clients/<int:pk>/consents/new/", clients.consent_create, name="consent_create"),
    path("clients/<int:pk>/consents/<int:consent_pk>/withdraw/", clients.consent_withdraw, name="consent_withdraw"),
    path("clients/<int:pk>/link/", clients.client_link, name="client_link"),
    path("clients/<int:pk>/links/<int:link_pk>/unlink/", clients.client_unlink, name="client_unlink"),
]
