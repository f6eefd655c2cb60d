"""Passkeys (WebAuthn) through django-otp-webauthn, as a second factor after the password only.

The package's views do the ceremonies; these subclasses add what the login of this application needs:
a fresh session key once the session is verified, and the recovery codes when a passkey is the first
factor. Its JavaScript is served from the installed package through our own static files.
"""

from django.http.request import split_domain_port
from django.utils.translation import gettext as _
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.helpers import WebAuthnHelper

from hagen_zuhause.second_factor import session as second_factor_session
from hagen_zuhause.second_factor.services import second_factor_enrolled


def relying_party_id(request):
    """The passkeys' domain: the host the browser asked for (Django checked it against ALLOWED_HOSTS)."""
    domain, _port = split_domain_port(request.get_host())
    return domain


class PasskeyHelper(WebAuthnHelper):
    """Expects the browser's origin to be this very server (scheme and validated host)."""

    def get_allowed_origins(self):
        return [f"{self.request.scheme}://{self.request.get_host()}"]

    def create_credential(self, user, response, parsed_credential, original_data):
        device = super().create_credential(user, response, parsed_credential, original_data)
        device.name = _("Passkey")
        return device


class PasskeyRegistrationCompleteView(webauthn_views.CompleteCredentialRegistrationView):
    """Saves the passkey; as the first factor, it also makes the recovery codes for the next page."""

    def post(self, *args, **kwargs):
        was_verified = self.request.user.is_verified()
        response = super().post(*args, **kwargs)
        codes = second_factor_enrolled(user=self.request.user, session_key=self.request.session.session_key)
        second_factor_session.factor_added(self.request, recovery_codes=codes)
        if not was_verified:
            # The package verified the session with the new passkey (the first factor).
            second_factor_session.verified(self.request)
        return response


class PasskeyAuthenticationCompleteView(webauthn_views.CompleteCredentialAuthenticationView):
    """The second step with a passkey; the session is verified from here on and gets a new key."""

    def complete_auth(self, device):
        super().complete_auth(device)
        second_factor_session.verified(self.request)
