from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hagen_zuhause import views
from hagen_zuhause.forms import LoginForm

audit_patterns = (
    [
        path("", views.AuditHistoryView.as_view(), name="history"),
        path("access/", views.AccessLogView.as_view(), name="access"),
    ],
    "audit",
)

account_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(account_patterns)),
    path("audit/", include(audit_patterns)),
    path("", include("cases.urls")),
    path("housing/", include("housing.urls")),
    path("cooperation/", include("cooperation.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
