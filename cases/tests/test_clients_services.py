"""The write services of the client area: intake, personal data, target groups, consents, links."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case, Client, ClientAlias, ClientLink, DuplicateDecision, HouseholdMember
from cases.services.clients import (
    ClientChangedError,
    client_edit,
    client_intake,
    client_link,
    client_unlink,
    client_version,
    consent_record,
    consent_withdraw,
    duplicate_decision_record,
    target_group_join,
    target_group_leave,
)
from cooperation.models import Partner
from hagen_zuhause.codes import CaseType, ConsentScope, Relationship, TargetGroup
from tests.builders import make_client


def _intake(actor, **overrides):
    arguments = {
        "organisation": actor.organisation,
        "actor": actor,
        "client_fields": {"first_name": "Svetla", "last_name": "Petrova", "birth_date": date(1990, 2, 3)},
        "case_type": CaseType.PREVENTION,
        **overrides,
    }
    return client_intake(**arguments)


def test_intake_creates_the_whole_record(social_worker):
    existing = make_client(social_worker, first_name="Svetla", last_name="Petrova")
    client = _intake(
        social_worker,
        aliases=[{"first_name": "Светла", "last_name": "Петрова", "note": ""}],
        household=[{"first_name": "Ivo", "relationship": Relationship.CHILD, "birth_year": 2016}],
        target_groups=[TargetGroup.EU2],
        consent={"scope": ConsentScope.AUTHORITIES, "given_on": date(2026, 11, 1), "partner": None},
        candidates_shown=[existing.pk],
    )
    assert client.case_number.startswith("HA-")
    assert list(client.assigned_workers.all()) == [social_worker]
    assert Case.objects.get(client=client).case_type == CaseType.PREVENTION
    assert client.household_members.get().first_name == "Ivo"
    client.refresh_from_db()
    assert "svetla petrova | svetla petrova" in client.search_text  # the Cyrillic alias, folded
    assert client.target_group_memberships.get().group == TargetGroup.EU2
    assert client.consents.get().scope == ConsentScope.AUTHORITIES
    decision = DuplicateDecision.objects.get()
    assert (decision.decision, decision.client, decision.candidates) == ("saved_anyway", client, [existing.pk])


def test_an_intake_with_bad_data_writes_nothing(social_worker):
    with pytest.raises(ValidationError):
        _intake(social_worker, household=[{"first_name": "Ohne Beziehung", "relationship": "cousin"}])
    assert not Client.objects.exists() and not Case.objects.exists()


def test_edit_refuses_a_stale_version(social_worker, team_lead):
    client = make_client(social_worker, phone="1")
    loaded = client_version(client)
    client_edit(client=client, actor=team_lead, version=loaded, fields={"phone": "2"})
    with pytest.raises(ClientChangedError):
        client_edit(client=client, actor=social_worker, version=loaded, fields={"phone": "3"})
    client.refresh_from_db()
    assert client.phone == "2"


def test_the_version_changes_with_aliases_and_household(social_worker):
    client = make_client(social_worker)
    before = client_version(client)
    ClientAlias.objects.create(client=client, last_name="Anders")
    after_alias = client_version(client)
    HouseholdMember.objects.create(client=client, relationship=Relationship.PARTNER)
    assert len({before, after_alias, client_version(client)}) == 3


def test_edit_refuses_rows_of_another_client(social_worker):
    client, other = make_client(social_worker), make_client(social_worker)
    foreign = ClientAlias.objects.create(client=other, last_name="Fremd")
    with pytest.raises(ValidationError):
        client_edit(
            client=client,
            actor=social_worker,
            version=client_version(client),
            fields={},
            aliases=[{"id": foreign.pk, "delete": True}],
        )
    assert ClientAlias.objects.filter(pk=foreign.pk).exists()


def test_edit_keeps_the_search_text_in_step(social_worker):
    client = make_client(social_worker, first_name="Ana", last_name="Popa")
    client_edit(
        client=client,
        actor=social_worker,
        version=client_version(client),
        fields={"last_name": "Popescu"},
        aliases=[{"id": None, "delete": False, "first_name": "Ana", "last_name": "Marinescu", "note": ""}],
    )
    client.refresh_from_db()
    assert client.search_text.startswith("ana popescu | ana marinescu")


def test_ending_a_membership_into_the_next_one_is_refused(social_worker):
    client = make_client(social_worker)
    first = target_group_join(client=client, group=TargetGroup.WOMEN, start=date(2026, 1, 1), end=date(2026, 3, 31))
    target_group_join(client=client, group=TargetGroup.WOMEN, start=date(2026, 4, 1))
    with pytest.raises(ValidationError) as raised:
        target_group_leave(membership=first, end=date(2026, 5, 1))
    assert "bereits zu dieser Zielgruppe" in " ".join(raised.value.messages)
    with pytest.raises(ValidationError):
        target_group_leave(membership=first, end=date(2025, 12, 31))


def test_consent_rules(social_worker, other_organisation):
    client = make_client(social_worker)
    foreign = Partner.objects.create(organisation=other_organisation, name="Fremd", kind="other")
    with pytest.raises(ValidationError):
        consent_record(client=client, actor=social_worker, scope="referral", partner=foreign, given_on=date(2026, 1, 1))
    consent = consent_record(client=client, actor=social_worker, scope="referral", given_on=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        consent_record(client=client, actor=social_worker, scope="referral", given_on=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        consent_withdraw(consent=consent, actor=social_worker, withdrawn_on=date(2025, 12, 31))
    consent_withdraw(consent=consent, actor=social_worker, withdrawn_on=date(2026, 2, 1))
    with pytest.raises(ValidationError):
        consent_withdraw(consent=consent, actor=social_worker, withdrawn_on=date(2026, 2, 2))
    # Given again after the withdrawal: a new consent.
    consent_record(client=client, actor=social_worker, scope="referral", given_on=date(2026, 1, 1))
    assert client.consents.count() == 2


def test_links_store_the_smaller_id_first_once(social_worker, outsider):
    first, second = make_client(social_worker), make_client(social_worker)
    link = client_link(client=second, other=first, actor=social_worker)
    assert (link.client, link.other) == (first, second)
    with pytest.raises(ValidationError):
        client_link(client=first, other=second, actor=social_worker)
    with pytest.raises(ValidationError):
        client_link(client=first, other=first, actor=social_worker)
    with pytest.raises(ValidationError):
        client_link(client=first, other=make_client(outsider), actor=social_worker)
    client_unlink(link=link, actor=social_worker)
    assert not ClientLink.objects.exists()
    client_link(client=first, other=second, actor=social_worker)
    assert ClientLink.objects.count() == 1


def test_decision_keeps_each_record_shown_once(social_worker):
    client = make_client(social_worker)
    decision = duplicate_decision_record(
        actor=social_worker, decision="opened_existing", client=client, candidates=[client.pk, str(client.pk)]
    )
    assert decision.candidates == [client.pk]
