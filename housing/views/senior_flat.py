"""The senior shared flat (Senioren-WG): places against the goal, residents, occupancy, waiting list.

Flats and places are created by Verwaltung or the team lead in Django's admin
(housing/admin/senior_flat.py); social workers record residents and keep the waiting list here.
"""

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hagen_zuhause.audit import clients_in, log_list_view
from hagen_zuhause.editing import edit_page
from hagen_zuhause.functions import NameKey
from housing.forms.senior_flat import MoveOutForm, ResidentAddForm, WaitingAddForm, WaitingRemoveForm
from housing.models import SeniorFlat, SeniorFlatPlace, SeniorFlatResidency, WaitingListEntry
from housing.occupancy import quarter_start, senior_flat_figures
from housing.services import senior_flat as services

#: Former residents stay in the overview's list this long after their move-out.
HISTORY_DAYS = 365


def _visible_places(user):
    return SeniorFlatPlace.objects.filter(flat__in=SeniorFlat.objects.visible_to(user).values("pk"))


def _messages_from(request, error):
    for message in error.messages:
        messages.error(request, message)


@permission_required("housing.view_seniorflatresidency", raise_exception=True)
def overview(request):
    """Every flat with its places today, the residents, the waiting list and the figures."""
    user, today = request.user, timezone.localdate()
    places_today = SeniorFlatPlace.objects.existing_on(today).order_by("label")
    flats = list(
        SeniorFlat.objects.visible_to(user)
        .select_related("landlord")
        .prefetch_related(Prefetch("places", queryset=places_today, to_attr="places_today"))
        .order_by(NameKey("name"), "pk")
    )
    residencies = list(
        SeniorFlatResidency.objects.visible_to(user)
        .filter(Q(move_out__isnull=True) | Q(move_out__gte=today - timedelta(days=HISTORY_DAYS)))
        .select_related("client", "place")
        .order_by("-move_in", "-pk")
    )
    # Occupied places count whoever lives there; a resident the user may not see stays anonymous.
    occupied_ids = set(
        SeniorFlatResidency.objects.all_of_organisation(user.organisation_id)
        .current(today)
        .values_list("place_id", flat=True)
    )
    current_by_place = {
        residency.place_id: residency
        for residency in residencies
        if residency.move_in <= today and (residency.move_out is None or residency.move_out >= today)
    }
    residents_by_flat = defaultdict(list)
    for residency in residencies:
        residents_by_flat[residency.place.flat_id].append(residency)
    waiting_by_flat = defaultdict(list)
    waiting = list(WaitingListEntry.objects.visible_to(user).waiting().select_related("client", "added_by"))
    for entry in waiting:
        waiting_by_flat[entry.flat_id].append(entry)
    sections = []
    for flat in flats:
        places = []
        for place in flat.places_today:
            resident = current_by_place.get(place.pk)
            occupied = place.pk in occupied_ids
            # A move-in can be recorded for a free place, or after a move-out already set.
            can_move_in = not occupied or (resident is not None and resident.move_out is not None)
            places.append({"place": place, "resident": resident, "occupied": occupied, "can_move_in": can_move_in})
        sections.append(
            {
                "flat": flat,
                "places": places,
                "residents": residents_by_flat[flat.pk],
                "waiting": waiting_by_flat[flat.pk],
            }
        )
    figures = senior_flat_figures(user.organisation_id, quarter_start(today), today)
    log_list_view(
        request,
        _("Senior shared flat"),
        shown=clients_in([*residencies, *waiting]),
        filters=[_("residents and waiting list")],
    )
    return render(
        request,
        "housing/senior_flat.html",
        {
            "sections": sections,
            "figures": figures,
            "today": today,
            # Moving in takes a person off the list by itself.
            "removal_reasons": [choice for choice in WaitingListEntry.RemovalReason.choices if choice[0] != "moved_in"],
            "can_add_resident": user.has_perm("housing.add_seniorflatresidency"),
            "can_move_out": user.has_perm("housing.change_seniorflatresidency"),
            "can_add_waiting": user.has_perm("housing.add_waitinglistentry"),
            "can_remove_waiting": user.has_perm("housing.change_waitinglistentry"),
        },
    )


@permission_required("housing.add_seniorflatresidency", raise_exception=True)
def resident_add(request, pk):
    """A person moves into a place (``pk`` is the place)."""
    place = get_object_or_404(_visible_places(request.user).select_related("flat"), pk=pk)

    def save(form):
        data = form.cleaned_data
        return services.resident_move_in(
            place=place,
            client=data["client"],
            move_in=data["move_in"],
            actor=request.user,
            close_case=data["close_case"],
        )

    return edit_page(
        request,
        ResidentAddForm(request.POST or None, user=request.user, flat=place.flat),
        save=save,
        template="housing/resident_add.html",
        context={"place": place, "flat": place.flat},
        success_url=lambda _residency: reverse("housing:senior_flat"),
        success_message=lambda residency: (
            _("%(name)s is recorded as a resident of %(place)s.")
            % {"name": residency.client.full_name, "place": place.label}
        ),
        creating=True,
    )


@require_POST
@permission_required("housing.change_seniorflatresidency", raise_exception=True)
def resident_move_out(request, pk):
    residency = get_object_or_404(SeniorFlatResidency.objects.visible_to(request.user).select_related("client"), pk=pk)
    form = MoveOutForm(request.POST)
    if not form.is_valid():
        if "move_out" in form.errors:
            messages.error(request, _("Please enter the move-out date."))
        else:
            messages.error(request, _("Please confirm the move-out; nothing has been recorded."))
        return redirect("housing:senior_flat")
    try:
        services.resident_move_out(residency=residency, move_out=form.cleaned_data["move_out"], actor=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("The move-out of %(name)s is recorded.") % {"name": residency.client.full_name})
    return redirect("housing:senior_flat")


@permission_required("housing.add_waitinglistentry", raise_exception=True)
def waiting_add(request, pk):
    """Put an eligible client on the waiting list of a flat (``pk`` is the flat)."""
    flat = get_object_or_404(SeniorFlat.objects.visible_to(request.user), pk=pk)
    return edit_page(
        request,
        WaitingAddForm(request.POST or None, user=request.user, flat=flat),
        save=lambda form: services.waiting_add(
            flat=flat, client=form.cleaned_data["client"], actor=request.user, note=form.cleaned_data["note"]
        ),
        template="housing/waiting_add.html",
        context={"flat": flat},
        success_url=lambda _entry: reverse("housing:senior_flat"),
        success_message=lambda entry: _("%(name)s is on the waiting list.") % {"name": entry.client.full_name},
        creating=True,
    )


@require_POST
@permission_required("housing.change_waitinglistentry", raise_exception=True)
def waiting_remove(request, pk):
    entry = get_object_or_404(WaitingListEntry.objects.visible_to(request.user).select_related("client"), pk=pk)
    form = WaitingRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a reason."))
        return redirect("housing:senior_flat")
    try:
        services.waiting_remove(entry=entry, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("%(name)s is no longer on the waiting list.") % {"name": entry.client.full_name})
    return redirect("housing:senior_flat")
