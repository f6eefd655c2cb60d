"""The help network (Hilfenetz): finding partners by language, target group and service; the partner
page; maintaining partners (team lead and Verwaltung, not social workers)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.services.referrals import referral_create
from cooperation import services
from cooperation.models import AgreementStatus, Partner, PartnerKind
from cooperation.tests.factories_coop import make_agreement, make_partner
from tests.builders import make_client, make_landlord

LIST = reverse("cooperation:partner_list")
REASON = "Eilfall: Klient ohne Unterkunft, Einwilligung wird nachgeholt."


@pytest.fixture
def network(team_lead):
    """Four partners: who speaks Bulgarian, who serves EU-2 citizens, and one former partner."""
    return {
        "caritas": make_partner(
            team_lead,
            name="Caritas Migrationsdienst",
            services="Sozialberatung für Zugewanderte, Hilfe bei Anträgen beim Jobcenter",
            languages=["bg", "rom", "de"],
            target_groups=["eu2"],
            contact_hours="Di 9–12 Uhr",
        ),
        "clinic": make_partner(
            team_lead,
            name="Ärztliche Sprechstunde am Bahnhof",
            kind=PartnerKind.OTHER,
            services="Medizinische Versorgung ohne Krankenversicherung",
            languages=["bg", "ru"],
            target_groups=["seniors", "mental_health"],
        ),
        "diakonie": make_partner(
            team_lead,
            name="Diakonie Schuldnerberatung",
            services="Schuldnerberatung, Insolvenzberatung",
            languages=["ro", "de"],
            target_groups=["eu2", "women"],
        ),
        "former": make_partner(
            team_lead,
            name="Alte Beratungsstelle",
            languages=["bg"],
            target_groups=["eu2"],
            active=False,
        ),
    }


def _names(response):
    return [partner.name for partner in response.context["partners"]]


# --- Hilfenetz filters -----------------------------------------------------------------------


def test_bulgarian_speakers_serving_eu2_citizens_are_found(client_of, social_worker, network):
    response = client_of(social_worker).get(LIST, {"language": "bg", "target_group": "eu2"})

    assert response.status_code == 200
    assert _names(response) == ["Caritas Migrationsdienst"]
    assert "1 Kooperationspartner gefunden." in response.content.decode()


def test_the_eu2_quick_filter_finds_bulgarian_romanian_or_romani_speakers_serving_eu2(
    client_of, social_worker, network
):
    page = client_of(social_worker).get(LIST).content.decode()
    assert "EU-2: spricht Bulgarisch, Rumänisch oder Romani" in page

    response = client_of(social_worker).get(LIST + "?target_group=eu2&language=bg&language=ro&language=rom")

    assert _names(response) == ["Caritas Migrationsdienst", "Diakonie Schuldnerberatung"]
    quick = next(item for item in response.context["quick_filters"] if item["label"].startswith("EU-2"))
    assert quick["active"]


def test_a_language_alone_finds_everyone_who_speaks_it(client_of, social_worker, network):
    response = client_of(social_worker).get(LIST, {"language": "bg"})
    # Ä sorts with A: "Ärztliche …" comes before "Caritas …".
    assert _names(response) == ["Ärztliche Sprechstunde am Bahnhof", "Caritas Migrationsdienst"]


def test_services_are_searched_as_text_ignoring_case_and_accents(client_of, social_worker, network):
    assert _names(client_of(social_worker).get(LIST, {"q": "schuldner"})) == ["Diakonie Schuldnerberatung"]
    assert _names(client_of(social_worker).get(LIST, {"q": "arztliche"})) == ["Ärztliche Sprechstunde am Bahnhof"]
    assert _names(client_of(social_worker).get(LIST, {"q": "jobcenter antrag"})) == ["Caritas Migrationsdienst"]


def test_former_partners_are_left_out_unless_asked_for(client_of, social_worker, network):
    assert "Alte Beratungsstelle" not in _names(client_of(social_worker).get(LIST))
    assert _names(client_of(social_worker).get(LIST, {"status": "inactive"})) == ["Alte Beratungsstelle"]
    assert len(_names(client_of(social_worker).get(LIST, {"status": "all"}))) == 4


def test_kind_and_target_group_filter(client_of, social_worker, network):
    assert _names(client_of(social_worker).get(LIST, {"kind": "other"})) == ["Ärztliche Sprechstunde am Bahnhof"]
    assert _names(client_of(social_worker).get(LIST, {"target_group": "women"})) == ["Diakonie Schuldnerberatung"]


def test_the_list_shows_german_language_names_and_target_groups(client_of, social_worker, network):
    page = client_of(social_worker).get(LIST, {"q": "Caritas"}).content.decode()
    assert "Bulgarisch, Deutsch, Romani" in page
    assert "Unionsbürger*innen aus Bulgarien und Rumänien" in page
    assert "Di 9–12 Uhr" in page


def test_the_language_filter_offers_the_languages_spoken_in_the_network_by_german_name(
    client_of, social_worker, network
):
    page = client_of(social_worker).get(LIST).content.decode()
    assert '<option value="bg">Bulgarisch</option>' in page
    assert '<option value="rom">Romani</option>' in page
    assert 'value="tr"' not in page  # nobody speaks Turkish
    # A language asked for stays offered (and selected) even when nobody speaks it.
    page = client_of(social_worker).get(LIST, {"language": "tr"}).content.decode()
    assert '<option value="tr" selected>Türkisch</option>' in page
    assert "Kein Kooperationspartner passt zur Suche oder zum Filter." in page


def test_another_organisations_partners_are_not_listed(client_of, outsider, network):
    assert _names(client_of(outsider).get(LIST, {"status": "all"})) == []


def _partners(team_lead, first, last):
    for number in range(first, last):
        make_partner(team_lead, name=f"Partner {number:02d}", languages=["bg", "ro"], target_groups=["eu2"])


@pytest.mark.parametrize("role", ["social_worker", "admin_staff"])
def test_the_list_runs_the_same_few_queries_for_1_and_50_partners(client_of, role_users, team_lead, role):
    browser = client_of(role_users[role])
    query = {"language": "bg", "target_group": "eu2"}
    _partners(team_lead, 0, 1)
    browser.get(LIST)
    with CaptureQueriesContext(connection) as one:
        browser.get(LIST, query)
    _partners(team_lead, 1, 50)
    with CaptureQueriesContext(connection) as fifty:
        response = browser.get(LIST, query)
    assert len(response.context["partners"]) == 50
    assert len(one) == len(fifty) <= 15


# --- The partner page ------------------------------------------------------------------------


def test_the_partner_page_shows_contacts_services_languages_and_landlords(
    client_of, social_worker, team_lead, admin_staff
):
    landlord = make_landlord(admin_staff, name="HagenWohnen eG")
    partner = make_partner(
        team_lead,
        name="Hagener Wohnungsgenossenschaft",
        kind=PartnerKind.HOUSING_COMPANY,
        contact_person="Frau Petrova",
        phone="02331 207-0",
        email="kontakt@example.org",
        services="Wohnungen für Haushalte mit Wohnberechtigungsschein",
        languages=["bg", "de"],
        target_groups=["eu2"],
        contact_hours="Mo–Fr 8–12 Uhr",
        landlords=[landlord],
    )

    page = client_of(social_worker).get(reverse("cooperation:partner_detail", args=[partner.pk])).content.decode()

    for text in ["Frau Petrova", "02331 207-0", "kontakt@example.org", "Wohnberechtigungsschein", "Mo–Fr 8–12 Uhr"]:
        assert text in page
    assert "Bulgarisch, Deutsch" in page
    assert "HagenWohnen eG" in page
    assert reverse("housing:landlord_detail", args=[landlord.pk]) in page
    # A social worker reads partners but does not maintain them.
    assert reverse("cooperation:partner_edit", args=[partner.pk]) not in page


def test_the_page_counts_this_years_referrals_to_the_partner_without_listing_them(client_of, social_worker, team_lead):
    partner = make_partner(team_lead, name="Sozialpsychiatrischer Dienst")
    other = make_partner(team_lead, name="Suchtberatung")
    restricted = make_client(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
    today = timezone.localdate()
    for client, actor, on, to in [
        (make_client(social_worker, last_name="Ivanova"), social_worker, today, partner),
        # Counted, anonymously, although the social worker cannot see the person.
        (restricted, team_lead, today, partner),
        (make_client(social_worker, last_name="Popescu"), social_worker, today - timedelta(days=400), partner),
        (make_client(social_worker, last_name="Dimitrov"), social_worker, today, other),
    ]:
        referral_create(client=client, partner=to, referred_on=on, actor=actor, consent_override_reason=REASON)

    response = client_of(social_worker).get(reverse("cooperation:partner_detail", args=[partner.pk]))

    page = response.content.decode()
    assert response.context["referrals_this_year"] == 2
    assert f"Vermittlungen {today.year}" in page
    assert "Vermittlungen an diesen Kooperationspartner in diesem Jahr" in page
    assert "Ivanova" not in page
    assert "Schutz" not in page


def test_verwaltung_sees_the_partner_but_neither_agreements_nor_referral_figures(client_of, admin_staff, team_lead):
    partner = make_partner(team_lead, name="Jobcenter Hagen", kind=PartnerKind.JOBCENTER)
    make_agreement(team_lead, partner=partner, subject="Schnelle Bearbeitung von Mietkostenübernahmen")

    response = client_of(admin_staff).get(reverse("cooperation:partner_detail", args=[partner.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Jobcenter Hagen" in page
    assert "Mietkostenübernahmen" not in page
    assert "referrals_this_year" not in response.context
    assert reverse("cooperation:partner_edit", args=[partner.pk]) in page


def test_the_team_lead_sees_the_partners_agreements(client_of, team_lead):
    partner = make_partner(team_lead, name="Jobcenter Hagen", kind=PartnerKind.JOBCENTER)
    agreement = make_agreement(team_lead, partner=partner, subject="Schnelle Bearbeitung von Mietkostenübernahmen")

    page = client_of(team_lead).get(reverse("cooperation:partner_detail", args=[partner.pk])).content.decode()

    assert "Mietkostenübernahmen" in page
    assert reverse("cooperation:agreement_detail", args=[agreement.pk]) in page
    assert str(AgreementStatus.SIGNED.label) in page


def test_the_partner_page_runs_few_queries(client_of, social_worker, team_lead, admin_staff):
    partner = make_partner(team_lead, languages=["bg"])
    browser = client_of(team_lead)
    url = reverse("cooperation:partner_detail", args=[partner.pk])
    partner.landlords.add(make_landlord(admin_staff))
    make_agreement(team_lead, partner=partner)
    browser.get(url)
    with CaptureQueriesContext(connection) as one:
        browser.get(url)
    for _number in range(5):
        partner.landlords.add(make_landlord(admin_staff))
        make_agreement(team_lead, partner=partner)
    with CaptureQueriesContext(connection) as more:
        browser.get(url)
    assert len(one) == len(more) <= 15


# --- Maintaining partners --------------------------------------------------------------------


def _form(**fields):
    data = {"name": "Frauenberatungsstelle Hagen", "kind": PartnerKind.WOMENS_COUNSELLING, "active": "on"}
    data.update(fields)
    return data


@pytest.mark.parametrize("role", ["team_lead", "admin_staff"])
def test_team_lead_and_verwaltung_add_partners(client_of, role_users, admin_staff, role):
    landlord = make_landlord(admin_staff, name="GWG Hagen")
    response = client_of(role_users[role]).post(
        reverse("cooperation:partner_create"),
        _form(
            languages=["bg", "ro"],
            target_groups=["women", "eu2"],
            services="Beratung bei häuslicher Gewalt",
            contact_hours="Mo 10–12 Uhr",
            landlords=[landlord.pk],
        ),
    )

    partner = Partner.objects.get(name="Frauenberatungsstelle Hagen")
    assert response.status_code == 302
    assert response.url == reverse("cooperation:partner_detail", args=[partner.pk])
    assert partner.organisation == role_users[role].organisation
    assert partner.languages == ["bg", "ro"]
    assert sorted(partner.target_groups) == ["eu2", "women"]
    assert list(partner.landlords.all()) == [landlord]


def test_social_workers_may_not_add_partners(client_of, social_worker):
    response = client_of(social_worker).post(reverse("cooperation:partner_create"), _form())
    assert response.status_code == 403
    assert not Partner.objects.exists()


def test_a_name_used_twice_gets_a_german_message(client_of, team_lead):
    make_partner(team_lead, name="Frauenberatungsstelle Hagen")

    response = client_of(team_lead).post(
        reverse("cooperation:partner_create"), _form(name="frauenberatungsstelle hagen")
    )

    assert response.status_code == 200
    assert "Einen Kooperationspartner mit diesem Namen gibt es bereits." in response.content.decode()
    assert Partner.objects.count() == 1


def test_another_organisations_landlord_cannot_be_linked(client_of, team_lead, outsider):
    foreign = make_landlord(outsider, name="Dortmunder Wohnen")
    response = client_of(team_lead).post(reverse("cooperation:partner_create"), _form(landlords=[foreign.pk]))
    assert response.status_code == 200
    assert "Dortmunder Wohnen" not in response.content.decode()
    assert not Partner.objects.exists()


def test_editing_saves_the_changes(client_of, team_lead):
    partner = make_partner(team_lead, name="Frauenberatungsstelle Hagen", kind=PartnerKind.WOMENS_COUNSELLING)
    url = reverse("cooperation:partner_edit", args=[partner.pk])
    version = client_of(team_lead).get(url).context["form"].initial["version"]

    response = client_of(team_lead).post(url, _form(version=version, phone="02331 12345", languages=["tr"]))

    partner.refresh_from_db()
    assert response.status_code == 302
    assert partner.phone == "02331 12345"
    assert partner.languages == ["tr"]


def test_a_parallel_edit_is_not_overwritten(client_of, team_lead, admin_staff):
    partner = make_partner(team_lead, name="Frauenberatungsstelle Hagen", kind=PartnerKind.WOMENS_COUNSELLING)
    url = reverse("cooperation:partner_edit", args=[partner.pk])
    version = client_of(team_lead).get(url).context["form"].initial["version"]
    services.partner_update(partner=partner, actor=admin_staff, phone="02331 99999")

    response = client_of(team_lead).post(url, _form(version=version, phone="02331 12345"))

    partner.refresh_from_db()
    assert response.status_code == 200
    assert "Jemand anderes hat diesen Datensatz gespeichert" in response.content.decode()
    assert partner.phone == "02331 99999"


def test_unknown_language_codes_are_not_stored(team_lead):
    with pytest.raises(ValidationError):
        services.partner_create(organisation=team_lead.organisation, actor=team_lead, name="", kind="other")
    partner = make_partner(team_lead, languages=["bg", "xx", "bg"])
    assert partner.languages == ["bg"]
