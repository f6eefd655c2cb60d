"""Landlords, housing offers with their KdU check, matching, housing searches, the KdU table."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from cases.models import Client
from hagen_zuhause.audit import clients_in, log_access, log_list_view
from hagen_zuhause.editing import edit_page
from hagen_zuhause.functions import NameKey
from hagen_zuhause.models import AccessLog
from housing import kdu, matching
from housing.filters import LandlordFilterSet, OfferFilterSet
from housing.forms.offers import HousingSearchForm, LandlordForm, OfferForm, OfferWithdrawForm
from housing.models import (
    District,
    HousingOffer,
    HousingSearch,
    KduTable,
    Landlord,
    LandlordKind,
    OfferStatus,
    Placement,
)
from housing.services import offers as services

# --- Landlords -----------------------------------------------------------------------------


class LandlordListView(PermissionRequiredMixin, ListView):
    """All landlords of the organisation, filtered, in German alphabetical order."""

    permission_required = "housing.view_landlord"
    template_name = "housing/landlord_list.html"
    paginate_by = 50

    def get_queryset(self):
        landlords = Landlord.objects.visible_to(self.request.user).annotate(
            open_offers=Count("offers", filter=Q(offers__status__in=matching.OPEN_STATUSES))
        )
        self.filterset = LandlordFilterSet(self.request.GET or None, queryset=landlords)
        return self.filterset.qs.order_by(NameKey("name"), "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        return context


@permission_required("housing.add_landlord", raise_exception=True)
def landlord_create(request):
    if request.method == "POST":
        form = LandlordForm(request.POST)
    else:
        form = LandlordForm(initial={"kind": LandlordKind.PRIVATE})
    return edit_page(
        request,
        form,
        save=lambda form: services.landlord_create(
            organisation=request.user.organisation, actor=request.user, **form.values()
        ),
        template="housing/landlord_form.html",
        success_url=lambda landlord: landlord,
        success_message=_("The landlord was saved."),
        creating=True,
    )


@permission_required("housing.view_landlord", raise_exception=True)
def landlord_detail(request, pk):
    landlord = get_object_or_404(Landlord.objects.visible_to(request.user), pk=pk)
    if landlord.kind == LandlordKind.PRIVATE:
        # A private landlord is a person: viewing the record is logged like a client's.
        log_access(request, AccessLog.Action.VIEW, landlord)
    offers = (
        HousingOffer.objects.visible_to(request.user)
        .filter(landlord=landlord)
        .select_related("acquired_by")
        .order_by("-acquired_on", "-pk")
    )
    show_placements = request.user.has_perm("housing.view_placement")
    placements = (
        list(
            Placement.objects.visible_to(request.user)
            .filter(offer__landlord=landlord)
            .select_related("client", "offer")
            .order_by("-step_changed_on", "-pk")
        )
        if show_placements
        else []
    )
    _log_placements_shown(request, _("Landlord"), placements)
    return render(
        request,
        "housing/landlord_detail.html",
        {"landlord": landlord, "offers": offers, "placements": placements, "show_placements": show_placements},
    )


def _log_placements_shown(request, page, placements):
    """A landlord's or a flat's page lists the households of its placements by name: one access-log row."""
    if placements:
        log_list_view(request, page, shown=clients_in(placements), filters=[_("Placements")])


@permission_required("housing.change_landlord", raise_exception=True)
def landlord_edit(request, pk):
    landlord = get_object_or_404(Landlord.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        form = LandlordForm(request.POST, instance=Landlord.objects.get(pk=landlord.pk))
    else:
        form = LandlordForm(instance=landlord)
    return edit_page(
        request,
        form,
        save=lambda form: services.landlord_update(
            landlord=landlord, actor=request.user, version=form.cleaned_data["version"], **form.values()
        ),
        template="housing/landlord_form.html",
        context={"landlord": landlord},
        success_url=lambda _saved: landlord,
        success_message=_("The changes were saved."),
    )


# --- Offers --------------------------------------------------------------------------------


class OfferListView(PermissionRequiredMixin, ListView):
    """The flats on offer: filtered, newest first, with the household sizes the rent suits."""

    permission_required = "housing.view_housingoffer"
    template_name = "housing/offer_list.html"
    paginate_by = 25

    def get_queryset(self):
        offers = (
            HousingOffer.objects.visible_to(self.request.user)
            .with_gross_cold_rent()
            .select_related("landlord")
            .order_by("-acquired_on", "-pk")
        )
        self.filterset = OfferFilterSet(
            self.request.GET, queryset=offers, organisation=self.request.user.organisation_id
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = kdu.table_for(self.request.user.organisation_id, timezone.localdate())
        context["filter"] = self.filterset
        context["kdu_table"] = table
        context["rows"] = [
            (offer, matching.smallest_household_within_kdu(offer, table)) for offer in context["object_list"]
        ]
        context["max_kdu_size"] = matching.KDU_SIZES[-1]
        return context


@permission_required("housing.add_housingoffer", raise_exception=True)
def offer_create(request):
    if request.method == "POST":
        form = OfferForm(request.POST, user=request.user)
    else:
        form = OfferForm(user=request.user, initial=_initial_landlord(request))
    return edit_page(
        request,
        form,
        save=lambda form: services.offer_create(
            organisation=request.user.organisation, actor=request.user, **form.values()
        ),
        template="housing/offer_form.html",
        success_url=lambda offer: offer,
        success_message=_("The offer was saved."),
        creating=True,
    )


def _initial_landlord(request):
    """``?landlord=<id>`` from a landlord's page preselects it (an id, never personal data)."""
    landlord_id = request.GET.get("landlord", "")
    if landlord_id.isdigit() and Landlord.objects.visible_to(request.user).filter(pk=landlord_id).exists():
        return {"landlord": int(landlord_id)}
    return {}


@permission_required("housing.view_housingoffer", raise_exception=True)
def offer_detail(request, pk):
    offer = get_object_or_404(
        HousingOffer.objects.visible_to(request.user).select_related("landlord", "acquired_by"), pk=pk
    )
    table = kdu.table_for(offer.organisation_id, timezone.localdate())
    show_placements = request.user.has_perm("housing.view_placement")
    placements = (
        list(Placement.objects.visible_to(request.user).filter(offer=offer).select_related("client"))
        if show_placements
        else []
    )
    _log_placements_shown(request, _("Flat"), placements)
    return render(
        request,
        "housing/offer_detail.html",
        {
            "offer": offer,
            "kdu_table": table,
            "kdu_rows": matching.offer_kdu_rows(offer, table),
            "placements": placements,
            "show_placements": show_placements,
            "is_open": offer.status in matching.OPEN_STATUSES,
            "may_match": request.user.has_perms(["cases.view_client", "housing.view_housingsearch"]),
        },
    )


@permission_required("housing.change_housingoffer", raise_exception=True)
def offer_edit(request, pk):
    offer = get_object_or_404(HousingOffer.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        form = OfferForm(request.POST, instance=HousingOffer.objects.get(pk=offer.pk), user=request.user)
    else:
        form = OfferForm(instance=offer, user=request.user)
    return edit_page(
        request,
        form,
        save=lambda form: services.offer_update(
            offer=offer, actor=request.user, version=form.cleaned_data["version"], **form.values()
        ),
        template="housing/offer_form.html",
        context={"offer": offer},
        success_url=lambda _saved: offer,
        success_message=_("The changes were saved."),
    )


@require_POST
@permission_required("housing.change_housingoffer", raise_exception=True)
def offer_withdraw(request, pk):
    offer = get_object_or_404(HousingOffer.objects.visible_to(request.user), pk=pk)
    if offer.status == OfferStatus.WITHDRAWN:
        messages.info(request, _("The offer is already withdrawn."))
        return redirect(offer)
    if not OfferWithdrawForm(request.POST).is_valid():
        messages.error(request, _("Please confirm that the offer is to be withdrawn; nothing was changed."))
        return redirect(offer)
    try:
        services.offer_withdraw(offer=offer, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The offer was withdrawn; open placements on it were declined."))
    return redirect(offer)


# --- Matching and housing searches ---------------------------------------------------------

_MATCHING_PERMISSIONS = ["housing.view_housingoffer", "cases.view_client", "housing.view_housingsearch"]


@permission_required(_MATCHING_PERMISSIONS, raise_exception=True)
def offer_matches(request, pk):
    """Households that fit the flat, best first, with the reasons; people decide.

    One page of the ranking is drawn (``?page=``); ``?all=1`` lets the households that do not fit
    follow the fitting ones.
    """
    offer = get_object_or_404(HousingOffer.objects.visible_to(request.user).select_related("landlord"), pk=pk)
    show_all = request.GET.get("all") == "1"
    today = timezone.localdate()
    table = kdu.table_for(offer.organisation_id, today)
    is_open = offer.status in matching.OPEN_STATUSES
    context = {
        "offer": offer,
        "kdu_table": table,
        "is_open": is_open,
        "show_all": show_all,
        "may_propose": request.user.has_perm("housing.add_placement"),
    }
    if is_open:
        ranking = matching.match_page(
            offer, request.user, number=request.GET.get("page"), include_unfit=show_all, today=today, table=table
        )
        context.update(_ranking_context(ranking))
        log_list_view(
            request,
            _("Suitable households"),
            shown=len(ranking.suggestions),
            filters=[_("including households that do not fit") if show_all else ""],
            page_number=ranking.page.number,
        )
    return render(request, "housing/offer_matches.html", context)


def _ranking_context(ranking):
    return {
        "suggestions": ranking.suggestions,
        "fitting_count": ranking.fitting_count,
        "unfit_count": ranking.unfit_count,
        "has_unfit": ranking.has_unfit,
        "page_obj": ranking.page,
    }


@permission_required(_MATCHING_PERMISSIONS, raise_exception=True)
def client_offers(request, pk):
    """The open offers that fit a household, with the reasons; one page of the ranking at a time."""
    today = timezone.localdate()
    clients = Client.objects.visible_to(request.user).with_processing_restricted()
    client = get_object_or_404(matching.households(clients, today), pk=pk)
    log_access(request, AccessLog.Action.VIEW, client, detail=_("Suitable flats"))
    show_all = request.GET.get("all") == "1"
    table = kdu.table_for(client.organisation_id, today)
    household = matching.household_of(client)
    # Art. 18 GDPR: a person whose processing is restricted is not matched (nor proposed, nor suggested).
    restricted = client.processing_restricted
    context = {
        "client": client,
        "household": household,
        "district_names": District.objects.of_organisation(client.organisation_id).names(),
        "kdu_table": table,
        "show_all": show_all,
        "processing_restricted": restricted,
        "may_propose": request.user.has_perm("housing.add_placement"),
        "may_edit_search": not restricted
        and request.user.has_perms(["housing.add_housingsearch", "housing.change_housingsearch"]),
    }
    if not restricted:
        ranking = matching.offer_page(
            client,
            request.user,
            household=household,
            number=request.GET.get("page"),
            include_unfit=show_all,
            today=today,
            table=table,
        )
        context.update(_ranking_context(ranking))
    return render(request, "housing/client_offers.html", context)


@permission_required(
    ["cases.view_client", "housing.add_housingsearch", "housing.change_housingsearch"], raise_exception=True
)
def housing_search_edit(request, pk):
    """What the household looks for; created on the first save."""
    client = get_object_or_404(Client.objects.visible_to(request.user), pk=pk)
    search = HousingSearch.objects.visible_to(request.user).filter(client=client).first() or HousingSearch(
        client=client
    )
    if request.method == "POST":
        form = HousingSearchForm(request.POST, instance=search)
    else:
        log_access(request, AccessLog.Action.VIEW, client)
        form = HousingSearchForm(instance=search)
    return edit_page(
        request,
        form,
        save=lambda form: services.housing_search_save(
            client=client, actor=request.user, version=form.cleaned_data["version"], **form.values()
        ),
        template="housing/housing_search_form.html",
        context={"client": client, "search": search},
        success_url=lambda _saved: reverse("housing:client_offers", args=[client.pk]),
        success_message=_("The housing search was saved."),
    )


# --- KdU -----------------------------------------------------------------------------------


@permission_required("housing.view_kdutable", raise_exception=True)
def kdu_overview(request):
    """The KdU table valid today, and the earlier and later tables."""
    today = timezone.localdate()
    tables = list(KduTable.objects.visible_to(request.user).prefetch_related("limits").order_by("-valid_from"))
    valid = next(
        (t for t in tables if t.valid_from <= today and (t.valid_until is None or t.valid_until >= today)), None
    )
    return render(
        request,
        "housing/kdu_overview.html",
        {
            "valid_table": valid,
            "other_tables": [table for table in tables if table is not valid],
            "today": today,
            "may_maintain": request.user.is_staff and request.user.has_perm("housing.change_kdutable"),
        },
    )
