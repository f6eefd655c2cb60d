"""Reports: the quarterly report with its exports and drill-downs, finalised snapshots, the federal statistic.

Who may do what: every role with ``reports.view_reportsnapshot`` (social work, team lead) reads the
report and the lists behind its numbers; only ``reports.export_report`` (team lead) downloads PDF,
CSV, XLSX, JSON and the federal statistic, and only ``reports.finalise_report`` (team lead) freezes
a quarter. Figures count every record of the own organisation anonymously; the lists behind them
show only what ``visible_to(request.user)`` allows and say how many records they leave out.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import Client
from hagen_zuhause.audit import clients_in, log_access, log_list_view
from hagen_zuhause.models import AccessLog
from reports import drilldown, exports, federal, labels, land, pdf, snapshots, submissions
from reports.forms import FederalStatisticForm, FinaliseForm, StateQuarterForm, SubmitForm
from reports.models import ReportSnapshot
from reports.periods import Period
from reports.quarterly import QuarterlyReport, column_headers, has_ended, quarter_or_none, short_column_titles
from reports.records import spec_for

#: Quarters listed on the reports page: the running one and this many before it.
EARLIER_QUARTERS = 4
RECORDS_PER_PAGE = 50


def _period_or_404(year, quarter):
    period = quarter_or_none(year, quarter)
    if period is None:
        raise Http404
    return period


def _snapshot(request, period):
    snapshots_of_quarter = ReportSnapshot.objects.visible_to(request.user).of_quarter(period.year, period.quarter)
    return snapshots_of_quarter.select_related("organisation", "finalised_by").first()


def _attachment(content, content_type, name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@permission_required("reports.view_reportsnapshot", raise_exception=True)
@require_GET
def index(request):
    """The running and the last quarters, the finalised reports and (team lead) the federal statistic."""
    today = timezone.localdate()
    quarters = [Period.containing(today)]
    for _step in range(EARLIER_QUARTERS):
        quarters.append(quarters[-1].previous())
    finalised = list(
        ReportSnapshot.objects.visible_to(request.user).select_related("finalised_by").defer("pdf", "figures")
    )
    by_quarter = {(snapshot.year, snapshot.quarter): snapshot for snapshot in finalised}
    rows = [
        {
            "period": period,
            "snapshot": by_quarter.get((period.year, period.quarter)),
            "ended": has_ended(period, today),
        }
        for period in quarters
    ]
    context = {"rows": rows, "finalised": finalised}
    if request.user.has_perm("reports.export_report"):
        context["federal_form"] = FederalStatisticForm(initial={"date": federal.last_reference_date(today)})
    return render(request, "reports/index.html", context)


@permission_required("reports.view_reportsnapshot", raise_exception=True)
@require_GET
def quarterly(request, year, quarter):
    """The quarterly report: tables and charts, or with ``?format=pdf|csv|xlsx|json`` the export.

    A finalised quarter shows its frozen figures at once. A quarter computed from today's data shows
    the page first and loads the figures from :func:`quarterly_figures` (htmx), so that the page
    answers at once while the database counts; without JavaScript a link leads to them.
    """
    period = _period_or_404(year, quarter)
    file_format = request.GET.get("format")
    if file_format is not None:
        if file_format not in exports.FORMATS:
            raise Http404
        if not request.user.has_perm("reports.export_report"):
            raise PermissionDenied
    snapshot = _snapshot(request, period)
    if file_format is not None:
        report = _report(request, period, snapshot)
        return _export(request, report, file_format)
    report = QuarterlyReport.from_snapshot(snapshot) if snapshot else None
    return render(request, "reports/quarterly.html", _page_context(request, period, snapshot, report))


@permission_required("reports.view_reportsnapshot", raise_exception=True)
@require_GET
def quarterly_figures(request, year, quarter):
    """The figures of the quarterly report: the fragment the page loads, or (without JS) the whole page."""
    period = _period_or_404(year, quarter)
    snapshot = _snapshot(request, period)
    context = _page_context(request, period, snapshot, _report(request, period, snapshot))
    template = "reports/includes/quarterly_figures.html" if request.htmx else "reports/quarterly.html"
    return render(request, template, context)


def _report(request, period, snapshot):
    if snapshot is not None:
        return QuarterlyReport.from_snapshot(snapshot)
    return QuarterlyReport.fresh(request.user.organisation, period)


def _page_context(request, period, snapshot, report):
    """What the report page shows; ``report`` None: the figures are still to be loaded."""
    today = timezone.localdate()
    can_finalise = request.user.has_perm("reports.finalise_report") and snapshot is None and has_ended(period, today)
    previous_period = period.previous()
    latest_submission = None
    if snapshot is not None and request.user.has_perm("reports.view_reportsubmission"):
        latest_submission = submissions.submissions_of(request.user.organisation, period).first() or False
    return {
        "latest_submission": latest_submission,
        "can_submit": request.user.has_perm("reports.submit_report"),
        "report": report,
        "organisation": request.user.organisation,
        "period": period,
        "snapshot": snapshot,
        "tables": report.figure_tables() if report else None,
        "column_headers": column_headers(period),
        "short_titles": short_column_titles(period),
        "previous_period": previous_period,
        "next_period": quarter_or_none(*_next_quarter(period), today=today),
        "ended": has_ended(period, today),
        "can_export": request.user.has_perm("reports.export_report"),
        "finalise_form": FinaliseForm() if can_finalise else None,
        "formats": ["pdf", "xlsx", "csv", "json"],
    }


def _next_quarter(period):
    return (period.year + 1, 1) if period.quarter == 4 else (period.year, period.quarter + 1)


def _export(request, report, file_format):
    """The file of the report; a finalised quarter's PDF is the stored one, byte for byte."""
    content_type, extension = exports.FORMATS[file_format]
    if file_format == "pdf":
        content = bytes(report.snapshot.pdf) if report.is_final else pdf.quarterly_report_pdf(report)
    else:
        content = {"csv": exports.to_csv, "xlsx": exports.to_xlsx, "json": exports.to_json}[file_format](report)
    log_access(
        request,
        AccessLog.Action.EXPORT,
        detail=exports.export_detail(report.period, file_format),
        **exports.export_record(report),
    )
    return _attachment(content, content_type, exports.file_name(report.period, extension))


@permission_required("reports.view_reportsnapshot", raise_exception=True)
@require_GET
def records(request, year, quarter, figure):
    """The records behind one number (``?key=by_gender.female``), as far as the user may see them."""
    period = _period_or_404(year, quarter)
    key = request.GET.get("key", "total")
    try:
        counted = drilldown.records(request.user.organisation, period, figure, key)
    except drilldown.NoRecords:
        raise Http404 from None
    spec = spec_for(counted.model)
    visible = spec.visible(counted, request.user)
    page = Paginator(spec.prepared(visible), RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    total = counted.count()
    hidden = total - page.paginator.count
    figure_title = labels.figure_title(figure)
    label = labels.full_label(figure, key) if key != "total" else labels.label(figure, "total")
    if spec.names_clients:
        log_list_view(
            request,
            _("Records behind a report figure"),
            shown=clients_in(page.object_list, "pk" if spec.model is Client else "client_id"),
            filters=[f"{figure_title} – {label}", period.label],
            page_number=page.number,
        )
    context = {
        "period": period,
        "figure": figure,
        "key": key,
        "figure_title": figure_title,
        "label": label,
        "spec": spec,
        "page_obj": page,
        "rows": [spec.cells(record) for record in page.object_list],
        "total": total,
        "hidden": hidden,
        "is_final": _snapshot(request, period) is not None,
    }
    return render(request, "reports/records.html", context)


@permission_required("reports.finalise_report", raise_exception=True)
@require_POST
def finalise(request, year, quarter):
    """Freeze a quarter that has ended (POST only); a second finalisation is refused with a message."""
    period = _period_or_404(year, quarter)
    form = FinaliseForm(request.POST)
    if not form.is_valid():
        if "confirmed" in form.errors:
            messages.error(request, _("Please confirm that the quarter is to be finalised; nothing was finalised."))
        else:
            messages.error(request, _("The form could not be read; nothing was finalised."))
        return redirect("reports:quarterly", year=year, quarter=quarter)
    try:
        snapshots.finalise(
            organisation=request.user.organisation,
            period=period,
            actor=request.user,
            masked=form.cleaned_data["masked"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The %(quarter)s has been finalised. Its figures and its PDF are now frozen.")
            % {"quarter": period.label},
        )
    return redirect("reports:quarterly", year=year, quarter=quarter)


@permission_required("reports.view_reportsnapshot", raise_exception=True)
@require_GET
def snapshot(request, year, quarter):
    """What changed since the quarter was finalised: frozen value, today's value, difference."""
    period = _period_or_404(year, quarter)
    frozen = _snapshot(request, period)
    if frozen is None:
        raise Http404
    context = {
        "period": period,
        "snapshot": frozen,
        "differences": snapshots.differences_to_now(frozen),
    }
    return render(request, "reports/snapshot.html", context)


@permission_required("reports.view_reportsubmission", raise_exception=True)
@require_GET
def submission(request, year, quarter):
    """The quarter's submissions to the state: every version with its changes, and the next correction."""
    period = _period_or_404(year, quarter)
    frozen = _snapshot(request, period)
    if frozen is None:
        raise Http404
    organisation = request.user.organisation
    versions = submissions.history(organisation, period)
    latest = versions[0].submission if versions else None
    context = {
        "period": period,
        "snapshot": frozen,
        "versions": versions,
        "latest": latest,
        "correction": submissions.pending_correction(organisation, period, latest) if latest else None,
        "next_version": latest.version + 1 if latest else 1,
        "can_submit": request.user.has_perm("reports.submit_report"),
    }
    return render(request, "reports/submission.html", context)


@permission_required("reports.submit_report", raise_exception=True)
@require_POST
def submit(request, year, quarter):
    """Submit the finalised quarter (version 1) or a correction (a later version) to the state; POST only."""
    period = _period_or_404(year, quarter)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        if "confirmed" in form.errors and "version" not in form.errors:
            messages.error(request, form.errors["confirmed"][0])
            return redirect("reports:submission", year=year, quarter=quarter)
        messages.error(request, _("The form could not be read; nothing was submitted."))
        return redirect("reports:quarterly", year=year, quarter=quarter)
    try:
        submitted = submissions.submit(
            organisation=request.user.organisation,
            period=period,
            actor=request.user,
            version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if error.code == "not_finalised":
            return redirect("reports:quarterly", year=year, quarter=quarter)
    else:
        messages.success(
            request,
            _("Version %(version)s of the %(quarter)s has been submitted to the state.")
            % {"version": submitted.version, "quarter": period.label},
        )
    return redirect("reports:submission", year=year, quarter=quarter)


@permission_required("reports.export_report", raise_exception=True)
@require_GET
def federal_statistic(request):
    """The federal statistic (31 January) as CSV for ``?date=``; without a valid date, the form."""
    today = timezone.localdate()
    form = FederalStatisticForm(
        request.GET if "date" in request.GET else None, initial={"date": federal.last_reference_date(today)}
    )
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["date"]
        content = federal.to_csv(federal.rows(request.user.organisation, day))
        log_access(
            request,
            AccessLog.Action.EXPORT,
            object_type="reports.federal_statistic",
            object_id=day.isoformat(),
            detail=federal.export_detail(day),
        )
        return _attachment(content, "text/csv; charset=utf-8", federal.file_name(day))
    status = 400 if form.is_bound else 200
    return render(request, "reports/federal_statistic.html", {"form": form}, status=status)


@require_GET
@permission_required("reports.export_report", raise_exception=True)
def dashboard_panel(request):
    """The team lead's figures for the start page: a fragment for htmx, a page of its own without JS.

    Kept out of the start page's own request so that the start page stays within its query budget.
    """
    from reports.dashboard import team_lead_panel

    panel = team_lead_panel(request.user.organisation, timezone.localdate())
    template = "reports/includes/dashboard_panel.html" if request.htmx else "reports/dashboard_panel.html"
    return render(request, template, {"panel": panel})


#: The state's overview as files: CSV and XLSX.
STATE_FORMATS = {
    "csv": ("text/csv; charset=utf-8", land.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", land.to_xlsx),
    "pdf": ("application/pdf", land.to_pdf),
}


@permission_required("reports.view_state_overview", raise_exception=True)
@require_GET
def state_overview(request):
    """The state's overview (``/land/``): every municipality's submitted figures of a quarter and the total.

    Reads only submissions (``reports.land``); ``?format=csv|xlsx`` downloads the same table.
    """
    quarters = land.offered_quarters()
    form = StateQuarterForm(request.GET if "quarter" in request.GET else None, quarters=quarters)
    file_format = request.GET.get("format")
    if file_format is not None and file_format not in STATE_FORMATS:
        raise Http404
    if form.is_bound and not form.is_valid():
        return render(request, "reports/state_overview.html", {"form": form, "result": None}, status=400)
    period = form.cleaned_data["quarter"] if form.is_bound else quarters[0]
    result = land.overview(request.user, period)
    if file_format is not None:
        content_type, write = STATE_FORMATS[file_format]
        log_access(
            request,
            AccessLog.Action.EXPORT,
            object_type="reports.state_overview",
            object_id=f"{period.year}-{period.quarter}",
            detail=_("State overview %(quarter)s/%(year)s (%(format)s)")
            % {"quarter": period.quarter, "year": period.year, "format": file_format.upper()},
        )
        content = land.to_pdf(result, organisation=request.user.organisation) if file_format == "pdf" else write(result)
        return _attachment(content, content_type, land.file_name(period, file_format))
    if not form.is_bound:
        form = StateQuarterForm(initial={"quarter": f"{period.year}-{period.quarter}"}, quarters=quarters)
    context = {
        "form": form,
        "result": result,
        "columns": land.COLUMNS,
        "groups": [land.GROUP_LABELS[group] for group in land.GROUPS],
        "tables": land.figure_tables(result),
        "charts": land.charts(result) if result.rows else [],
        "query": f"quarter={period.year}-{period.quarter}",
    }
    return render(request, "reports/state_overview.html", context)
