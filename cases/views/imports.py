"""The team lead's web import: upload a CSV file, look at the preview, confirm (DESIGN §5 format).

The uploaded file waits in private storage under a random token that only this user's session
knows; the preview is computed afresh whenever the page is shown, and the confirmation imports
exactly that file once (the token is consumed). Imports are not exports: no access-log entry.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import imports
from cases.forms.imports import ImportConfirmForm, ImportUploadForm

PENDING_KEY = "import_pending"
RESULT_KEY = "import_result"
#: The summary page lists at most this many bad rows (the preview lists every one).
RESULT_PROBLEMS_SHOWN = 500


def _require_organisation(request):
    # Platform superusers hold every permission but belong to no organisation: nothing to import into.
    if request.user.organisation_id is None:
        raise PermissionDenied


def _pending(request):
    """The upload waiting in this session for confirmation, or None."""
    pending = request.session.get(PENDING_KEY)
    if not pending or pending.get("user") != request.user.pk:
        return None
    return pending


def _drop_pending(request, *, delete_file=True):
    pending = request.session.pop(PENDING_KEY, None)
    if pending and delete_file:
        imports.pending_discard(pending.get("token", ""))


@permission_required("cases.import_data", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload form; after an upload the preview of that file (also when the page is opened again,
    until it is imported or discarded); after an import its summary."""
    _require_organisation(request)
    if request.method == "POST":
        if "discard" in request.POST:
            _drop_pending(request)
            messages.info(request, _("The uploaded file was discarded. Nothing was imported."))
            return redirect("cases:import_upload")
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            _drop_pending(request)
            data = form.file_data()
            pending = {
                "token": imports.pending_store(data),
                "digest": imports.digest(data),
                "kind": form.cleaned_data["kind"],
                "name": form.cleaned_data["file"].name[:120],
                "user": request.user.pk,
            }
            request.session[PENDING_KEY] = pending
            # Nothing is imported yet: the preview is the answer (a reload uploads the file again).
            return _preview(request, pending, data)
        return render(request, "cases/import_upload.html", {"form": form})

    pending = _pending(request)
    if pending:
        try:
            data = imports.pending_read(pending["token"])
        except FileNotFoundError:
            _drop_pending(request, delete_file=False)
        else:
            return _preview(request, pending, data)
    result = request.session.pop(RESULT_KEY, None)
    return render(request, "cases/import_upload.html", {"form": ImportUploadForm(), "result": result})


def _preview(request, pending, data):
    kind = imports.Kind(pending["kind"])
    report = imports.validate(kind, organisation=request.user.organisation, data=data)
    form = ImportConfirmForm(
        initial={"token": pending["token"]}, kind=kind, show_skip_invalid=bool(report.problems) and not report.fatal
    )
    context = {"report": report, "kind": kind, "file_name": pending["name"], "form": form}
    return render(request, "cases/import_preview.html", context)


@permission_required("cases.import_data", raise_exception=True)
@require_POST
def import_confirm(request):
    """Import the previewed file once; a second confirmation of the same token does nothing."""
    _require_organisation(request)
    pending = _pending(request)
    kind = imports.Kind(pending["kind"]) if pending else imports.Kind.CLIENTS
    form = ImportConfirmForm(request.POST, kind=kind, show_skip_invalid=True)
    if not pending or not form.is_valid() or form.cleaned_data["token"] != pending["token"]:
        messages.warning(request, _("This import has already been carried out or is no longer available."))
        return redirect("cases:import_upload")

    skip_invalid = form.cleaned_data["skip_invalid"]
    assign_to = [request.user] if form.cleaned_data.get("assign_to_me") else []
    report = imports.pending_import(
        kind,
        token=pending["token"],
        organisation=request.user.organisation,
        actor=request.user,
        expected_digest=pending["digest"],
        assign_to=assign_to,
        skip_invalid=skip_invalid,
    )
    if report is None:
        _drop_pending(request, delete_file=False)
        messages.warning(request, _("This import has already been carried out or is no longer available."))
        return redirect("cases:import_upload")
    if not report.applied:
        advice = "" if report.fatal else " " + _("Correct the file, or choose to skip the invalid rows.")
        messages.error(request, report.summary() + advice)
        return redirect("cases:import_upload")

    _drop_pending(request, delete_file=False)
    request.session[RESULT_KEY] = {
        "kind": str(kind.label),
        "summary": report.summary(),
        "created": report.created,
        "existing": report.existing,
        "invalid": report.invalid,
        "problems": [
            {"line": problem.line, "column": problem.column, "message": problem.message}
            for problem in report.problems[:RESULT_PROBLEMS_SHOWN]
        ],
        "more_problems": max(0, len(report.problems) - RESULT_PROBLEMS_SHOWN),
    }
    return redirect("cases:import_upload")
