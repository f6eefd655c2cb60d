"""Requests of data subjects. Erasure (Art. 17 GDPR): a team lead asks, a second team lead confirms or
refuses. Restriction of processing (Art. 18 GDPR): a team lead restricts and lifts it, with reasons.

The request page names the person while the request is pending (the deciding team lead must know whom
the erasure concerns; the view is logged); after the erasure only the case number is left.
"""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from cases.forms.clients import ErasureRequestForm, RestrictionForm
from cases.models import Client, ErasureRequest
from cases.services import erasure as services
from cases.services import restriction as restriction_services
from hagen_zuhause import four_eyes
from hagen_zuhause.audit import log_access
from hagen_zuhause.editing import edit_page
from hagen_zuhause.forms import ReasonForm
from hagen_zuhause.models import AccessLog


@permission_required(("cases.view_client", "cases.add_erasurerequest"), raise_exception=True)
def erasure_request_create(request, pk):
    """The team lead asks for the erasure of one client, with a reason."""
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)

    def context():
        log_access(request, AccessLog.Action.VIEW, client, detail="erasure request")
        return {"client": client}

    return edit_page(
        request,
        ErasureRequestForm(request.POST or None),
        save=lambda form: services.erasure_request(
            client=client, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        template="cases/erasure_request_form.html",
        context=context,
        success_url=lambda erasure: erasure,
        success_message=_("Erasure requested. It takes effect when a second team lead confirms it."),
        creating=True,
    )


class ErasureRequestListView(PermissionRequiredMixin, ListView):
    """The organisation's erasure requests: the pending ones to decide first, then the decided."""

    permission_required = "cases.view_erasurerequest"
    template_name = "cases/erasure_request_list.html"
    context_object_name = "decided"
    paginate_by = 50

    def get_queryset(self):
        requests = ErasureRequest.objects.visible_to(self.request.user).with_people()
        self.pending = list(requests.pending().order_by("requested_at", "id"))
        return requests.decided()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = self.pending
        return context


def _visible_request(request, pk):
    return get_object_or_404(ErasureRequest.objects.visible_to(request.user).with_people(), pk=pk)


@permission_required("cases.view_erasurerequest", raise_exception=True)
def erasure_request_detail(request, pk, refuse_form=None):
    erasure = _visible_request(request, pk)
    user = request.user
    log_access(request, AccessLog.Action.VIEW, erasure.client, detail="erasure request")
    context = {
        "erasure": erasure,
        "client": erasure.client,
        "may_decide": four_eyes.may_decide(user, erasure, "cases.decide_erasurerequest"),
        "may_withdraw": erasure.is_pending and user.pk == erasure.requested_by_id,
        "refuse_form": refuse_form or ReasonForm(),
    }
    return render(request, "cases/erasure_request_detail.html", context)


@require_POST
@permission_required("cases.decide_erasurerequest", raise_exception=True)
def erasure_request_confirm(request, pk):
    erasure = _visible_request(request, pk)
    return four_eyes.step(
        request,
        erasure,
        lambda: services.erasure_confirm(request=erasure, actor=request.user),
        _("Confirmed. The person's data have been anonymised, their history too."),
    )


@require_POST
@permission_required("cases.decide_erasurerequest", raise_exception=True)
def erasure_request_refuse(request, pk):
    erasure = _visible_request(request, pk)
    return four_eyes.refusal_step(
        request,
        erasure,
        ReasonForm(request.POST),
        lambda reason: services.erasure_refuse(request=erasure, actor=request.user, reason=reason),
        detail=erasure_request_detail,
    )


@require_POST
@permission_required("cases.add_erasurerequest", raise_exception=True)
def erasure_request_withdraw(request, pk):
    erasure = _visible_request(request, pk)
    return four_eyes.step(
        request,
        erasure,
        lambda: services.erasure_withdraw(request=erasure, actor=request.user),
        _("The request has been withdrawn."),
    )


def _restriction_page(request, pk, *, lifting):
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    service = restriction_services.processing_restriction_lift if lifting else restriction_services.processing_restrict

    def context():
        log_access(request, AccessLog.Action.VIEW, client, detail="restriction of processing")
        return {"client": client, "lifting": lifting}

    return edit_page(
        request,
        RestrictionForm(request.POST or None, lifting=lifting),
        save=lambda form: service(client=client, actor=request.user, reason=form.cleaned_data["reason"]),
        template="cases/processing_restriction_form.html",
        context=context,
        success_url=lambda _saved: client.get_absolute_url(),
        success_message=(
            _("The restriction has been lifted. The file can be changed again.")
            if lifting
            else _("The processing is restricted. The file can only be read now.")
        ),
    )


@permission_required(("cases.view_client", "cases.add_processingrestriction"), raise_exception=True)
def processing_restrict(request, pk):
    """The team lead restricts the processing of a client's data (Art. 18 GDPR), with a reason."""
    return _restriction_page(request, pk, lifting=False)


@permission_required(("cases.view_client", "cases.change_processingrestriction"), raise_exception=True)
def processing_restriction_lift(request, pk):
    """The team lead lifts the restriction, with a reason."""
    return _restriction_page(request, pk, lifting=True)
