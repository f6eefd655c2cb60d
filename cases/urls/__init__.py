"""Routes of case work, one module per area (clients, case work, referrals and documents, imports, exports)."""

from cases.urls import casework, clients, exports, imports, referrals

app_name = "cases"

urlpatterns = [
    *clients.urlpatterns,
    *casework.urlpatterns,
    *referrals.urlpatterns,
    *imports.urlpatterns,
    *exports.urlpatterns,
]
