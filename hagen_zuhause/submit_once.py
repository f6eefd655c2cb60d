"""The one double-submit guard: every create form carries a one-time token, consumed with the write.

The page hands out a signed token (``new_token``; no database row until the form is saved). Saving
inserts the token into ``SubmittedForm`` in the same transaction as the record: the unique constraint
makes a second submit of the same form, even a concurrent one in another process, wait for the first
and then find its row instead of writing again. A refused save rolls the row back, so the corrected
form can be sent with the same token. A token that was tampered with or is older than ``MAX_AGE``
is refused; a request without a token (a script, a test client) is not guarded.
"""

import secrets
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hagen_zuhause.models import SubmittedForm

#: The name of the hidden field (``templates/includes/submit_token.html``).
FIELD = "submit_token"
#: How long a form may stay open before saving; saved tokens are kept as long, then removed.
MAX_AGE = timedelta(hours=24)
_SALT = "hagen_zuhause.submit_once"


class AlreadySaved(Exception):
    """The form was saved before; ``url`` is where that save led."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


def new_token(request):
    """A fresh token for a create form shown to ``request.user``."""
    return signing.dumps([request.user.pk, secrets.token_urlsafe(18)], salt=_SALT)


def posted_token(request):
    """The token the form was sent with ("" when none)."""
    return request.POST.get(FIELD, "")


def expired_error():
    return ValidationError(_("The form had expired. Please check the entries and save again."), code="expired")


def earlier(request, token):
    """The earlier end of this form (``result_url``, ``saved``), or None when it is still open."""
    if not token:
        return None
    return SubmittedForm.objects.filter(token=token, user=request.user).only("result_url", "saved").first()


def earlier_result(request, token):
    """Where the earlier save of this form led, or None when it has not been saved."""
    row = earlier(request, token)
    return row.result_url if row else None


def claim(request, token):
    """Consume ``token`` inside the caller's transaction, before the write it guards.

    Raises ``AlreadySaved`` when the form was saved before (a concurrent first submit is waited for),
    ``ValidationError`` when the token is forged or expired. An empty token guards nothing (None).
    """
    if not token:
        return None
    try:
        user_pk, _random = signing.loads(token, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise expired_error() from None
    if user_pk != request.user.pk:
        raise expired_error()
    try:
        with transaction.atomic():
            row = SubmittedForm.objects.create(token=token, user=request.user)
    except IntegrityError:
        raise AlreadySaved(SubmittedForm.objects.get(token=token).result_url) from None
    SubmittedForm.objects.filter(created_at__lt=timezone.now() - MAX_AGE).delete()
    return row


def record(row, url, *, saved=True):
    """Remember where a claimed form led (a path with ids only, never personal data).

    ``saved=False`` ends the form without a save of its own (the worker opened an existing record
    instead): a later submit of it saves nothing and can say so.
    """
    if row is not None:
        row.result_url = url
        row.saved = saved
        row.save(update_fields=["result_url", "saved"])
