from django.urls import path

from cases.views import data_subject

urlpatterns = [
    path("clients/<int:pk>/erasure/", data_subject.erasure_request_create, name="erasure_request_create"),
    path("erasure-requests/", data_subject.ErasureRequestListView.as_view(), name="erasure_request_list"),
    path("erasure-requests/<int:pk>/", data_subject.erasure_request_detail, name="erasure_request_detail"),
    path("erasure-requests/<int:pk>/confirm/", data_subject.erasure_request_confirm, name="erasure_request_confirm"),
    path("erasure-requests/<int:pk>/refuse/", data_subject.erasure_request_refuse, name="erasure_request_refuse"),
    path("erasure-requests/<int:pk>/withdraw/", data_subject.erasure_request_withdraw, name="erasure_request_withdraw"),
    path("clients/<int:pk>/restriction/", data_subject.processing_restrict, name="processing_restrict"),
    path(
        "clients/<int:pk>/restriction/lift/",
        data_subject.processing_restriction_lift,
        name="processing_restriction_lift",
    ),
]
