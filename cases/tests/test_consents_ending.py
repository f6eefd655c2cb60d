"""The team's list of consents ending soon or ended recently: renew them before referrals stop."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Consent
from cases.services.clients import consent_record, consent_withdraw
from hagen_zuhause.codes import ConsentScope
from hagen_zuhause.models import AccessLog
from tests.builders import make_client

URL = reverse("cases:consent_ending_list")


def _consent(client, actor, *, ends_in, given_days_ago=400):
    today = timezone.localdate()
    return consent_record(
        client=client,
        actor=actor,
        scope=ConsentScope.REFERRAL,
        given_on=today - timedelta(days=given_days_ago),
        expires_on=today + timedelta(days=ends_in),
    )


def test_the_list_shows_what_ends_within_thirty_days_either_side(client_of, social_worker):
    soon = make_client(social_worker, first_name="Georgi", last_name="Ivanov")
    ended = make_client(social_worker, first_name="Elena", last_name="Popescu")
    later = make_client(social_worker, first_name="Karin", last_name="Schulte")
    withdrawn = make_client(social_worker, first_name="Ayşe", last_name="Yılmaz")
    _consent(soon, social_worker, ends_in=10)
    _consent(ended, social_worker, ends_in=-5)
    _consent(later, social_worker, ends_in=40)
    consent_withdraw(
        consent=_consent(withdrawn, social_worker, ends_in=3),
        actor=social_worker,
        withdrawn_on=timezone.localdate() - timedelta(days=1),
    )

    page = client_of(social_worker).get(URL).content.decode()

    assert "Popescu" in page and "Ivanov" in page
    assert page.index("Popescu") < page.index("Ivanov")  # soonest first: the ended one on top
    assert "abgelaufen" in page
    assert "Schulte" not in page and "Yılmaz" not in page
    log = AccessLog.objects.filter(user=social_worker, action=AccessLog.Action.VIEW_LIST).latest("pk")
    assert "2 Klient*innen angezeigt" in log.detail


def test_a_restricted_client_of_another_worker_is_not_listed(client_of, social_worker, team_lead):
    protected = make_client(team_lead, first_name="Sabine", last_name="Geschützt", restricted=True)
    _consent(protected, team_lead, ends_in=5)

    assert "Geschützt" not in client_of(social_worker).get(URL).content.decode()
    assert "Geschützt" in client_of(team_lead).get(URL).content.decode()


def test_the_list_costs_the_same_queries_with_one_and_with_thirty_consents(client_of, social_worker):
    web = client_of(social_worker)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert web.get(URL).status_code == 200
        return len(captured)

    _consent(make_client(social_worker), social_worker, ends_in=1)
    one = queries()
    for days in range(29):
        _consent(make_client(social_worker), social_worker, ends_in=days)
    assert Consent.objects.count() == 30
    assert queries() == one
