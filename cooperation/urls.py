from django.urls import path

from cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("partners/", views.PartnerListView.as_view(), name="partner_list"),
    path("partners/new/", views.partner_create, name="partner_create"),
    path("partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/documents/new/", views.agreement_document_upload, name="agreement_document_upload"),
    path(
        "agreement-documents/<int:pk>/download/",
        views.agreement_document_download,
        name="agreement_document_download",
    ),
    path("group-offers/", views.GroupOfferListView.as_view(), name="group_offer_list"),
    path("group-offers/new/", views.group_offer_create, name="group_offer_create"),
    path("group-offers/<int:pk>/edit/", views.group_offer_edit, name="group_offer_edit"),
]
