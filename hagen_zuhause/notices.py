"""What changed on someone's account, told to them once at their next login.

A role granted or taken away, a password reset, a lifted lock: the holder learns who did it and when,
and would notice a change they did not ask for. The login remembers in the session that there is
something to tell, so that other pages cost no query; the notice stays until it is acknowledged.
"""

from hagen_zuhause.models import AccessChange

NOTICES_SESSION_KEY = "access_notices"


def remember_notices_at_login(sender, request, user, **kwargs):
    """``user_logged_in`` receiver: flag the session when changes wait to be shown."""
    if request is not None and hasattr(request, "session") and AccessChange.objects.unacknowledged_by(user).exists():
        request.session[NOTICES_SESSION_KEY] = True


def notices_for(request):
    """The changes to tell the logged-in user about (only when the login flagged some)."""
    session = getattr(request, "session", None)  # a request built in a test may have none
    if session is None or not session.get(NOTICES_SESSION_KEY):
        return []
    notices = list(AccessChange.objects.unacknowledged_by(request.user).with_people().order_by("requested_at", "id"))
    if not notices:
        session.pop(NOTICES_SESSION_KEY, None)
    return notices
