"""Referrals to partner services and documents of a client.

Every view reaches its records through ``visible_to(request.user)``: a client or document the
user may not see answers 404; a role without the permission answers 403 first.
"""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.forms.referrals import DocumentForm, ReferralForm, ReferralOutcomeForm
from cases.models import Client, Document, Referral
from cases.services import documents as document_services
from cases.services import referrals as referral_services
from hagen_zuhause.audit import log_access
from hagen_zuhause.editing import edit_page
from hagen_zuhause.models import AccessLog
from hagen_zuhause.uploads import download_response

REFERRALS_ANCHOR = "#client-referrals"
DOCUMENTS_ANCHOR = "#client-documents"


def _client_for_writing(request, pk):
    """A client the user may see and add records to (anonymised records take no new data)."""
    return get_object_or_404(Client.objects.visible_to(request.user).not_anonymised(), pk=pk)


@permission_required("cases.add_referral", raise_exception=True)
@require_http_methods(["GET", "POST"])
def referral_create(request, pk):
    """Refer a client to a partner; the form finds the valid consent or asks for a written reason.

    A POST with ``check`` only re-checks the consent for the chosen partner and date (the button
    for browsers without JavaScript; htmx sends the same and receives only the consent box).
    """
    client = _client_for_writing(request, pk)
    checking = request.method == "POST" and "check" in request.POST
    if checking:
        form = ReferralForm(initial=request.POST.dict(), client=client, user=request.user)
        if request.htmx:
            return render(request, "cases/referral_consent_status.html", {"form": form, "client": client})
    elif request.method == "POST":
        form = ReferralForm(request.POST, client=client, user=request.user)
    else:
        form = ReferralForm(client=client, user=request.user)
        log_access(request, AccessLog.Action.VIEW, client)
    return edit_page(
        request,
        form,
        save=lambda form: referral_services.referral_create(client=client, actor=request.user, **form.cleaned_data),
        template="cases/referral_form.html",
        context={"client": client},
        success_url=lambda _referral: client.get_absolute_url() + REFERRALS_ANCHOR,
        success_message=_referral_saved_message,
        creating=True,
        is_valid=(lambda: False) if checking else None,
    )


def _referral_saved_message(referral):
    if referral.consent_id:
        return _("The referral has been saved with the client's consent.")
    return _("The referral has been saved WITHOUT a valid consent. Your reason has been recorded.")


@permission_required("cases.change_referral", raise_exception=True)
@require_http_methods(["GET", "POST"])
def referral_outcome(request, pk):
    """Record what became of a referral (GET shows the form, POST saves it)."""
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related("client", "partner", "consent"), pk=pk
    )
    client = referral.client
    current_outcome = referral.get_outcome_display()
    current_outcome_on = referral.outcome_on
    if request.method == "POST":
        form = ReferralOutcomeForm(request.POST, instance=referral)
    else:
        form = ReferralOutcomeForm(instance=referral)
        log_access(request, AccessLog.Action.VIEW, client)
    return edit_page(
        request,
        form,
        save=lambda form: referral_services.referral_set_outcome(
            referral=referral,
            outcome=form.cleaned_data["outcome"],
            outcome_on=form.cleaned_data["outcome_on"],
            expected_outcome=form.cleaned_data["expected_outcome"],
            actor=request.user,
        ),
        template="cases/referral_outcome.html",
        context={
            "referral": referral,
            "client": client,
            "current_outcome": current_outcome,
            "current_outcome_on": current_outcome_on,
        },
        success_url=lambda _referral: client.get_absolute_url() + REFERRALS_ANCHOR,
        success_message=_("The outcome of the referral has been saved."),
    )


@permission_required("cases.add_document", raise_exception=True)
@require_http_methods(["GET", "POST"])
def document_upload(request, pk):
    """Upload a PDF, JPEG or PNG to a client; the type is checked by content, not by name."""
    client = _client_for_writing(request, pk)
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
    else:
        form = DocumentForm()
        log_access(request, AccessLog.Action.VIEW, client)
    return edit_page(
        request,
        form,
        save=lambda form: document_services.document_upload(
            client=client,
            uploaded_file=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            actor=request.user,
        ),
        template="cases/document_upload.html",
        context={"client": client},
        success_url=lambda _document: client.get_absolute_url() + DOCUMENTS_ANCHOR,
        success_message=_("The document has been uploaded."),
        creating=True,
        error_field="file",
    )


@permission_required("cases.view_document", raise_exception=True)
@require_GET
def document_download(request, pk):
    """Send a document as an attachment, never inline; every download is logged."""
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    return download_response(request, document)
