"""The second factor's pages: the second step of the login, the account's factors, setting one up."""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from hagen_zuhause.redirects import next_url
from hagen_zuhause.second_factor import services
from hagen_zuhause.second_factor import session as second_factor_session
from hagen_zuhause.second_factor.forms import SecondFactorForm, TotpEnrolForm


@require_GET
def second_factor_account(request):
    """The user's second factors (kind, name, created, last used) and the ways to add one."""
    user = request.user
    return render(
        request,
        "second_factor/account.html",
        {
            "factors": services.factors_of(user),
            "recovery_codes_left": services.recovery_codes_left(user),
            "required": services.second_factor_required(user),
            "must_enrol": getattr(request, "second_factor_step", None) == "enrol",
        },
    )


@require_http_methods(["GET", "POST"])
def second_factor_verify(request):
    """The second step of the login: a code from the app, a recovery code, or a passkey."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified() or not second_factor_session.has_factor(request):
        return redirect(next_url)
    has_app = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
    has_passkey = WebAuthnCredential.objects.devices_for_user(user, confirmed=True).exists()
    form = SecondFactorForm(request.POST or None, has_app=has_app)
    if request.method == "POST" and form.is_valid():
        result = services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            django_otp.login(request, result.device)
            second_factor_session.verified(request)
            if isinstance(result.device, StaticDevice):
                left = result.device.token_set.count()
                messages.warning(request, _recovery_code_used_message(left))
            return redirect(next_url)
        form.add_error("code", _refusal_message(result, has_passkey=has_passkey))
    return render(
        request,
        "second_factor/verify.html",
        {"form": form, "next": next_url, "has_passkey": has_passkey},
    )


@require_http_methods(["GET", "POST"])
def totp_enrol(request):
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a code."""
    if not _may_enrol(request):
        return redirect("second_factor:verify")
    key = request.session.get(second_factor_session.TOTP_KEY)
    if key is None:
        key = request.session[second_factor_session.TOTP_KEY] = services.totp_key_new()
    form = TotpEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.totp_device_enrol(
                user=request.user,
                key=key,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                session_key=request.session.session_key,
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            del request.session[second_factor_session.TOTP_KEY]
            if not request.user.is_verified():
                django_otp.login(request, device)
                second_factor_session.verified(request)
            second_factor_session.factor_added(request, recovery_codes=codes)
            messages.success(request, _("The authenticator app is set up."))
            return redirect("second_factor:recovery_codes" if codes else "second_factor:account")
    context = {
        "form": form,
        "qr_code": services.totp_qr_code(user=request.user, key=key),
        "key_text": services.totp_key_text(key),
    }
    return render(request, "second_factor/totp.html", context)


@require_GET
def passkey_enrol(request):
    """Set up a passkey; the browser and django-otp-webauthn's script do the ceremony."""
    if not _may_enrol(request):
        return redirect("second_factor:verify")
    return render(request, "second_factor/passkey.html")


@require_GET
def recovery_codes(request):
    """The recovery codes made with the first factor, shown this once."""
    codes = second_factor_session.take_recovery_codes(request)
    if not codes:
        return redirect("second_factor:account")
    return render(request, "second_factor/recovery_codes.html", {"codes": codes})


def _may_enrol(request):
    """Adding a factor needs a verified session, except for the first factor."""
    return request.user.is_verified() or not services.has_second_factor(request.user)


def _next_url(request):
    return next_url(request, resolve_url(settings.LOGIN_REDIRECT_URL))


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "d.m.Y, H:i:s")


def _refusal_message(result, *, has_passkey):
    if result.locked_until and has_passkey:
        return _(
            "Too many wrong codes. Confirming with a code is locked until %(time)s. A passkey still works; "
            "otherwise please contact the administration of your office."
        ) % {"time": _when(result.locked_until)}
    if result.locked_until:
        return _(
            "Too many wrong codes. Confirming with a code is locked until %(time)s. Please try again then, "
            "or contact the administration of your office."
        ) % {"time": _when(result.locked_until)}
    if result.wait_until:
        return _("Please wait until %(time)s before you try the next code.") % {"time": _when(result.wait_until)}
    return _("This code is not right, or it was used already. Please try again.")


def _recovery_code_used_message(left):
    if left == 0:
        return _(
            "You used your last recovery code. Please ask for a reset of your second factor if you lose "
            "your authenticator app or passkey."
        )
    return ngettext(
        "You used a recovery code; %(left)d is left. Each code works only once.",
        "You used a recovery code; %(left)d are left. Each code works only once.",
        left,
    ) % {"left": left}
