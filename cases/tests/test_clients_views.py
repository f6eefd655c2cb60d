"""Personal data, target groups, consents and links: the pages a worker uses after intake."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from cases.models import Client, ClientAlias, ClientLink, Consent, HouseholdMember, TargetGroupMembership
from cases.services.clients import (
    client_edit,
    client_link,
    client_version,
    consent_record,
    consent_withdraw,
    target_group_join,
)
from cases.views.clients import person_context
from cooperation.models import Partner
from hagen_zuhause.codes import ConsentScope, Relationship, TargetGroup
from hagen_zuhause.models import AccessLog
from tests.builders import make_client

TODAY = timezone.localdate()


def edit_data(response, **changes):
    """The edit form as the browser would send it back, with ``changes`` applied."""
    data = {}
    for form in [response.context["form"], *response.context["household_formset"], *response.context["alias_formset"]]:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if isinstance(value, list):
                data[field.html_name] = value
            elif hasattr(value, "strftime"):
                data[field.html_name] = value.strftime("%Y-%m-%d")
            else:
                data[field.html_name] = str(value)
    for formset in (response.context["household_formset"], response.context["alias_formset"]):
        management = formset.management_form
        for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            name = f"{formset.prefix}-{key}"
            data[name] = formset.data[name] if formset.is_bound else str(management.initial[key])
    data.update(changes)
    return data


# --- Personal data ---------------------------------------------------------------------------


def test_edit_saves_personal_data_aliases_and_household(social_worker, client_of):
    client = make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    browser = client_of(social_worker)
    url = reverse("cases:client_edit", args=[client.pk])
    form_page = browser.get(url)
    assert form_page.status_code == 200
    assert AccessLog.objects.filter(action="view", object_id=str(client.pk)).exists()

    response = browser.post(
        url,
        edit_data(
            form_page,
            phone="02331 123456",
            **{
                "aliases-0-first_name": "Георги",
                "aliases-0-last_name": "Иванов",
                "household-0-first_name": "Elena",
                "household-0-relationship": Relationship.PARTNER,
                "household-0-birth_year": "1982",
            },
        ),
    )

    assert response.status_code == 302
    assert response.url == reverse("cases:client_detail", args=[client.pk])
    client.refresh_from_db()
    assert client.phone == "02331 123456"
    assert ClientAlias.objects.get(client=client).last_name == "Иванов"
    assert HouseholdMember.objects.get(client=client).birth_year == 1982
    # The alias is searchable at once.
    assert client.search_text.startswith("georgi ivanov | georgi ivanov")


def test_edit_removes_a_household_member(social_worker, client_of):
    client = make_client(social_worker)
    HouseholdMember.objects.create(client=client, first_name="Kind", relationship=Relationship.CHILD)
    browser = client_of(social_worker)
    url = reverse("cases:client_edit", args=[client.pk])
    response = browser.post(url, edit_data(browser.get(url), **{"household-0-DELETE": "on"}))
    assert response.status_code == 302
    assert not HouseholdMember.objects.filter(client=client).exists()


def test_a_concurrent_save_is_refused_with_a_german_message(social_worker, team_lead, client_of):
    client = make_client(social_worker, first_name="Georgi", last_name="Ivanov", phone="111")
    browser = client_of(social_worker)
    url = reverse("cases:client_edit", args=[client.pk])
    form_page = browser.get(url)

    # The team lead saves the record while the social worker still has the form open.
    client_edit(
        client=client, actor=team_lead, version=client_version(client), fields={"phone": "222", "last_name": "Iwanow"}
    )
    response = browser.post(url, edit_data(form_page, phone="333"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Diese Akte wurde inzwischen geändert" in page
    assert "Ihre Änderungen wurden nicht gespeichert" in page
    assert "Iwanow" in page  # what is stored now, differing from the worker's entry
    client.refresh_from_db()
    assert client.phone == "222" and client.last_name == "Iwanow"
    # Sending the form again (now with the new version) deliberately replaces the stored data.
    again = browser.post(url, edit_data(response))
    assert again.status_code == 302
    client.refresh_from_db()
    assert client.phone == "333"


def test_edit_refuses_bad_input(social_worker, client_of):
    client = make_client(social_worker)
    browser = client_of(social_worker)
    url = reverse("cases:client_edit", args=[client.pk])
    future = (TODAY + timedelta(days=3)).isoformat()
    response = browser.post(url, edit_data(browser.get(url), birth_date=future, last_name=""))
    assert response.status_code == 200
    assert "Das Geburtsdatum liegt in der Zukunft." in response.content.decode()
    client.refresh_from_db()
    assert client.birth_date is None and client.last_name


# --- Scope: another office's client, a restricted client of someone else ----------------------


OBJECT_GETS = ["cases:client_edit", "cases:client_target_groups", "cases:consent_create", "cases:client_link"]


@pytest.mark.parametrize("name", OBJECT_GETS)
def test_a_restricted_client_of_someone_else_does_not_exist(name, social_worker, team_lead, client_of):
    hidden = make_client(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
    assert client_of(social_worker).get(reverse(name, args=[hidden.pk])).status_code == 404
    assert client_of(team_lead).get(reverse(name, args=[hidden.pk])).status_code == 200


def test_restricted_client_is_visible_to_its_assigned_worker(social_worker, client_of):
    own = make_client(social_worker, restricted=True)
    assert client_of(social_worker).get(reverse("cases:client_edit", args=[own.pk])).status_code == 200


def test_posts_on_a_restricted_client_of_someone_else_change_nothing(social_worker, team_lead, client_of):
    hidden = make_client(team_lead, first_name="Elena", last_name="Schutz", restricted=True)
    consent = consent_record(client=hidden, actor=team_lead, scope=ConsentScope.OTHER, given_on=date(2026, 1, 1))
    other = make_client(team_lead, first_name="Elena", last_name="Schutz-Zwei")
    link = client_link(client=hidden, other=other, actor=team_lead)
    browser = client_of(social_worker)
    responses = [
        browser.post(reverse("cases:client_open_existing", args=[hidden.pk])),
        browser.post(reverse("cases:consent_withdraw", args=[hidden.pk, consent.pk]), {"withdrawn_on": "2026-02-01"}),
        browser.post(reverse("cases:client_unlink", args=[hidden.pk, link.pk])),
        browser.post(reverse("cases:client_unlink", args=[other.pk, link.pk])),
        browser.post(reverse("cases:client_link", args=[other.pk]), {"other": hidden.pk}),
        browser.post(reverse("cases:client_target_groups", args=[hidden.pk]), {"action": "join", "group": "women"}),
    ]
    assert [response.status_code for response in responses[:5]] == [404, 404, 404, 404, 302]
    assert responses[5].status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    assert ClientLink.objects.count() == 1
    assert not TargetGroupMembership.objects.filter(client=hidden).exists()


def test_a_consent_of_another_client_cannot_be_withdrawn_through_this_one(social_worker, client_of):
    first, second = make_client(social_worker), make_client(social_worker)
    consent = consent_record(client=second, actor=social_worker, scope=ConsentScope.OTHER, given_on=date(2026, 1, 1))
    url = reverse("cases:consent_withdraw", args=[first.pk, consent.pk])
    assert client_of(social_worker).post(url, {"withdrawn_on": "2026-02-01"}).status_code == 404


# --- Target groups -----------------------------------------------------------------------------


def test_target_groups_are_listed_added_and_ended(social_worker, client_of):
    client = make_client(social_worker)
    target_group_join(client=client, group=TargetGroup.SENIORS, start=date(2025, 1, 1), end=date(2025, 6, 30))
    browser = client_of(social_worker)
    url = reverse("cases:client_target_groups", args=[client.pk])
    page = browser.get(url).content.decode()
    assert "01.01.2025" in page and "30.06.2025" in page

    added = browser.post(url, {"action": "join", "group": TargetGroup.WOMEN, "start": "2026-03-01"})
    assert added.status_code == 302 and added.url == url
    membership = TargetGroupMembership.objects.get(client=client, group=TargetGroup.WOMEN)

    ended = browser.post(
        url, {"action": "leave", "membership": membership.pk, f"leave-{membership.pk}-end": "2026-10-31"}
    )
    assert ended.status_code == 302
    membership.refresh_from_db()
    assert membership.end == date(2026, 10, 31)


def test_overlapping_periods_are_refused_with_the_constraint_message(social_worker, client_of):
    client = make_client(social_worker)
    target_group_join(client=client, group=TargetGroup.WOMEN, start=date(2026, 1, 1))
    url = reverse("cases:client_target_groups", args=[client.pk])
    response = client_of(social_worker).post(url, {"action": "join", "group": TargetGroup.WOMEN, "start": "2026-05-01"})
    assert response.status_code == 200
    assert "Die Person gehört in diesem Zeitraum bereits zu dieser Zielgruppe." in response.content.decode()
    assert TargetGroupMembership.objects.filter(client=client).count() == 1


def test_an_end_before_the_start_is_refused(social_worker, client_of):
    client = make_client(social_worker)
    membership = target_group_join(client=client, group=TargetGroup.EU2, start=date(2026, 5, 1))
    url = reverse("cases:client_target_groups", args=[client.pk])
    response = client_of(social_worker).post(
        url, {"action": "leave", "membership": membership.pk, f"leave-{membership.pk}-end": "2026-04-01"}
    )
    assert response.status_code == 200
    assert "Das Enddatum liegt vor dem Beginn der Zugehörigkeit." in response.content.decode()
    membership.refresh_from_db()
    assert membership.end is None


# --- Consents ----------------------------------------------------------------------------------


def test_recording_a_consent_with_a_partner(social_worker, client_of, organisation):
    partner = Partner.objects.create(organisation=organisation, name="Frauenberatung Hagen", kind="womens_counselling")
    Partner.objects.create(organisation=organisation, name="Alter Partner", kind="other", active=False)
    client = make_client(social_worker)
    browser = client_of(social_worker)
    url = reverse("cases:consent_create", args=[client.pk])
    page = browser.get(url).content.decode()
    assert "Frauenberatung Hagen" in page and "Alter Partner" not in page

    data = {"scope": ConsentScope.REFERRAL, "partner": partner.pk, "given_on": "2026-11-02", "expires_on": "2027-11-01"}
    response = browser.post(url, data)
    assert response.status_code == 302 and response.url == reverse("cases:client_detail", args=[client.pk])
    consent = Consent.objects.get(client=client)
    assert consent.partner == partner and consent.expires_on == date(2027, 11, 1)

    twice = browser.post(url, data)
    assert twice.status_code == 200
    assert "Diese Einwilligung ist bereits erfasst." in twice.content.decode()
    assert Consent.objects.filter(client=client).count() == 1


def test_a_consent_cannot_expire_before_it_was_given(social_worker, client_of):
    client = make_client(social_worker)
    response = client_of(social_worker).post(
        reverse("cases:consent_create", args=[client.pk]),
        {"scope": ConsentScope.OTHER, "given_on": "2026-05-01", "expires_on": "2026-04-01"},
    )
    assert response.status_code == 200
    assert "Die Einwilligung kann nicht ablaufen, bevor sie erteilt wurde." in response.content.decode()
    assert not Consent.objects.exists()


def test_withdrawing_a_consent(social_worker, client_of):
    client = make_client(social_worker)
    consent = consent_record(client=client, actor=social_worker, scope=ConsentScope.HOUSING, given_on=date(2026, 1, 1))
    browser = client_of(social_worker)
    url = reverse("cases:consent_withdraw", args=[client.pk, consent.pk])
    assert browser.get(url).status_code == 405

    response = browser.post(url, {"withdrawn_on": "2026-03-01"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2026, 3, 1)

    again = browser.post(url, {"withdrawn_on": "2026-03-02"}, follow=False)
    assert again.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2026, 3, 1)


# --- Links ----------------------------------------------------------------------------------


def test_link_search_shows_visible_records_only(social_worker, team_lead, client_of):
    client = make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    make_client(social_worker, first_name="Георги", last_name="Иванов")
    make_client(team_lead, first_name="Georgi", last_name="Iwanow", restricted=True)
    response = client_of(social_worker).get(reverse("cases:client_link", args=[client.pk]), {"q": "Georgi Ivanov"})
    names = [result.full_name for result in response.context["results"]]
    assert names == ["Георги Иванов"]


def test_linking_and_unlinking_leave_history(social_worker, client_of):
    newer = make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    older = make_client(social_worker, first_name="Георги", last_name="Иванов")
    newer, older = max(newer, older, key=lambda c: c.pk), min(newer, older, key=lambda c: c.pk)
    browser = client_of(social_worker)

    response = browser.post(reverse("cases:client_link", args=[newer.pk]), {"other": older.pk, "note": "Pass"})
    assert response.status_code == 302 and response.url == reverse("cases:client_detail", args=[newer.pk])
    link = ClientLink.objects.get()
    assert (link.client, link.other, link.linked_by, link.note) == (older, newer, social_worker, "Pass")

    again = browser.post(reverse("cases:client_link", args=[older.pk]), {"other": newer.pk})
    assert again.status_code == 302 and again.url == reverse("cases:client_link", args=[older.pk])
    assert ClientLink.objects.count() == 1
    shown = browser.get(reverse("cases:client_link", args=[older.pk]), {"q": "Georgi Ivanov"})
    assert "bereits verknüpft" in shown.content.decode()

    unlinked = browser.post(reverse("cases:client_unlink", args=[older.pk, link.pk]))
    assert unlinked.status_code == 302
    assert not ClientLink.objects.exists()
    labels = list(Events.objects.filter(pgh_obj_model="cases.ClientLink").values_list("pgh_label", flat=True))
    assert sorted(labels) == ["delete", "insert"]


def test_a_record_cannot_be_linked_with_itself(social_worker, client_of):
    client = make_client(social_worker)
    browser = client_of(social_worker)
    browser.post(reverse("cases:client_link", args=[client.pk]), {"other": client.pk})
    assert not ClientLink.objects.exists()


# --- The person block of the client page ---------------------------------------------------


@pytest.fixture
def person(social_worker, team_lead, organisation):
    client = make_client(social_worker, first_name="Georgi", last_name="Ivanov", languages=["bg"], care_level=0)
    ClientAlias.objects.create(client=client, first_name="Георги", last_name="Иванов", note="Pass")
    HouseholdMember.objects.create(client=client, first_name="Maria", relationship=Relationship.CHILD, birth_year=2015)
    target_group_join(client=client, group=TargetGroup.EU2, start=date(2026, 1, 1))
    target_group_join(client=client, group=TargetGroup.SENIORS, start=date(2024, 1, 1), end=date(2024, 12, 31))
    partner = Partner.objects.create(organisation=organisation, name="SpDi Hagen", kind="health_office_spdi")
    consent_record(client=client, actor=social_worker, scope=ConsentScope.REFERRAL, partner=partner, given_on=TODAY)
    consent_record(
        client=client,
        actor=social_worker,
        scope=ConsentScope.HOUSING,
        given_on=date(2025, 1, 1),
        expires_on=date(2025, 12, 31),
    )
    withdrawn = consent_record(client=client, actor=social_worker, scope=ConsentScope.OTHER, given_on=date(2025, 1, 1))
    consent_withdraw(consent=withdrawn, actor=social_worker, withdrawn_on=date(2025, 6, 1))
    visible = make_client(social_worker, first_name="Georgi", last_name="Iwanow")
    hidden = make_client(team_lead, first_name="Georgi", last_name="Verborgen", restricted=True)
    client_link(client=client, other=visible, actor=social_worker)
    client_link(client=hidden, other=client, actor=team_lead)
    return client


def test_person_context_needs_few_queries_and_hides_what_the_user_may_not_see(social_worker, team_lead, person):
    social_worker.get_all_permissions()  # cached for the request by the time the page renders the block
    with CaptureQueriesContext(connection) as queries:
        context = person_context(person, social_worker)
    assert len(queries) <= 6
    assert [str(alias) for alias in context["aliases"]] == ["Георги Иванов"]
    assert [m.group for m in context["current_groups"]] == [TargetGroup.EU2]
    assert [m.group for m in context["past_groups"]] == [TargetGroup.SENIORS]
    assert sorted(c.status for c in context["consents"]) == ["expired", "valid", "withdrawn"]
    assert [entry["other"].last_name for entry in context["links"]] == ["Iwanow"]
    assert sorted(entry["other"].last_name for entry in person_context(person, team_lead)["links"]) == [
        "Iwanow",
        "Verborgen",
    ]


def test_person_block_renders_everything_with_the_edit_links(social_worker, person):
    request = RequestFactory().get("/")
    request.user = social_worker
    html = render_to_string(
        "cases/includes/client_person.html",
        {"client": person, "person": person_context(person, social_worker), "perms": _perms(social_worker)},
        request=request,
    )
    for text in [
        "Georgi Ivanov",
        "Bulgarisch",
        "Георги Иванов",
        "Maria",
        "gültig",
        "abgelaufen",
        "widerrufen am 01.06.2025",
        "SpDi Hagen",
        "Iwanow",
        "früher",
    ]:
        assert text in html, text
    assert "Verborgen" not in html
    for name in ["cases:client_edit", "cases:client_target_groups", "cases:consent_create", "cases:client_link"]:
        assert reverse(name, args=[person.pk]) in html, name
    assert "/withdraw/" in html and "/unlink/" in html


def _perms(user):
    from django.contrib.auth.context_processors import PermWrapper

    return PermWrapper(user)


def test_restricting_a_record_one_is_not_assigned_to_leads_back_to_the_list(social_worker, team_lead, client_of):
    client = make_client(team_lead, first_name="Elena", last_name="Schutz")
    browser = client_of(social_worker)
    url = reverse("cases:client_edit", args=[client.pk])
    response = browser.post(url, edit_data(browser.get(url), restricted="on"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:client_list")
    assert "Die Akte hat jetzt einen Sperrvermerk" in response.content.decode()
    assert Client.objects.get(pk=client.pk).restricted
    assert client_of(social_worker).get(url).status_code == 404
