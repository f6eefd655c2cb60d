"""The federal statistic of housed homeless persons on 31 January (§ 4 WoBerichtsG).

One row per person housed on the reference date, computed from the accommodation history: every
client whose stay began on or before the date and did not end before it, and each member of that
client's household. The columns follow the items of § 4 WoBerichtsG in the law's order; every item
has its own "unknown" value. Names and case numbers are never part of the file.

The values and the header are the file format agreed for the submission (docs/report-figures.md),
not user interface text: they are German on purpose and do not change with the UI language.
"""

import io
from collections import Counter
from dataclasses import astuple, dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from cases.models import AccommodationStay, HouseholdMember
from hagen_zuhause import codes
from hagen_zuhause.countries import STATELESS
from hagen_zuhause.countries import UNKNOWN as UNKNOWN_NATIONALITY
from hagen_zuhause.spreadsheets import BOM, csv_writer

UNKNOWN = "unbekannt"

HEADER = [
    "Geschlecht",
    "Alter am Stichtag",
    "Staatsangehörigkeit",
    "Haushaltstyp",
    "Haushaltsgröße",
    "Art der Unterbringung",
    "Träger",
    "Beginn der Unterbringung",
    "Gemeindeschlüssel",
]

SEX = {
    codes.Gender.FEMALE: "weiblich",
    codes.Gender.MALE: "männlich",
    codes.Gender.DIVERSE: "divers",
    codes.Gender.UNKNOWN: UNKNOWN,
}

SINGLE = "alleinstehend"
SINGLE_PARENT = "alleinerziehend mit Kind(ern)"
COUPLE = "Paar ohne Kinder"
COUPLE_WITH_CHILDREN = "Paar mit Kind(ern)"
OTHER_HOUSEHOLD = "sonstiger Haushalt"
HOUSEHOLD_TYPES = [SINGLE, SINGLE_PARENT, COUPLE, COUPLE_WITH_CHILDREN, OTHER_HOUSEHOLD, UNKNOWN]

ACCOMMODATION = {
    codes.AccommodationKind.EMERGENCY_SHELTER: "Notunterkunft",
    codes.AccommodationKind.TRANSITIONAL_FLAT: "Übergangswohnung",
    codes.AccommodationKind.COMMERCIAL_LODGING: "gewerbliche Unterkunft",
    codes.AccommodationKind.OTHER: "sonstige",
}

PROVIDER = {
    codes.ProviderType.MUNICIPAL: "Gemeinde",
    codes.ProviderType.WELFARE_ORG: "freier Träger",
    codes.ProviderType.COMMERCIAL: "gewerblicher Anbieter",
    codes.ProviderType.OTHER: "sonstige Stelle",
    codes.ProviderType.UNKNOWN: UNKNOWN,
}


@dataclass(frozen=True)
class Row:
    """One housed person, items in the order of § 4 WoBerichtsG."""

    sex: str
    age: object
    nationality: str
    household_type: str
    household_size: int
    accommodation: str
    provider: str
    start: date
    municipality_key: str


def check_date(day):
    """The statistic is always taken on 31 January (§ 2 WoBerichtsG); any other day is refused."""
    if (day.month, day.day) != (1, 31):
        raise ValidationError(
            _("The federal statistic is always taken on 31 January; %(date)s is not a 31 January.")
            % {"date": f"{day:%d.%m.%Y}"},
            code="not_31_january",
        )
    return day


def full_years(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _age(born, day):
    if born is None:
        return UNKNOWN
    age = full_years(born, day)
    return age if age >= 0 else UNKNOWN


def _client_born(client):
    if client.birth_date:
        return client.birth_date
    if client.birth_year_estimated:
        return date(client.birth_year_estimated, 1, 1)
    return None


def _nationality(code):
    if not code or code == UNKNOWN_NATIONALITY:
        return UNKNOWN
    if code == STATELESS:
        return "staatenlos"
    return code


def household_type(members):
    """The household type from the members' relationships to the client."""
    relationships = Counter(member.relationship for member in members)
    partners = relationships[codes.Relationship.PARTNER]
    children = relationships[codes.Relationship.CHILD]
    if not members:
        return SINGLE
    if partners + children != len(members) or partners > 1:
        return OTHER_HOUSEHOLD
    if partners and children:
        return COUPLE_WITH_CHILDREN
    if partners:
        return COUPLE
    return SINGLE_PARENT


def housed_on(organisation, day):
    """The stays that house someone on ``day``, with clients and household members: two queries."""
    members = HouseholdMember.objects.order_by("pk")
    return (
        AccommodationStay.objects.all_of_organisation(organisation)
        .filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)
        .select_related("client")
        .prefetch_related(Prefetch("client__household_members", queryset=members))
        .order_by("start", "pk")
    )


def rows(organisation, day):
    """Every housed person on ``day`` (a 31 January), client first, then the household members."""
    check_date(day)
    municipality_key = organisation.municipality_key or UNKNOWN
    found = []
    for stay in housed_on(organisation, day):
        client = stay.client
        # Someone born after the reference date was not housed on it.
        members = [m for m in client.household_members.all() if m.birth_year is None or m.birth_year <= day.year]
        shared = {
            "household_type": household_type(members),
            "household_size": 1 + len(members),
            "accommodation": ACCOMMODATION.get(stay.kind, UNKNOWN),
            "provider": PROVIDER.get(stay.provider_type, UNKNOWN),
            "start": stay.start,
            "municipality_key": municipality_key,
        }
        found.append(
            Row(
                sex=SEX.get(client.gender, UNKNOWN),
                age=_age(_client_born(client), day),
                nationality=_nationality(client.nationality),
                **shared,
            )
        )
        for member in members:
            born = date(member.birth_year, 1, 1) if member.birth_year else None
            found.append(
                Row(
                    sex=SEX.get(member.gender, UNKNOWN),
                    age=_age(born, day),
                    nationality=_nationality(member.nationality),
                    **shared,
                )
            )
    return found


def to_csv(found):
    """Bytes of the CSV: semicolon separated, UTF-8 with BOM, German header, dates TT.MM.JJJJ, no formulas."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in found:
        values = list(astuple(row))
        values[7] = f"{row.start:%d.%m.%Y}"
        writer.writerow(values)
    return buffer.getvalue().encode("utf-8")


def file_name(day):
    return f"bundesstatistik-wohnungslose-{day:%Y-%m-%d}.csv"


def export_detail(day):
    return _("Federal statistic of housed homeless persons %(date)s (CSV)") % {"date": f"{day:%d.%m.%Y}"}


def last_reference_date(today):
    """The most recent 31 January on or before today."""
    this_year = date(today.year, 1, 31)
    return this_year if today >= this_year else date(today.year - 1, 1, 31)
