"""Cooperation pages: the help network (Hilfenetz) of partners, cooperation agreements with their
documents, group offers.

Order of checks everywhere: a role without the permission answers 403; then the record is looked
up through ``visible_to(request.user)``, so another organisation's record answers 404. Writes call
one service in ``cooperation.services`` and redirect (PRG).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import ListView

from cases.models import Referral
from cooperation import quota, services
from cooperation.filters import EU2_LANGUAGES, AgreementFilterSet, GroupOfferFilterSet, PartnerFilterSet
from cooperation.forms import AgreementDocumentForm, AgreementForm, GroupOfferForm, PartnerForm
from cooperation.models import Agreement, AgreementDocument, AgreementStatus, GroupOffer, Partner
from hagen_zuhause.audit import log_list_view, search_description
from hagen_zuhause.codes import TargetGroup
from hagen_zuhause.editing import edit_page
from hagen_zuhause.functions import NameKey
from hagen_zuhause.uploads import download_response
from housing.models import Landlord


def _name_order(field="name"):
    """Alphabetical in German order (Ä next to A), as every list of names: the one sort key, NameKey."""
    return [NameKey(field), "pk"]


# --- Partners (Hilfenetz) ---------------------------------------------------------------------


def _quick_filters(request):
    """One-click questions to the help network, first of all the EU-2 one of the project's mandate."""
    choices = [
        (
            _("EU-2: speaks Bulgarian, Romanian or Romani"),
            [("target_group", TargetGroup.EU2.value), *(("language", code) for code in EU2_LANGUAGES)],
        ),
        (_("Older homeless people"), [("target_group", TargetGroup.SENIORS.value)]),
        (_("Mentally ill people"), [("target_group", TargetGroup.MENTAL_HEALTH.value)]),
        (_("Homeless women"), [("target_group", TargetGroup.WOMEN.value)]),
    ]
    current = sorted((key, value) for key in request.GET for value in request.GET.getlist(key) if value)
    current = [(key, value) for key, value in current if key != "page"]
    return [
        {"label": label, "query": "?" + urlencode(params), "active": sorted(params) == current}
        for label, params in choices
    ]


class PartnerListView(PermissionRequiredMixin, ListView):
    """The help network: partners by service, target group served and language spoken."""

    permission_required = "cooperation.view_partner"
    template_name = "cooperation/partner_list.html"
    context_object_name = "partners"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = PartnerFilterSet(self.request.GET, queryset=Partner.objects.visible_to(self.request.user))
        return self.filterset.qs.order_by(*_name_order())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["quick_filters"] = _quick_filters(self.request)
        return context


def _partner_form_page(request, form, partner=None):
    def save(form):
        data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        if partner is None:
            return services.partner_create(organisation=request.user.organisation, actor=request.user, **data)
        return services.partner_update(
            partner=partner, actor=request.user, version=form.cleaned_data["version"], **data
        )

    return edit_page(
        request,
        form,
        save=save,
        template="cooperation/partner_form.html",
        context={"partner": partner},
        success_url=lambda saved: reverse("cooperation:partner_detail", args=[saved.pk]),
        success_message=_("The partner has been saved."),
        creating=partner is None,
    )


@permission_required("cooperation.add_partner", raise_exception=True)
@require_http_methods(["GET", "POST"])
def partner_create(request):
    form = PartnerForm(request.POST or None, user=request.user, organisation=request.user.organisation)
    return _partner_form_page(request, form)


@permission_required("cooperation.change_partner", raise_exception=True)
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk):
    partner = get_object_or_404(Partner.objects.visible_to(request.user), pk=pk)
    form = PartnerForm(request.POST or None, instance=partner, user=request.user, organisation=partner.organisation)
    return _partner_form_page(request, form, partner)


@permission_required("cooperation.view_partner", raise_exception=True)
@require_GET
def partner_detail(request, pk):
    """A partner: contacts, services, languages, linked landlords, agreements, referrals this year."""
    user = request.user
    partner = get_object_or_404(Partner.objects.visible_to(user), pk=pk)
    today = timezone.localdate()
    landlords = Landlord.objects.visible_to(user).filter(partners=partner).order_by(*_name_order())
    context = {"partner": partner, "landlords": landlords, "year": today.year}
    if user.has_perm("cooperation.view_agreement"):
        context["agreements"] = Agreement.objects.visible_to(user).filter(partner=partner).order_by(*_agreement_order())
    if user.has_perm("cases.view_client"):
        # A figure, not a list: referrals of the whole organisation, restricted clients included.
        context["referrals_this_year"] = (
            Referral.objects.all_of_organisation(partner.organisation_id)
            .filter(partner=partner, referred_on__year=today.year)
            .count()
        )
    return render(request, "cooperation/partner_detail.html", context)


# --- Agreements -------------------------------------------------------------------------------


def _agreement_order():
    """In force first, then in negotiation, then the ended ones; alphabetical within."""
    status_rank = Case(
        When(status=AgreementStatus.SIGNED, then=Value(0)),
        When(status=AgreementStatus.NEGOTIATING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return [status_rank, NameKey("subject"), "pk"]


class AgreementListView(PermissionRequiredMixin, ListView):
    """Cooperation agreements with status, term, review date and this year's flats against the quota."""

    permission_required = "cooperation.view_agreement"
    template_name = "cooperation/agreement_list.html"
    context_object_name = "agreements"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        self.year = timezone.localdate().year
        agreements = Agreement.objects.visible_to(user).select_related("partner")
        self.filterset = AgreementFilterSet(self.request.GET or None, queryset=agreements, user=user)
        return quota.with_flats_in_year(self.filterset.qs, self.year).order_by(*_agreement_order())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["year"] = self.year
        context["today"] = timezone.localdate()
        return context


def _visible_agreement(request, pk):
    return get_object_or_404(Agreement.objects.visible_to(request.user).select_related("partner"), pk=pk)


def _review_message(request, agreement):
    task = services.open_review_task(agreement)
    if task is not None:
        messages.info(
            request,
            _("A task to review the agreement is due on %(date)s for %(person)s.")
            % {"date": date_format(task.due_on, "d.m.Y"), "person": task.assignee},
        )


def _agreement_form_page(request, form, agreement=None):
    def save(form):
        fields = form.service_fields()
        if agreement is None:
            return services.agreement_create(organisation=request.user.organisation, actor=request.user, **fields)
        return services.agreement_update(
            agreement=agreement, actor=request.user, version=form.cleaned_data["version"], **fields
        )

    return edit_page(
        request,
        form,
        save=save,
        template="cooperation/agreement_form.html",
        context={"agreement": agreement},
        success_url=lambda saved: reverse("cooperation:agreement_detail", args=[saved.pk]),
        success_message=_("The agreement has been saved."),
        after_save=lambda saved: _review_message(request, saved),
        creating=agreement is None,
    )


@permission_required("cooperation.add_agreement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    initial = {}
    partner_id = request.GET.get("partner", "")
    if partner_id.isdigit():
        initial["partner"] = int(partner_id)
    form = AgreementForm(
        request.POST or None, initial=initial, user=request.user, organisation=request.user.organisation
    )
    return _agreement_form_page(request, form)


@permission_required("cooperation.change_agreement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    agreement = _visible_agreement(request, pk)
    form = AgreementForm(
        request.POST or None, instance=agreement, user=request.user, organisation=agreement.organisation
    )
    return _agreement_form_page(request, form, agreement)


@permission_required("cooperation.view_agreement", raise_exception=True)
@require_GET
def agreement_detail(request, pk):
    """An agreement with its term, commitments and their fulfilment per year, review task, documents."""
    agreement = _visible_agreement(request, pk)
    may_see_documents = request.user.has_perm("cooperation.view_agreementdocument")
    context = {
        "agreement": agreement,
        "fulfilment": quota.fulfilment_by_year(agreement),
        "counts_flats": quota.counts_flats(agreement),
        "partner_has_landlords": agreement.partner.landlords.exists(),
        "review_task": services.open_review_task(agreement) if agreement.review_on else None,
        "may_see_documents": may_see_documents,
        "documents": agreement.documents.select_related("uploaded_by") if may_see_documents else [],
        "today": timezone.localdate(),
    }
    return render(request, "cooperation/agreement_detail.html", context)


@permission_required("cooperation.add_agreementdocument", raise_exception=True)
@require_http_methods(["GET", "POST"])
def agreement_document_upload(request, pk):
    """Upload the signed agreement or an annex; the type is checked by content, not by name."""
    agreement = _visible_agreement(request, pk)

    return edit_page(
        request,
        AgreementDocumentForm(request.POST or None, request.FILES or None),
        save=lambda form: services.agreement_document_upload(
            agreement=agreement,
            uploaded_file=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
            actor=request.user,
        ),
        template="cooperation/agreement_document_upload.html",
        context={"agreement": agreement},
        success_url=lambda _document: (
            reverse("cooperation:agreement_detail", args=[agreement.pk]) + "#agreement-documents"
        ),
        success_message=_("The document has been uploaded."),
        creating=True,
        error_field="file",
    )


@permission_required("cooperation.view_agreementdocument", raise_exception=True)
@require_GET
def agreement_document_download(request, pk):
    """Send a document as an attachment, never inline; every download is logged."""
    visible_agreements = Agreement.objects.visible_to(request.user).values("pk")
    document = get_object_or_404(AgreementDocument.objects.filter(agreement__in=visible_agreements), pk=pk)
    return download_response(request, document)


# --- Group offers -----------------------------------------------------------------------------


def _with_participants(group_offers):
    """Annotate ``linked`` (linked clients) and ``participants_total`` (linked, else the number recorded)."""
    through = GroupOffer.participants.through
    linked = (
        through.objects.filter(groupoffer=OuterRef("pk"))
        .order_by()
        .values("groupoffer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return group_offers.annotate(linked=Coalesce(Subquery(linked, output_field=IntegerField()), 0)).annotate(
        participants_total=Case(
            When(linked__gt=0, then="linked"),
            default=Coalesce("participant_count", 0),
            output_field=IntegerField(),
        )
    )


class GroupOfferListView(PermissionRequiredMixin, ListView):
    """Group offers by target group and period, with the number of events and participants."""

    permission_required = "cooperation.view_groupoffer"
    template_name = "cooperation/group_offer_list.html"
    context_object_name = "group_offers"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        group_offers = _with_participants(GroupOffer.objects.visible_to(user).select_related("partner"))
        self.filterset = GroupOfferFilterSet(self.request.GET or None, queryset=group_offers, user=user)
        return self.filterset.qs.order_by("-date", *_name_order("title"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["totals"] = self.filterset.qs.order_by().aggregate(
            events=Count("pk"), participants=Coalesce(Sum("participants_total"), 0)
        )
        return context


def _group_offer_form(request, group_offer):
    """The form bound to a save; a participant search re-shows the form with what was typed, unsaved."""
    organisation = group_offer.organisation if group_offer.pk else request.user.organisation
    kwargs = {"user": request.user, "organisation": organisation}
    if group_offer.pk:
        kwargs["instance"] = group_offer
    if request.method == "POST" and "search" in request.POST:
        initial = request.POST.dict()
        initial["participants"] = request.POST.getlist("participants")
        return GroupOfferForm(initial=initial, **kwargs), True
    return GroupOfferForm(request.POST or None, **kwargs), False


def _group_offer_form_page(request, group_offer):
    form, searching = _group_offer_form(request, group_offer)

    def save(form):
        fields = form.service_fields()
        if group_offer.pk:
            return services.group_offer_update(
                group_offer=group_offer, actor=request.user, version=form.cleaned_data["version"], **fields
            )
        return services.group_offer_create(organisation=request.user.organisation, actor=request.user, **fields)

    def context():
        shown = form.chosen_count + len(form.found)
        if shown:
            # The participant list names clients (those linked and those found): one access-log row.
            searched = [search_description(form.search_text)] if form.searched else []
            log_list_view(request, _("Group offer participants"), shown=shown, filters=searched)
        return {"group_offer": group_offer if group_offer.pk else None}

    return edit_page(
        request,
        form,
        save=save,
        template="cooperation/group_offer_form.html",
        context=context,
        success_url=lambda _saved: reverse("cooperation:group_offer_list"),
        success_message=_("The group offer has been saved."),
        creating=group_offer.pk is None,
        is_valid=(lambda: False) if searching else None,
    )


@permission_required("cooperation.add_groupoffer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def group_offer_create(request):
    return _group_offer_form_page(request, GroupOffer())


@permission_required("cooperation.change_groupoffer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def group_offer_edit(request, pk):
    group_offer = get_object_or_404(GroupOffer.objects.visible_to(request.user).select_related("partner"), pk=pk)
    return _group_offer_form_page(request, group_offer)
