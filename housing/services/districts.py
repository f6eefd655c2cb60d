"""Writes of the organisation's list of districts (Stadtbezirke, Ortsteile), kept by Verwaltung.

Offers and housing searches store a district's ``code``: renaming a district renames it everywhere, and a
district that an offer or a housing search still names cannot be removed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hagen_zuhause.locking import check_version, fingerprint
from hagen_zuhause.models import Organisation
from housing.models import District, HousingOffer, HousingSearch


def district_code(name):
    """A stable code from a name: "Eilpe/Dahl" → "eilpe-dahl" (at most 15 characters)."""
    return slugify(name.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue"))[:15].strip("-")


def district_in_use(district):
    """Whether an offer or a housing search of the organisation names the district."""
    offers = HousingOffer.objects.all_of_organisation(district.organisation_id).filter(district=district.code)
    searches = HousingSearch.objects.all_of_organisation(district.organisation_id).filter(
        districts__contains=[district.code]
    )
    return offers.exists() or searches.exists()


def districts_version(organisation):
    """The version of the organisation's whole list: a fingerprint of its rows, sent with the list's form."""
    rows = District.objects.of_organisation(organisation).order_by("pk").values_list("pk", "code", "name", "position")
    return fingerprint(rows)


@transaction.atomic
def districts_save(*, organisation, actor, rows, version=""):
    """Save the organisation's list: ``rows`` are ``{"district": District|None, "name", "position", "delete"}``.

    New rows get a code from their name; a renamed district keeps its code. Removing a district still in
    use is refused with a German message and nothing is changed; so is a save over a list that someone
    else saved since ``version`` was read.
    """
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one save at a time
    check_version(districts_version(organisation), version)
    existing = {district.pk: district for district in District.objects.of_organisation(organisation)}
    names = {}
    for row in rows:
        district = row.get("district")
        if district is not None and district.pk not in existing:
            raise ValidationError(_("The district no longer exists; please reload the page."))
        if row.get("delete"):
            if district is not None and district_in_use(district):
                raise ValidationError(
                    _("%(name)s is still named by an offer or a housing search and cannot be removed.")
                    % {"name": district.name}
                )
            continue
        name = " ".join(row["name"].split())
        if name.casefold() in names:
            raise ValidationError(_("%(name)s is listed twice.") % {"name": name})
        names[name.casefold()] = (district, name, row.get("position"))
    for row in rows:
        district = row.get("district")
        if row.get("delete") and district is not None:
            district.delete()
    kept = District.objects.of_organisation(organisation)
    codes = {district.code for district in kept}
    taken = {district.name.casefold() for district in kept}
    last = max([district.position for district in kept] + [position or 0 for _d, _n, position in names.values()])
    for district, name, position in names.values():
        if district is None and name.casefold() in taken:
            continue  # the same form sent twice: the district exists already
        if district is None:
            code = _free_code(district_code(name) or "bezirk", codes)
            codes.add(code)
            if not position:  # a new line without an order goes to the end of the list
                last = position = last + 1
            District.objects.create(organisation=organisation, code=code, name=name, position=position)
        else:
            position = district.position if position is None else position
            if (district.name, district.position) != (name, position):
                District.objects.filter(pk=district.pk).update(name=name, position=position)
    return District.objects.of_organisation(organisation)


def _free_code(code, taken):
    candidate, number = code, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate, number = f"{code[: 15 - len(suffix)]}{suffix}", number + 1
    return candidate


@transaction.atomic
def ensure_districts(*, organisation, districts):
    """Give the organisation these ``(code, name)`` districts unless it has any; returns how many were created."""
    if District.objects.of_organisation(organisation).exists():
        return 0
    District.objects.bulk_create(
        District(organisation=organisation, code=code, name=name, position=position)
        for position, (code, name) in enumerate(districts, start=1)
    )
    return len(districts)
