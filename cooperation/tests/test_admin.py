"""Verwaltung maintains the partners of its own organisation in Django's admin."""

from django.urls import reverse

from cooperation.models import Partner, PartnerKind
from tests.builders import make_partner

CHANGELIST = "admin:cooperation_partner_changelist"


def _partner_form(**overrides):
    data = {
        "name": "Sozialpsychiatrischer Dienst Hagen",
        "kind": PartnerKind.HEALTH_OFFICE_SPDI,
        "active": "on",
        "contact_person": "Dr. Petra Yilmaz",
        "phone": "02331 207-0",
        "email": "spdi@hagen.example",
        "address": "Berliner Platz 22, 58089 Hagen",
        "contact_hours": "Mo–Fr 9–12 Uhr",
        "services": "Krisenintervention, Hausbesuche, Beratung",
        "languages": ["bg", "ro", "tr"],
        "target_groups": ["mental_health", "eu2"],
        "notes": "",
    }
    data.update(overrides)
    return data


def test_verwaltung_creates_a_partner_in_its_organisation(client_of, admin_staff):
    client = client_of(admin_staff)
    form = client.get(reverse("admin:cooperation_partner_add")).content.decode()
    # Languages and target groups are checkboxes with readable German labels.
    assert 'type="checkbox" name="languages" value="bg"' in form
    assert "Bulgarisch" in form
    assert 'type="checkbox" name="target_groups" value="eu2"' in form
    assert 'name="organisation"' not in form

    response = client.post(reverse("admin:cooperation_partner_add"), _partner_form())

    assert response.status_code == 302, response.content.decode()[:3000]
    partner = Partner.objects.get()
    assert partner.organisation == admin_staff.organisation
    assert partner.languages == ["bg", "ro", "tr"]
    assert partner.target_groups == ["mental_health", "eu2"]
    assert partner in Partner.objects.visible_to(admin_staff).active()


def test_the_stored_choices_are_checked_when_editing(client_of, admin_staff):
    partner = make_partner(admin_staff.organisation, languages=["ro"], target_groups=["women"])
    text = client_of(admin_staff).get(reverse("admin:cooperation_partner_change", args=[partner.pk])).content.decode()
    assert 'value="ro" id="id_languages_' in text
    checked = [line for line in text.splitlines() if "checked" in line and 'name="languages"' in line]
    assert len(checked) == 1 and 'value="ro"' in checked[0]


def test_an_unknown_language_code_is_refused(client_of, admin_staff):
    response = client_of(admin_staff).post(reverse("admin:cooperation_partner_add"), _partner_form(languages=["xx"]))
    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
    assert not Partner.objects.exists()


def test_a_name_used_twice_gets_a_message_not_an_error(client_of, admin_staff):
    make_partner(admin_staff.organisation)
    response = client_of(admin_staff).post(reverse("admin:cooperation_partner_add"), _partner_form())
    assert response.status_code == 200
    assert "Einen Kooperationspartner mit diesem Namen gibt es bereits." in response.content.decode()
    assert Partner.objects.count() == 1


def test_verwaltung_never_sees_another_organisations_partner(client_of, admin_staff, other_organisation):
    own = make_partner(admin_staff.organisation, name="Jobcenter Hagen", kind=PartnerKind.JOBCENTER)
    foreign = make_partner(other_organisation, name="Jobcenter Dortmund", kind=PartnerKind.JOBCENTER)
    client = client_of(admin_staff)

    text = client.get(reverse(CHANGELIST)).content.decode()
    assert own.name in text
    assert foreign.name not in text

    response = client.get(reverse("admin:cooperation_partner_change", args=[foreign.pk]))
    assert response.status_code == 302  # Django's admin redirects to its index for unknown objects
    assert foreign.name not in client.get(response.url).content.decode()

    client.post(reverse("admin:cooperation_partner_change", args=[foreign.pk]), _partner_form(name="Übernommen"))
    foreign.refresh_from_db()
    assert foreign.name == "Jobcenter Dortmund"


def test_the_list_filters_by_kind_and_searches(client_of, admin_staff):
    make_partner(admin_staff.organisation, name="Pflegeberatung Stadt Hagen", kind=PartnerKind.CARE_COUNSELLING)
    make_partner(admin_staff.organisation, name="Frauenberatung Hagen", kind=PartnerKind.WOMENS_COUNSELLING)
    client = client_of(admin_staff)

    by_kind = client.get(reverse(CHANGELIST), {"kind__exact": PartnerKind.CARE_COUNSELLING}).content.decode()
    assert "Pflegeberatung Stadt Hagen" in by_kind
    assert "Frauenberatung Hagen" not in by_kind

    found = client.get(reverse(CHANGELIST), {"q": "frauen"}).content.decode()
    assert "Frauenberatung Hagen" in found
    assert "Pflegeberatung Stadt Hagen" not in found


def test_social_workers_have_no_admin(client_of, social_worker, team_lead):
    for user in (social_worker, team_lead):
        response = client_of(user).get(reverse(CHANGELIST))
        assert response.status_code == 302
        assert "/admin/login/" in response.url
