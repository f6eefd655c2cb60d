"""What a session knows about the second factor, and the moments it changes."""

from hagen_zuhause.second_factor.services import has_second_factor

#: Whether the user had a factor when the session began (or gained one in it). A first factor ends the
#: user's other sessions, and a reset ends them all, so the flag cannot go stale while a session lives.
HAS_FACTOR = "second_factor_has_factor"
#: The secret of the authenticator app being set up, until a code confirms it.
TOTP_KEY = "second_factor_totp_key"
#: Recovery codes just made, until the page that shows them once.
RECOVERY_CODES = "second_factor_recovery_codes"


def has_factor(request):
    """Whether the session's user has a confirmed second factor; read once per session."""
    if HAS_FACTOR not in request.session:
        request.session[HAS_FACTOR] = has_second_factor(request.user)
    return request.session[HAS_FACTOR]


def remember_login(sender, request, user, **kwargs):
    """user_logged_in: note whether the user has a factor (the second step then follows)."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_FACTOR] = has_second_factor(user)


def verified(request):
    """The second step is passed: a new session key, as after the password."""
    request.session.cycle_key()


def factor_added(request, *, recovery_codes):
    request.session[HAS_FACTOR] = True
    if recovery_codes:
        request.session[RECOVERY_CODES] = recovery_codes


def take_recovery_codes(request):
    """The recovery codes made in this session, once: the page that shows them takes them away."""
    return request.session.pop(RECOVERY_CODES, [])
