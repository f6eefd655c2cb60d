"""The gate after the password: until the second step is passed, a session reaches only that step."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from hagen_zuhause.second_factor import session as second_factor_session
from hagen_zuhause.second_factor.services import second_factor_required

#: What a session may reach at each step: the step's pages, the passkey ceremonies, logout.
OPEN_ROUTES = {
    "verify": {
        "second_factor:verify",
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
        "logout",
    },
    "enrol": {
        "second_factor:account",
        "second_factor:totp",
        "second_factor:passkey",
        "second_factor:recovery_codes",
        "otp_webauthn:credential-registration-begin",
        "otp_webauthn:credential-registration-complete",
        "otp_webauthn:js-i18n-catalog",
        "logout",
    },
}
STEP_PAGES = {"verify": "second_factor:verify", "enrol": "second_factor:account"}


def pending_step(request):
    """What the session still has to do: "verify" (a code or passkey), "enrol" (set a factor up), or None."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if second_factor_session.has_factor(request):
        return "verify"
    if second_factor_required(user):
        return "enrol"
    return None


class SecondFactorMiddleware:
    """After the password, a user with a second factor must pass the second step before anything else;
    a user whose organisation requires one and who has none can only set one up (or log out).

    Pages open without login (``/healthz``, the login page) stay open; static files are served before.
    htmx requests are sent to the step with ``HX-Redirect``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        request.second_factor_step = step = pending_step(request)
        if step is None or request.resolver_match.view_name in OPEN_ROUTES[step]:
            return None
        url = f"{reverse(STEP_PAGES[step])}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
