from django.urls import path

from cases.views import referrals

urlpatterns = [
    path("clients/<int:pk>/referrals/new/", referrals.referral_create, name="referral_create"),
    path("referrals/<int:pk>/outcome/", referrals.referral_outcome, name="referral_outcome"),
    path("clients/<int:pk>/documents/new/", referrals.document_upload, name="document_upload"),
    path("documents/<int:pk>/download/", referrals.document_download, name="document_download"),
]
