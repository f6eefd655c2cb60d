from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hagen_zuhause import views
from hagen_zuhause.forms import LoginForm
from hagen_zuhause.second_factor.urls import passkey_patterns

audit_patterns = (
    [
        path("", views.AuditHistoryView.as_view(), name="history"),
        path("export/", views.history_export, name="history_export"),
        path("access/", views.AccessLogView.as_view(), name="access"),
        path("access/export/", views.access_log_export, name="access_export"),
    ],
    "audit",
)

access_patterns = (
    [
        path("requests/", views.AccessRequestListView.as_view(), name="request_list"),
        path("requests/<int:pk>/", views.access_request_detail, name="request_detail"),
        path("requests/<int:pk>/confirm/", views.access_request_confirm, name="request_confirm"),
        path("requests/<int:pk>/refuse/", views.access_request_refuse, name="request_refuse"),
        path("requests/<int:pk>/withdraw/", views.access_request_withdraw, name="request_withdraw"),
        path("users/", views.AccountListView.as_view(), name="user_list"),
        path("users/new/", views.account_create, name="user_create"),
        path("users/<int:pk>/", views.account_detail, name="user_detail"),
        path("users/<int:pk>/role/", views.account_role, name="user_role"),
        path("users/<int:pk>/active/", views.account_active, name="user_active"),
        path("users/<int:pk>/password-reset/", views.account_password_reset, name="user_password_reset"),
        path(
            "users/<int:pk>/second-factor-reset/",
            views.account_second_factor_reset,
            name="user_second_factor_reset",
        ),
        path("organisation/", views.organisation_settings, name="organisation_settings"),
        path("locks/", views.lock_list, name="lock_list"),
        path("locks/<int:pk>/lift/", views.lock_lift, name="lock_lift"),
        path("password/<str:token>/", views.password_set_link, name="password_set_link"),
        path("password/", views.password_set, name="password_set"),
        path("notices/acknowledge/", views.notices_acknowledge, name="notices_acknowledge"),
    ],
    "access",
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
    path("reminders/", views.account_reminders, name="account_reminders"),
    path("second-factor/", include("hagen_zuhause.second_factor.urls")),
    path("second-factor/passkeys/", include(passkey_patterns)),
]

handler500 = "hagen_zuhause.views.server_error"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(account_patterns)),
    path("audit/", include(audit_patterns)),
    path("access/", include(access_patterns)),
    path("", include("cases.urls")),
    path("housing/", include("housing.urls")),
    path("cooperation/", include("cooperation.urls")),
    path("reports/", include("reports.urls")),
    path("land/", include("reports.urls_land")),
    path("admin/", admin.site.urls),
]
