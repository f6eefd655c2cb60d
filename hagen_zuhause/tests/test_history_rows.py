"""The history as people read it, on the audit page, a client's history and the start page.

German labels instead of codes, German date-times, referenced records by case number or name only when
the viewer may see them, restricted fields (health notes) masked everywhere.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import ClientLink, Task
from cases.services.cases import case_close
from cases.services.casework import task_done
from cases.services.clients import client_link, client_update, consent_record
from cases.services.referrals import referral_create
from cooperation.tests.factories_coop import make_partner
from hagen_zuhause.codes import CaseType, ConsentScope, Outcome
from hagen_zuhause.history import events_of_organisation
from hagen_zuhause.history_rows import describe_events
from hagen_zuhause.models import AccessLog
from tests.builders import make_case, make_client, make_task

BERLIN = ZoneInfo("Europe/Berlin")


def as_user(user):
    """The history context a request of ``user`` opens."""
    return pghistory.context(user=user.pk, actor=user.username, organisation=user.organisation_id, request_id="r")


def _changes(rows, record_type):
    """field → (before, after) of the newest row of that record type."""
    row = next(row for row in rows if str(row["record_type"]) == record_type)
    return {str(change["field"]): (change["before"], change["after"]) for change in row["changes"]}


@pytest.fixture
def person(social_worker):
    return make_client(social_worker, first_name="Georgi", last_name="Ivanov", health_notes="Diabetes")


def test_codes_users_dates_and_times_read_in_german(social_worker, team_lead, person):
    case = make_case(person, social_worker, case_type=CaseType.PREVENTION)
    task = make_task(person, social_worker, title="Rückruf Vermieter")
    with as_user(team_lead):
        case_close(case=case, outcome=Outcome.TENANCY_KEPT, actor=team_lead)
        task_done(task=task, actor=team_lead)

    rows = describe_events(events_of_organisation(team_lead.organisation_id)[:10], team_lead)

    closed = _changes(rows, "Fall")
    assert closed["Ergebnis"] == ("–", "Mietverhältnis erhalten")
    assert closed["Abgeschlossen am"] == ("–", f"{timezone.localdate():%d.%m.%Y}")
    assert closed["Abgeschlossen von"] == ("–", "Thomas Lehmann")
    done = _changes(rows, "Wiedervorlage")
    task.refresh_from_db()
    assert done["Erledigt am"][1] == task.done_at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")
    assert done["Erledigt von"] == ("–", "Thomas Lehmann")
    row = next(row for row in rows if str(row["record_type"]) == "Fall")
    assert row["record"] == str(case)
    assert row["client"] == person.case_number
    assert row["actor"] == "Thomas Lehmann"


def test_a_referenced_record_is_named_only_when_the_viewer_may_see_it(social_worker, team_lead, person):
    hidden = make_client(team_lead, first_name="Ana", last_name="Geschützt", restricted=True)
    partner = make_partner(team_lead, name="Frauenberatung Hagen")
    consent = consent_record(
        client=person, actor=social_worker, scope=ConsentScope.REFERRAL, given_on=date(2026, 1, 5), partner=partner
    )
    with as_user(team_lead):
        referral_create(client=person, partner=partner, referred_on=date(2026, 1, 6), actor=social_worker)
        client_link(client=person, other=hidden, actor=team_lead)
    events = events_of_organisation(team_lead.organisation_id)[:5]

    for_lead = describe_events(events, team_lead)
    for_worker = describe_events(events, social_worker)

    referral = _changes(for_lead, "Vermittlung an Dienste")
    assert referral["Einwilligung"][1] == str(consent)
    assert referral["Kooperationspartner"][1] == "Frauenberatung Hagen"
    link_type = str(ClientLink._meta.verbose_name)
    other = str(ClientLink._meta.get_field("other").verbose_name)
    assert _changes(for_lead, link_type)[other][1] == hidden.case_number
    # The social worker is not assigned to the restricted record: neither its case number nor its name.
    assert _changes(for_worker, link_type)[other][1] == "nicht sichtbar"
    assert next(row for row in for_worker if str(row["record_type"]) == link_type)["client"] == person.case_number
    assert "Geschützt" not in str(for_worker) and hidden.case_number not in str(for_worker)


def test_health_notes_are_masked_on_every_history_page(client_of, social_worker, team_lead, person):
    with as_user(team_lead):
        client_update(client=person, actor=team_lead, health_notes="Insulinpflichtig", phone="02331 4711")
    lead = client_of(team_lead)

    pages = {
        "audit": lead.get(reverse("audit:history")),
        "client": lead.get(reverse("cases:client_history", args=[person.pk])),
        "start": lead.get(reverse("dashboard")),
    }

    for name, response in pages.items():
        text = response.content.decode()
        assert response.status_code == 200, name
        assert "Insulinpflichtig" not in text and "Diabetes" not in text, name
    for name in ("audit", "client"):
        text = pages[name].content.decode()
        assert "Gesundheitsangaben:</span>" in text and "(geschützt)" in text, name
        assert "02331 4711" in text, name  # the other fields of the same change stay readable
    # Masked rows reveal nothing, so reading them is not a view of restricted data.
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW_RESTRICTED).exists()


def test_the_audit_page_names_clients_by_case_number_and_codes_in_german(client_of, team_lead, person):
    with as_user(team_lead):
        client_update(client=person, actor=team_lead, gender="female", nationality="BG")

    text = client_of(team_lead).get(reverse("audit:history")).content.decode()

    assert person.case_number in text
    assert "Geschlecht:</span>" in text and "weiblich" in text
    assert "Bulgarien" in text
    assert "female" not in text


def test_history_rows_cost_the_same_for_few_and_many_events(social_worker, team_lead, person):
    def queries(count):
        events = events_of_organisation(team_lead.organisation_id)[:count]
        list(events)
        with CaptureQueriesContext(connection) as captured:
            describe_events(events, team_lead)
        return len(captured)

    with as_user(social_worker):
        make_task(person, social_worker, title="Erste")
    few = queries(1)
    with as_user(social_worker):
        for number in range(20):
            task = make_task(person, social_worker, title=f"Aufgabe {number}")
            task_done(task=task, actor=team_lead)
    assert queries(40) <= few + 2


def test_a_deleted_record_reads_as_deleted(social_worker, team_lead, person):
    task = make_task(person, social_worker, title="Wird gelöscht")
    with as_user(team_lead):
        task.delete()

    row = describe_events(events_of_organisation(team_lead.organisation_id)[:1], team_lead)[0]

    assert str(row["label"]) == "gelöscht"
    assert str(row["record"]) == "gelöschter Datensatz"
    assert row["client"] == person.case_number


def test_datetimes_from_the_history_are_shown_in_berlin_time():
    from hagen_zuhause.history_rows import _readable

    field = Task._meta.get_field("done_at")
    utc = datetime(2026, 12, 6, 7, 8, 1).isoformat() + "+00:00"
    assert _readable(field, utc, None) == "06.12.2026 08:08"
