"""Scheduled job: remove django-axes' records of logins and failed logins after a while.

They hold user names and addresses; the lock they serve lasts minutes, the records are kept for
``LOGIN_ATTEMPTS_KEPT_DAYS`` (90 by default) to answer questions about past attacks.
"""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hagen_zuhause.jobs import JobCommand


class Command(JobCommand):
    help = "Remove login attempts and login records older than DJANGO_LOGIN_ATTEMPTS_KEPT_DAYS. A scheduled job."

    def run(self, **options):
        days = settings.LOGIN_ATTEMPTS_KEPT_DAYS
        before = timezone.now() - timedelta(days=days)
        removed = sum(
            model.objects.filter(attempt_time__lt=before).delete()[1].get(model._meta.label, 0)
            for model in (AccessAttempt, AccessFailureLog, AccessLog)
        )
        return _("login records older than %(days)d days removed: %(count)d") % {"count": removed, "days": days}
