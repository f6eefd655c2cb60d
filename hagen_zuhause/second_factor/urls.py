from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as webauthn_views

from hagen_zuhause.second_factor import passkeys, views

app_name = "second_factor"

urlpatterns = [
    path("", views.second_factor_account, name="account"),
    path("verify/", views.second_factor_verify, name="verify"),
    path("app/", views.totp_enrol, name="totp"),
    path("passkey/", views.passkey_enrol, name="passkey"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
]

#: django-otp-webauthn's JSON endpoints under the names its template tags reverse.
passkey_patterns = (
    [
        path(
            "registration/begin/",
            webauthn_views.BeginCredentialRegistrationView.as_view(),
            name="credential-registration-begin",
        ),
        path(
            "registration/complete/",
            passkeys.PasskeyRegistrationCompleteView.as_view(),
            name="credential-registration-complete",
        ),
        path(
            "authentication/begin/",
            webauthn_views.BeginCredentialAuthenticationView.as_view(),
            name="credential-authentication-begin",
        ),
        path(
            "authentication/complete/",
            passkeys.PasskeyAuthenticationCompleteView.as_view(),
            name="credential-authentication-complete",
        ),
        # The package's German texts for its buttons and messages.
        path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
    ],
    "otp_webauthn",
)
