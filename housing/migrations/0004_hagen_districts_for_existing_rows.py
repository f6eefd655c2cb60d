"""Districts used to be Hagen's five Stadtbezirke in code; offers and housing searches stored their codes.

Every organisation that has an offer or a housing search gets those five districts in its own list, under
the same codes, so that every existing row keeps pointing at the same district and its history stays
readable. Backwards, the five districts are removed again from the organisations that got them.
"""

from django.db import migrations

#: The list as it was in code (``housing.models.District``) until this migration, frozen here.
HAGEN_DISTRICTS = [
    ("mitte", "Hagen-Mitte"),
    ("nord", "Hagen-Nord"),
    ("hohenlimburg", "Hohenlimburg"),
    ("eilpe_dahl", "Eilpe/Dahl"),
    ("haspe", "Haspe"),
]
HAGEN_CODES = [code for code, _name in HAGEN_DISTRICTS]


def _organisations_using_them(apps):
    HousingOffer = apps.get_model("housing", "HousingOffer")
    HousingSearch = apps.get_model("housing", "HousingSearch")
    offers = HousingOffer.objects.filter(district__in=HAGEN_CODES).values_list("organisation_id", flat=True)
    searches = HousingSearch.objects.filter(districts__overlap=HAGEN_CODES).values_list(
        "client__organisation_id", flat=True
    )
    return set(offers) | set(searches)


def create_hagen_districts(apps, schema_editor):
    District = apps.get_model("housing", "District")
    for organisation_id in sorted(_organisations_using_them(apps)):
        for position, (code, name) in enumerate(HAGEN_DISTRICTS, start=1):
            District.objects.get_or_create(
                organisation_id=organisation_id, code=code, defaults={"name": name, "position": position}
            )


def remove_hagen_districts(apps, schema_editor):
    District = apps.get_model("housing", "District")
    District.objects.filter(organisation_id__in=_organisations_using_them(apps), code__in=HAGEN_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("housing", "0003_districts_per_organisation"),
    ]

    operations = [
        migrations.RunPython(create_hagen_districts, remove_hagen_districts),
    ]
