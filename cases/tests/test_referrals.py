"""Referrals to partner services: the consent rule, the override with a reason, outcomes, the pages."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Referral
from cases.services.cases import case_open
from cases.services.clients import consent_withdraw
from cases.services.referrals import referral_create, referral_set_outcome, valid_referral_consent
from cooperation.models import PartnerKind
from hagen_zuhause.codes import CaseType, ConsentScope, ReferralOutcome
from hagen_zuhause.models import AccessLog
from tests.builders import give_consent, make_client, make_partner

TODAY = timezone.localdate()
REASON = "Akute Eigengefährdung, Klientin nicht ansprechbar; SpDi zur Krisenintervention informiert."


@pytest.fixture
def spdi(organisation):
    return make_partner(organisation)


@pytest.fixture
def debt_counselling(organisation):
    return make_partner(organisation, name="Schuldnerberatung der Diakonie", kind=PartnerKind.WELFARE_ORG)


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The consent rule ----------------------------------------------------------------------


def test_a_valid_consent_is_found_and_the_referral_rests_on_it(social_worker, client_record, spdi):
    consent = give_consent(client_record, spdi, TODAY - timedelta(days=30), actor=social_worker)

    referral = referral_create(client=client_record, partner=spdi, referred_on=TODAY, actor=social_worker)

    assert referral.consent == consent
    assert referral.consent_override_reason == ""
    assert referral.worker == social_worker


def test_a_reason_given_despite_a_valid_consent_is_not_stored(social_worker, client_record, spdi):
    consent = give_consent(client_record, spdi, TODAY, actor=social_worker)
    referral = referral_create(
        client=client_record, partner=spdi, referred_on=TODAY, actor=social_worker, consent_override_reason=REASON
    )
    assert referral.consent == consent
    assert referral.consent_override_reason == ""


def test_the_consent_valid_until_the_referral_day_counts(social_worker, client_record, spdi):
    consent = give_consent(client_record, spdi, TODAY - timedelta(days=365), expires_on=TODAY, actor=social_worker)
    assert valid_referral_consent(client=client_record, partner=spdi, on=TODAY) == consent


# The referral in these situations is dated yesterday, so that a consent given today is "later".
REFERRED_ON = TODAY - timedelta(days=1)


def _expired(client, partner, actor):
    give_consent(
        client, partner, REFERRED_ON - timedelta(days=400), expires_on=REFERRED_ON - timedelta(days=1), actor=actor
    )


def _withdrawn(client, partner, actor):
    consent = give_consent(client, partner, REFERRED_ON - timedelta(days=60), actor=actor)
    consent_withdraw(consent=consent, actor=actor, withdrawn_on=REFERRED_ON - timedelta(days=2))


def _withdrawn_on_the_day(client, partner, actor):
    consent = give_consent(client, partner, REFERRED_ON - timedelta(days=60), actor=actor)
    consent_withdraw(consent=consent, actor=actor, withdrawn_on=REFERRED_ON)


def _other_partner(client, partner, actor):
    other = make_partner(client.organisation, name="Frauenberatungsstelle Hagen", kind=PartnerKind.WOMENS_COUNSELLING)
    give_consent(client, other, REFERRED_ON - timedelta(days=10), actor=actor)


def _given_after_the_referral(client, partner, actor):
    give_consent(client, partner, REFERRED_ON + timedelta(days=1), actor=actor)


def _other_scope(client, partner, actor):
    give_consent(client, partner, REFERRED_ON - timedelta(days=10), scope=ConsentScope.HOUSING, actor=actor)


def _none(client, partner, actor):
    pass


@pytest.mark.parametrize(
    "make_situation",
    [_expired, _withdrawn, _withdrawn_on_the_day, _other_partner, _given_after_the_referral, _other_scope, _none],
    ids=["expired", "withdrawn", "withdrawn-on-the-day", "other-partner", "given-later", "other-scope", "none"],
)
def test_no_valid_consent_means_a_reason_is_required(social_worker, client_record, spdi, make_situation):
    make_situation(client_record, spdi, social_worker)
    referred_on = REFERRED_ON

    assert valid_referral_consent(client=client_record, partner=spdi, on=referred_on) is None
    with pytest.raises(ValidationError, match="keine gültige Einwilligung"):
        referral_create(client=client_record, partner=spdi, referred_on=referred_on, actor=social_worker)
    with pytest.raises(ValidationError):
        referral_create(
            client=client_record,
            partner=spdi,
            referred_on=referred_on,
            actor=social_worker,
            consent_override_reason="   ",
        )
    assert not Referral.objects.exists()

    referral = referral_create(
        client=client_record,
        partner=spdi,
        referred_on=referred_on,
        actor=social_worker,
        consent_override_reason=f"  {REASON}\n",
    )
    assert referral.consent is None
    assert referral.consent_override_reason == REASON


def test_the_database_refuses_a_referral_without_consent_or_reason(social_worker, client_record, spdi):
    with pytest.raises(IntegrityError, match="referral_consent_or_reason"):
        Referral.objects.create(client=client_record, partner=spdi, referred_on=TODAY, worker=social_worker)


def test_a_partner_of_another_organisation_cannot_be_used(social_worker, client_record, other_organisation):
    foreign = make_partner(other_organisation, name="SpDi Dortmund")
    with pytest.raises(ValidationError):
        referral_create(
            client=client_record,
            partner=foreign,
            referred_on=TODAY,
            actor=social_worker,
            consent_override_reason=REASON,
        )


def test_referrals_are_not_dated_in_the_future(social_worker, client_record, spdi):
    with pytest.raises(ValidationError, match="Zukunft"):
        referral_create(
            client=client_record,
            partner=spdi,
            referred_on=TODAY + timedelta(days=1),
            actor=social_worker,
            consent_override_reason=REASON,
        )


# --- Outcomes --------------------------------------------------------------------------------


@pytest.fixture
def referral(social_worker, client_record, spdi):
    give_consent(client_record, spdi, TODAY - timedelta(days=20), actor=social_worker)
    return referral_create(
        client=client_record, partner=spdi, referred_on=TODAY - timedelta(days=10), actor=social_worker
    )


@pytest.mark.parametrize("outcome", ReferralOutcome.values)
def test_each_outcome_is_recorded_with_its_date(social_worker, referral, outcome):
    referral_set_outcome(referral=referral, outcome=outcome, outcome_on=TODAY, actor=social_worker)
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on) == (outcome, TODAY)
    assert not Referral.objects.open().exists()


def test_an_outcome_before_the_referral_or_in_the_future_is_refused(social_worker, referral):
    for outcome_on in (referral.referred_on - timedelta(days=1), TODAY + timedelta(days=1)):
        with pytest.raises(ValidationError):
            referral_set_outcome(
                referral=referral, outcome=ReferralOutcome.ACCEPTED, outcome_on=outcome_on, actor=social_worker
            )
    referral.refresh_from_db()
    assert referral.outcome == ""


def test_an_outcome_recorded_meanwhile_by_someone_else_is_not_overwritten(social_worker, team_lead, referral):
    # Both open the form while the referral is open; the team lead saves first.
    referral_set_outcome(
        referral=referral, outcome=ReferralOutcome.ACCEPTED, outcome_on=TODAY, actor=team_lead, expected_outcome=""
    )
    with pytest.raises(ValidationError, match="inzwischen"):
        referral_set_outcome(
            referral=referral,
            outcome=ReferralOutcome.CLIENT_DECLINED,
            outcome_on=TODAY,
            actor=social_worker,
            expected_outcome="",
        )
    # Seen and then changed on purpose: accepted, later completed.
    referral_set_outcome(
        referral=referral,
        outcome=ReferralOutcome.COMPLETED,
        outcome_on=TODAY,
        actor=social_worker,
        expected_outcome=ReferralOutcome.ACCEPTED,
    )
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.COMPLETED


# --- The referral form ---------------------------------------------------------------------


def test_the_form_offers_only_active_partners_of_the_own_organisation(
    client_of, social_worker, client_record, spdi, organisation, other_organisation
):
    make_partner(organisation, name="Alte Beratungsstelle", kind=PartnerKind.OTHER, active=False)
    make_partner(other_organisation, name="Jobcenter Dortmund", kind=PartnerKind.JOBCENTER)
    response = client_of(social_worker).get(reverse("cases:referral_create", args=[client_record.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Sozialpsychiatrischer Dienst Hagen" in text
    assert "Alte Beratungsstelle" not in text
    assert "Jobcenter Dortmund" not in text
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, object_type="cases.client", object_id=str(client_record.pk)
    ).exists()


def test_the_form_lists_the_consents_valid_today(client_of, social_worker, client_record, spdi, debt_counselling):
    give_consent(client_record, spdi, TODAY - timedelta(days=3), actor=social_worker)
    text = client_of(social_worker).get(reverse("cases:referral_create", args=[client_record.pk])).content.decode()
    assert "Einwilligungen dieser Person zu Vermittlungen, heute gültig" in text
    assert f"Sozialpsychiatrischer Dienst Hagen – erteilt am {(TODAY - timedelta(days=3)):%d.%m.%Y}" in text


def test_checking_the_consent_shows_the_consent_found(client_of, social_worker, client_record, spdi):
    give_consent(client_record, spdi, TODAY - timedelta(days=3), actor=social_worker)
    url = reverse("cases:referral_create", args=[client_record.pk])
    data = {"partner": spdi.pk, "referred_on": TODAY.isoformat(), "check": "1"}

    page = client_of(social_worker).post(url, data)
    assert "Gültige Einwilligung gefunden" in page.content.decode()
    assert "Begründung der Vermittlung ohne Einwilligung" not in page.content.decode()
    assert "<html" in page.content.decode()

    # htmx asks for the consent box only.
    box = client_of(social_worker).post(url, data, headers={"HX-Request": "true"})
    text = box.content.decode()
    assert "Gültige Einwilligung gefunden" in text
    assert "<html" not in text
    assert not Referral.objects.exists()


def test_checking_without_consent_explains_it_and_asks_for_a_reason(client_of, social_worker, client_record, spdi):
    url = reverse("cases:referral_create", args=[client_record.pk])
    data = {"partner": spdi.pk, "referred_on": TODAY.isoformat(), "check": "1"}
    text = client_of(social_worker).post(url, data, headers={"HX-Request": "true"}).content.decode()
    assert "Keine gültige Einwilligung" in text
    assert 'name="consent_override_reason"' in text


def test_a_social_worker_refers_with_consent(client_of, social_worker, client_record, spdi):
    consent = give_consent(client_record, spdi, TODAY - timedelta(days=3), actor=social_worker)
    case = case_open(client=client_record, case_type=CaseType.PROVISION, actor=social_worker)
    url = reverse("cases:referral_create", args=[client_record.pk])

    form = client_of(social_worker).get(url).content.decode()
    assert f'<option value="{case.pk}" selected>' in form  # the only open case is preselected

    response = client_of(social_worker).post(
        url, {"partner": spdi.pk, "referred_on": TODAY.isoformat(), "case": case.pk, "note": "Termin am Montag"}
    )

    assert response.status_code == 302
    assert response.url == reverse("cases:client_detail", args=[client_record.pk]) + "#client-referrals"
    referral = Referral.objects.get()
    assert (referral.consent, referral.case, referral.worker) == (consent, case, social_worker)
    assert _messages(response) == ["Die Vermittlung wurde mit der Einwilligung der Person gespeichert."]


def test_without_consent_the_form_requires_a_reason_and_saves_nothing(client_of, social_worker, client_record, spdi):
    url = reverse("cases:referral_create", args=[client_record.pk])
    response = client_of(social_worker).post(url, {"partner": spdi.pk, "referred_on": TODAY.isoformat()})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Bitte begründen Sie die Vermittlung ohne Einwilligung." in text
    assert not Referral.objects.exists()


def test_a_referral_with_a_reason_is_saved_with_a_warning(client_of, social_worker, client_record, spdi):
    url = reverse("cases:referral_create", args=[client_record.pk])
    response = client_of(social_worker).post(
        url, {"partner": spdi.pk, "referred_on": TODAY.isoformat(), "consent_override_reason": REASON}
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.consent is None
    assert referral.consent_override_reason == REASON
    assert _messages(response) == [
        "Die Vermittlung wurde OHNE gültige Einwilligung gespeichert. Ihre Begründung wurde festgehalten."
    ]


def test_a_future_date_is_refused_in_german(client_of, social_worker, client_record, spdi):
    url = reverse("cases:referral_create", args=[client_record.pk])
    response = client_of(social_worker).post(
        url,
        {"partner": spdi.pk, "referred_on": (TODAY + timedelta(days=3)).isoformat(), "consent_override_reason": REASON},
    )
    assert "Das Datum der Vermittlung liegt in der Zukunft." in response.content.decode()
    assert not Referral.objects.exists()


def test_a_restricted_client_cannot_be_referred_by_an_unassigned_worker(
    client_of, social_worker, team_lead, restricted_client, spdi
):
    url = reverse("cases:referral_create", args=[restricted_client.pk])
    assert client_of(social_worker).get(url).status_code == 404
    assert client_of(team_lead).get(url).status_code == 200


# --- The outcome form ------------------------------------------------------------------------


def test_recording_an_outcome_through_the_form(client_of, social_worker, referral):
    url = reverse("cases:referral_outcome", args=[referral.pk])
    page = client_of(social_worker).get(url).content.decode()
    assert "Sozialpsychiatrischer Dienst Hagen" in page
    assert "von der Person abgelehnt" in page

    response = client_of(social_worker).post(
        url, {"outcome": ReferralOutcome.ACCEPTED, "outcome_on": TODAY.isoformat(), "expected_outcome": ""}
    )

    assert response.status_code == 302
    assert response.url.endswith("#client-referrals")
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on) == (ReferralOutcome.ACCEPTED, TODAY)


def test_the_outcome_form_refuses_a_stale_form(client_of, social_worker, team_lead, referral):
    referral_set_outcome(referral=referral, outcome=ReferralOutcome.ACCEPTED, outcome_on=TODAY, actor=team_lead)
    response = client_of(social_worker).post(
        reverse("cases:referral_outcome", args=[referral.pk]),
        {"outcome": ReferralOutcome.PROVIDER_DECLINED, "outcome_on": TODAY.isoformat(), "expected_outcome": ""},
    )
    assert response.status_code == 200
    assert "inzwischen" in response.content.decode()
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.ACCEPTED


def test_the_outcome_form_needs_an_outcome(client_of, social_worker, referral):
    response = client_of(social_worker).post(
        reverse("cases:referral_outcome", args=[referral.pk]), {"outcome_on": TODAY.isoformat()}
    )
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    referral.refresh_from_db()
    assert referral.outcome == ""


# --- The partial on the client page ---------------------------------------------------------


def _render_referrals(user, client):
    request = RequestFactory().get("/")
    request.user = user
    referrals = Referral.objects.visible_to(user).filter(client=client).select_related("partner", "worker")
    return render_to_string(
        "cases/includes/client_referrals.html", {"client": client, "referrals": referrals}, request=request
    )


def _make_referrals(client, partner, actor, count):
    for number in range(count):
        referral_create(
            client=client,
            partner=partner,
            referred_on=TODAY - timedelta(days=number),
            actor=actor,
            consent_override_reason=f"Begründung {number}",
        )


def test_the_client_page_partial_shows_referrals_with_constant_queries(social_worker, spdi):
    queries = []
    for count in (1, 50):
        client = make_client(social_worker)
        _make_referrals(client, spdi, social_worker, count)
        user = type(social_worker).objects.get(pk=social_worker.pk)  # fresh permission cache
        with CaptureQueriesContext(connection) as context:
            text = _render_referrals(user, client)
        queries.append(len(context))
        assert text.count('<span class="fw-semibold">Sozialpsychiatrischer Dienst Hagen</span>') == count
    assert queries[0] == queries[1] <= 15
    assert "ohne Einwilligung" in text
    assert "Begründung 49" in text
    assert "Neue Vermittlung" in text
    assert "Ergebnis eintragen" in text


def test_the_partial_shows_consent_and_outcome(social_worker, referral):
    referral_set_outcome(referral=referral, outcome=ReferralOutcome.COMPLETED, outcome_on=TODAY, actor=social_worker)
    text = _render_referrals(social_worker, referral.client)
    assert "mit Einwilligung" in text
    assert f"{TODAY:%d.%m.%Y}" in text
    assert "Ergebnis ändern" in text


def test_the_partial_offers_no_actions_without_permission(admin_staff, social_worker, referral):
    request = RequestFactory().get("/")
    request.user = admin_staff
    text = render_to_string(
        "cases/includes/client_referrals.html",
        {"client": referral.client, "referrals": [referral]},
        request=request,
    )
    assert "Neue Vermittlung" not in text
    assert "Ergebnis eintragen" not in text
