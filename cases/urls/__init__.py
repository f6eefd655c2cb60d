"""Routes of case work, one module per area (clients, case work, appointments and the calendar, cover during
absence, referrals and documents, letters, imports, exports)."""

from cases.urls import appointments, casework, clients, cover, data_subject, exports, imports, letters, referrals

app_name = "cases"

urlpatterns = [
    *clients.urlpatterns,
    *casework.urlpatterns,
    *appointments.urlpatterns,
    *cover.urlpatterns,
    *referrals.urlpatterns,
    *letters.urlpatterns,
    *imports.urlpatterns,
    *exports.urlpatterns,
    *data_subject.urlpatterns,
]
