"""Routes of case work, one module per area (clients, case work, referrals and documents, imports)."""

from cases.urls import casework, clients, imports, referrals

app_name = "cases"

urlpatterns = [
    *clients.urlpatterns,
    *casework.urlpatterns,
    *referrals.urlpatterns,
    *imports.urlpatterns,
]
