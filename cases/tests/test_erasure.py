"""Erasure on request (Art. 17 GDPR) with four eyes: asked by one team lead, confirmed by another, carried
out at once as the application's role, the history redacted by the owning role's database function.

The whole-database search reads as the owning role, which cannot happen inside a test's transaction: the
tests here run with ``transaction=True``.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Client, ClientAlias, Contact, Document, ErasureRequest
from cases.services.erasure import erasure_confirm, erasure_refuse, erasure_request, erasure_withdraw
from cases.services.retention import ANONYMISED, HISTORY_FUNCTION
from cases.tests.test_retention import (  # the richly filled client and the search of every column
    BIRTH_DATE,
    BIRTH_DATE_TEXTS,
    FORGOTTEN,
    LAST_NAME,
    _found,
    old_client,  # noqa: F401 (a fixture)
    recent_client,  # noqa: F401 (a fixture)
)
from hagen_zuhause.models import AccessLog
from tests.builders import REASON, make_case, make_client, make_erasure_request, make_second_team_lead

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def second_lead(team_lead):
    return make_second_team_lead(team_lead.organisation)


def _history_last_names(client):
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_name FROM cases_clientevent WHERE pgh_obj_id = %s ORDER BY pgh_id", [client.pk])
        return [row[0] for row in cursor.fetchall()]


def test_after_a_confirmed_erasure_the_whole_database_forgets_the_person(
    old_client,  # noqa: F811
    recent_client,  # noqa: F811
    team_lead,
    second_lead,
):
    AccessLog.objects.create(
        organisation=old_client.organisation,
        actor="system",
        action=AccessLog.Action.VIEW,
        detail=f"Akte {LAST_NAME}",
        object_type="cases.client",
        object_id=str(old_client.pk),
    )
    for text in FORGOTTEN:
        assert _found(text), f"{text} should be stored before the erasure"
    request = erasure_request(client=old_client, actor=team_lead, reason=REASON)
    assert Client.objects.get(pk=old_client.pk).last_name == LAST_NAME  # a request alone changes nothing

    request, result = erasure_confirm(request=request, actor=second_lead)

    for value in (*FORGOTTEN, *BIRTH_DATE_TEXTS, BIRTH_DATE, f"Akte {LAST_NAME}"):
        assert _found(value) == [], value
    assert _found("Kowalski")  # another client keeps the name
    client = Client.objects.get(pk=old_client.pk)
    assert client.anonymised_at is not None
    assert client.last_name == ANONYMISED and client.birth_year_estimated == 1984 and client.gender == "female"
    assert not Document.objects.filter(client=client).exists()
    assert Contact.objects.filter(client=client).count() == 2  # the statistics keep the contacts
    assert set(_history_last_names(client)) == {ANONYMISED}
    assert request.state == ErasureRequest.State.CONFIRMED and request.decided_by == second_lead
    assert result.counts["clients"] == 1 and result.counts["history"] > 10


def test_the_application_role_cannot_redact_the_history_of_a_client_who_is_not_anonymised(team_lead):
    person = make_client(team_lead, first_name="Bleibt", last_name="Erhalten")
    before = _history_last_names(person)

    with pytest.raises(DatabaseError, match="anonymisierter"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {HISTORY_FUNCTION}(%s::bigint[])", [[person.pk]])
    # Nor by marking it anonymised in the same call with another, already anonymised client.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {HISTORY_FUNCTION}(%s::bigint[])", [[person.pk, -1]])

    assert _history_last_names(person) == before == ["Erhalten"]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_clientevent SET last_name = 'x' WHERE pgh_obj_id = %s", [person.pk])


def test_the_function_belongs_to_the_owning_role_and_runs_with_its_rights(team_lead):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_userbyid(proowner), prosecdef, current_user FROM pg_proc WHERE proname = %s",
            [HISTORY_FUNCTION],
        )
        owner, security_definer, application_role = cursor.fetchone()
    assert security_definer and owner != application_role


def test_nobody_confirms_their_own_request_and_a_social_worker_cannot_ask(team_lead, second_lead, social_worker):
    person = make_client(team_lead, last_name="Vieraugen")
    with pytest.raises(ValidationError, match="Teamleitung"):
        erasure_request(client=person, actor=social_worker, reason=REASON)
    request = erasure_request(client=person, actor=team_lead, reason=REASON)

    with pytest.raises(ValidationError, match="selbst"):
        erasure_confirm(request=request, actor=team_lead)
    with pytest.raises(ValidationError, match="Teamleitung"):
        erasure_confirm(request=request, actor=social_worker)

    assert Client.objects.get(pk=person.pk).anonymised_at is None
    assert ErasureRequest.objects.get(pk=request.pk).is_pending


def test_the_database_refuses_a_decision_by_the_requester(team_lead):
    request = make_erasure_request(team_lead)
    request.state = ErasureRequest.State.CONFIRMED
    request.decided_by = team_lead
    request.decided_at = request.requested_at
    with pytest.raises(DatabaseError), transaction.atomic():
        request.save()


def test_a_second_request_for_the_same_person_is_refused(team_lead, second_lead):
    request = make_erasure_request(team_lead)
    with pytest.raises(ValidationError, match="bereits"):
        erasure_request(client=request.client, actor=second_lead, reason=REASON)
    assert ErasureRequest.objects.count() == 1


def test_a_request_needs_a_reason_and_a_person_without_open_case(team_lead):
    person = make_client(team_lead, last_name="Offenerfall")
    with pytest.raises(ValidationError) as error:
        erasure_request(client=person, actor=team_lead, reason="  ")
    assert "Grund" in str(error.value)
    make_case(person, team_lead)
    with pytest.raises(ValidationError, match="offenen Fall"):
        erasure_request(client=person, actor=team_lead, reason=REASON)
    assert not ErasureRequest.objects.exists()


def test_a_refusal_needs_a_reason_and_keeps_the_data(team_lead, second_lead):
    request = make_erasure_request(team_lead)
    with pytest.raises(ValidationError):
        erasure_refuse(request=request, actor=second_lead, reason="")

    erasure_refuse(request=request, actor=second_lead, reason="Laufendes Gerichtsverfahren")

    request.refresh_from_db()
    assert request.state == ErasureRequest.State.REFUSED
    assert Client.objects.get(pk=request.client_id).last_name == "Löschantrag"
    with pytest.raises(ValidationError, match="bereits entschieden"):
        erasure_confirm(request=request, actor=second_lead)


def test_only_the_requester_withdraws(team_lead, second_lead):
    request = make_erasure_request(team_lead)
    with pytest.raises(ValidationError):
        erasure_withdraw(request=request, actor=second_lead)
    erasure_withdraw(request=request, actor=team_lead)
    assert ErasureRequest.objects.get(pk=request.pk).state == ErasureRequest.State.WITHDRAWN


def test_the_pages_lead_from_the_client_to_the_second_team_lead(team_lead, second_lead, client_of):
    person = make_client(team_lead, first_name="Olga", last_name="Seitenweg")
    ClientAlias.objects.create(client=person, first_name="Ольга", last_name="Зайтенвег")
    page = client_of(team_lead).get(person.get_absolute_url()).content.decode()
    assert reverse("cases:erasure_request_create", args=[person.pk]) in page

    response = client_of(team_lead).post(reverse("cases:erasure_request_create", args=[person.pk]), {"reason": REASON})
    request = ErasureRequest.objects.get()
    assert response.status_code == 302 and response.url == request.get_absolute_url()
    assert "Löschung beantragt" in client_of(team_lead).get(person.get_absolute_url()).content.decode()
    # The second team lead finds it on the start page, by case number (no name in lists).
    start = client_of(second_lead).get(reverse("dashboard")).content.decode()
    assert request.get_absolute_url() in start and person.case_number in start and "Seitenweg" not in start
    detail = client_of(second_lead).get(request.get_absolute_url()).content.decode()
    assert "Bestätigen und löschen" in detail
    own = client_of(team_lead).get(request.get_absolute_url()).content.decode()
    assert "Bestätigen und löschen" not in own

    response = client_of(second_lead).post(reverse("cases:erasure_request_confirm", args=[request.pk]))

    assert response.status_code == 302
    after = client_of(second_lead).get(person.get_absolute_url()).content.decode()
    assert "Seitenweg" not in after and "Зайтенвег" not in after and ANONYMISED in after
    assert AccessLog.objects.filter(object_type="cases.client", object_id=str(person.pk)).exists()


def test_a_request_without_reason_is_shown_again_with_a_german_message(team_lead, client_of):
    person = make_client(team_lead, last_name="Ohnegrund")
    response = client_of(team_lead).post(reverse("cases:erasure_request_create", args=[person.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich" in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_the_same_request_sent_twice_creates_one(team_lead, client_of):
    person = make_client(team_lead, last_name="Doppelklick")
    url = reverse("cases:erasure_request_create", args=[person.pk])
    browser = client_of(team_lead)
    browser.post(url, {"reason": REASON})
    second = browser.post(url, {"reason": REASON})
    assert second.status_code == 200 and "bereits beantragt" in second.content.decode()
    assert ErasureRequest.objects.count() == 1


def _queries(web, url):
    with CaptureQueriesContext(connection) as queries:
        assert web.get(url).status_code == 200
    return len(queries)


def test_the_request_list_queries_do_not_grow_with_rows(team_lead, second_lead, client_of):
    web = client_of(second_lead)
    url = reverse("cases:erasure_request_list")
    erasure_refuse(request=make_erasure_request(team_lead), actor=second_lead, reason="Frist läuft noch")
    make_erasure_request(team_lead)
    few = _queries(web, url)
    for number in range(12):
        person = make_client(team_lead, last_name=f"Liste{number}")
        request = make_erasure_request(team_lead, client=person)
        if number % 2:
            erasure_refuse(request=request, actor=second_lead, reason="Frist läuft noch")
    assert _queries(web, url) == few
    assert _queries(client_of(second_lead), reverse("dashboard")) <= 25
