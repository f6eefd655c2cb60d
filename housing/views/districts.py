"""The organisation's list of districts, kept by Verwaltung (offers, housing searches and filters use it)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from housing.forms.districts import DistrictFormSet
from housing.models import District
from housing.services.districts import districts_save


@permission_required(["housing.add_district", "housing.change_district"], raise_exception=True)
def district_list(request):
    """Add, rename, reorder and remove districts in one form; a district still in use cannot be removed."""
    organisation = request.user.organisation
    districts = list(District.objects.of_organisation(organisation).order_by("position", "name"))
    initial = [{"district": d.pk, "name": d.name, "position": d.position} for d in districts]
    formset = DistrictFormSet(request.POST or None, initial=initial, prefix="districts")
    errors = []
    if request.method == "POST" and formset.is_valid():
        by_pk = {district.pk: district for district in districts}
        rows = [
            {
                "district": by_pk.get(form.cleaned_data["district"]) if form.cleaned_data.get("district") else None,
                "name": form.cleaned_data.get("name") or "",
                "position": form.cleaned_data.get("position"),
                "delete": form.cleaned_data.get("DELETE", False),
            }
            for form in formset
            if form.cleaned_data.get("district") or (form.cleaned_data.get("name") or "").strip()
        ]
        try:
            districts_save(organisation=organisation, actor=request.user, rows=rows)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The list of districts is saved."))
            return redirect("housing:districts")
    return render(request, "housing/district_list.html", {"formset": formset, "errors": errors})
