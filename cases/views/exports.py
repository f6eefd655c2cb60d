"""The streamed CSV export of all clients (team lead)."""

from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import exports
from hagen_zuhause.audit import log_access
from hagen_zuhause.models import AccessLog


@require_GET
@permission_required(["reports.export_report", "cases.view_client"], raise_exception=True)
def client_export(request):
    """All clients the user may see as CSV; pseudonymised unless ``?names=1``; logged."""
    with_names = request.GET.get("names") == "1"
    detail = "Klient*innen-Liste (CSV, mit Namen)" if with_names else "Klient*innen-Liste (CSV, pseudonymisiert)"
    log_access(request, AccessLog.Action.EXPORT, object_type="cases.client", detail=detail)
    response = StreamingHttpResponse(exports.rows(request.user, with_names=with_names), content_type="text/csv")
    filename = f"klientinnen-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
