"""The streamed CSV export of all clients (team lead) and one client's own data (Art. 15/20 GDPR)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases import data_export, exports
from cases.models import Client
from hagen_zuhause.audit import log_access
from hagen_zuhause.models import AccessLog
from reports import pdf


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


@require_GET
@permission_required("cases.view_client", raise_exception=True)
def client_data_export(request, pk):
    """Everything stored about a client, as a readable PDF (``?format=pdf``) or as JSON; logged.

    For the person's access request (Art. 15 GDPR) and data portability (Art. 20): the team lead and the
    client's assigned workers only. With ``section=…`` (repeated) only those sections: a file extract
    (Aktenauszug) for a court or the Jobcenter.
    """
    file_format = request.GET.get("format", "pdf")
    chosen = request.GET.getlist("section")
    extract = bool(chosen) or request.GET.get("extract") == "1"
    keys = {key for key, _title in data_export.section_choices()}
    if file_format not in data_export.FORMATS or not set(chosen) <= keys:
        raise Http404
    client = get_object_or_404(Client.objects.visible_to(request.user).select_related("organisation"), pk=pk)
    if not data_export.may_export(request.user, client):
        raise PermissionDenied
    if extract and not chosen:
        messages.error(request, _("Please choose at least one part of the file for the extract."))
        return redirect(client)
    what = "Aktenauszug" if extract else "Datenauskunft (Art. 15 DSGVO)"
    # Logged first, so that the export itself is among the accesses it lists.
    log_access(request, AccessLog.Action.EXPORT, client, detail=f"{what}, {file_format.upper()}")
    created_at = timezone.now()
    sections = data_export.collect(client, set(chosen) if extract else None)
    content_type, extension = data_export.FORMATS[file_format]
    if file_format == "json":
        data = data_export.as_json(client, sections, created_at=created_at)
        content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    else:
        context = {
            "client": client,
            "organisation": client.organisation,
            "sections": sections,
            "created_at": created_at,
            "extract": extract,
        }
        content = pdf.html_to_pdf(render_to_string("cases/data_export_pdf.html", context))
    response = HttpResponse(content, content_type=content_type)
    name = "aktenauszug" if extract else "datenauskunft"
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{client.case_number}-{timezone.localdate(created_at):%Y-%m-%d}.{extension}"'
    )
    return response
