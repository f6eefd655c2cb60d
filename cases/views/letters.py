"""Letters: the team lead's letter templates, and writing a letter from the client page.

Templates are read by every case worker and kept by the team lead. A letter is written in two steps on
one page: choose a template, then the records it needs; the preview shows the filled-in text, and
"Create letter" saves the PDF as a document of the client. Every view reaches clients and records
through ``visible_to``: out of scope answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import ListView

from cases.forms.letters import LetterForm, LetterTemplateChoiceForm, LetterTemplateForm
from cases.letter_placeholders import PLACEHOLDERS
from cases.models import Client, LetterTemplate
from cases.services import letters as services
from hagen_zuhause import submit_once
from hagen_zuhause.audit import log_access
from hagen_zuhause.editing import add_service_error, edit_page
from hagen_zuhause.models import AccessLog

DOCUMENTS_ANCHOR = "#client-documents"


class LetterTemplateListView(PermissionRequiredMixin, ListView):
    """The organisation's letter templates, with their texts to read; the team lead may change them."""

    permission_required = "cases.view_lettertemplate"
    raise_exception = True
    template_name = "cases/letter_template_list.html"
    context_object_name = "templates"

    def get_queryset(self):
        return LetterTemplate.objects.visible_to(self.request.user).select_related("confirmed_by")


def _template_form_page(request, template):
    form = LetterTemplateForm(request.POST or None, instance=template)
    return edit_page(
        request,
        form,
        save=lambda form: services.letter_template_save(
            template=form.instance,
            actor=request.user,
            confirmed=form.cleaned_data["confirmed"],
            version=form.cleaned_data["version"],
        ),
        template="cases/letter_template_form.html",
        success_url=lambda saved: "cases:letter_template_list",
        success_message=_("The letter template has been saved."),
        context={"template": template, "placeholders": PLACEHOLDERS.items()},
        creating=template.pk is None,
    )


@permission_required("cases.add_lettertemplate", raise_exception=True)
@require_http_methods(["GET", "POST"])
def letter_template_create(request):
    return _template_form_page(request, LetterTemplate(organisation_id=request.user.organisation_id))


@permission_required("cases.change_lettertemplate", raise_exception=True)
@require_http_methods(["GET", "POST"])
def letter_template_edit(request, pk):
    template = get_object_or_404(LetterTemplate.objects.visible_to(request.user), pk=pk)
    return _template_form_page(request, template)


@permission_required("cases.add_letter", raise_exception=True)
@require_http_methods(["GET", "POST"])
def letter_create(request, pk):
    """Write a letter for a client: choose a template (GET), then preview and create it (POST).

    The preview shows personal data and counts as a view of the client; creating the PDF is logged as
    an export. The button that creates the letter appears with the preview.
    """
    client = get_object_or_404(
        Client.objects.visible_to(request.user).not_anonymised().select_related("organisation"), pk=pk
    )
    templates = LetterTemplate.objects.visible_to(request.user).active()
    chooser = LetterTemplateChoiceForm(
        request.POST if request.method == "POST" else (request.GET or None), templates=templates
    )
    template = chooser.cleaned_data["template"] if chooser.is_bound and chooser.is_valid() else None
    form, preview = None, None
    if template is not None:
        form = LetterForm(request.POST or None, client=client, user=request.user, template=template)
    if request.method == "POST" and form is not None and form.is_valid():
        language = form.cleaned_data.get("language", "")
        try:
            if "create" in request.POST:
                documents = client.get_absolute_url() + DOCUMENTS_ANCHOR
                with transaction.atomic():
                    claimed = submit_once.claim(request, submit_once.posted_token(request))
                    letter = services.letter_create(
                        template=template, client=client, actor=request.user, choices=form.choices(), language=language
                    )
                    submit_once.record(claimed, documents)
                log_access(request, AccessLog.Action.EXPORT, client, detail=f"Schreiben, Dokument {letter.document_id}")
                messages.success(request, _("The letter has been created and saved in the documents of the client."))
                return redirect(documents)
            preview = services.letter_compose(
                template=template, client=client, worker=request.user, choices=form.choices(), language=language
            )
        except submit_once.AlreadySaved as done:
            messages.info(request, _("This letter has already been created; no second document was saved."))
            return redirect(done.url)
        except ValidationError as error:
            add_service_error(form, error)
    log_access(request, AccessLog.Action.VIEW, client)
    context = {
        "client": client,
        "chooser": chooser,
        "template": template,
        "form": form,
        "preview": preview,
        "today": timezone.localdate(),
        submit_once.FIELD: submit_once.new_token(request),
    }
    return render(request, "cases/letter_form.html", context)
