"""Scheduled job: remove expired sessions (Django keeps them in the database until someone does)."""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hagen_zuhause.jobs import JobCommand


class Command(JobCommand):
    help = "Remove expired sessions from the database. A scheduled job (see job_status)."

    def run(self, **options):
        # Django's clearsessions does the same but does not say how many it removed.
        session_model = import_string(f"{settings.SESSION_ENGINE}.SessionStore").get_model_class()
        removed, _by_model = session_model.objects.filter(expire_date__lt=timezone.now()).delete()
        return _("expired sessions removed: %(count)d") % {"count": removed}
