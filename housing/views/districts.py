"""The organisation's list of districts, kept by Verwaltung (offers, housing searches and filters use it)."""

from django.contrib.auth.decorators import permission_required
from django.utils.translation import gettext as _

from hagen_zuhause.editing import edit_page
from housing.forms.districts import DistrictFormSet, DistrictListForm
from housing.models import District
from housing.services.districts import districts_save, districts_version


@permission_required(["housing.add_district", "housing.change_district"], raise_exception=True)
def district_list(request):
    """Add, rename, reorder and remove districts in one form; a district still in use cannot be removed.

    The form carries the version of the whole list: a save over a list someone else saved meanwhile is
    refused and changes nothing.
    """
    organisation = request.user.organisation
    districts = list(District.objects.of_organisation(organisation).order_by("position", "name"))
    initial = [{"district": d.pk, "name": d.name, "position": d.position} for d in districts]
    formset = DistrictFormSet(request.POST or None, initial=initial, prefix="districts")
    form = DistrictListForm(request.POST or None, initial={"version": districts_version(organisation)})

    def save(form):
        by_pk = {district.pk: district for district in districts}
        rows = [
            {
                "district": by_pk.get(row.cleaned_data["district"]) if row.cleaned_data.get("district") else None,
                "name": row.cleaned_data.get("name") or "",
                "position": row.cleaned_data.get("position"),
                "delete": row.cleaned_data.get("DELETE", False),
            }
            for row in formset
            if row.cleaned_data.get("district") or (row.cleaned_data.get("name") or "").strip()
        ]
        return districts_save(
            organisation=organisation, actor=request.user, rows=rows, version=form.cleaned_data["version"]
        )

    return edit_page(
        request,
        form,
        save=save,
        is_valid=lambda: all([form.is_valid(), formset.is_valid()]),
        template="housing/district_list.html",
        context={"formset": formset},
        success_url=lambda _districts: "housing:districts",
        success_message=_("The list of districts is saved."),
        creating=True,
    )
