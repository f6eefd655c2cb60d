"""Who grants access (DESIGN §3): the services, the database's rules and the one-time link."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from hagen_zuhause import services
from hagen_zuhause.models import AccessChange, AccessChangeEvent, Organisation, User, UserSession
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from hagen_zuhause.tests.factories import make_account, make_role_request

NEW_PASSWORD = "Frühling an der Volme 2027"


@pytest.fixture
def second_admin(organisation):
    return user_create(organisation=organisation, username="b.brandt", role=Role.ADMINISTRATION, password=PASSWORD)


@pytest.fixture
def second_lead(organisation):
    return user_create(organisation=organisation, username="l.lange", role=Role.TEAM_LEAD, password=PASSWORD)


def _fresh(user):
    return User.objects.get(pk=user.pk)


def _refused(message, call, **kwargs):
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    assert message in " ".join(error.value.messages)


# --- A role with client-data access needs two people ------------------------------------------------


def test_verwaltung_requests_a_role_and_it_takes_effect_only_when_a_team_lead_confirms(admin_staff, team_lead):
    account, outcome = make_account(admin_staff, role=Role.SOCIAL_WORKER, username="n.neu")
    assert outcome.change.is_pending
    assert not outcome.token  # Verwaltung receives no link for an account that will read client files
    assert _fresh(account).role is None
    assert not _fresh(account).has_usable_password()

    confirmed = services.access_request_confirm(change=outcome.change, actor=team_lead)

    account = _fresh(account)
    assert account.role == Role.SOCIAL_WORKER
    change = confirmed.change
    assert (change.state, change.requested_by, change.decided_by) == ("confirmed", admin_staff, team_lead)
    assert confirmed.token  # for the team lead to hand over
    assert change.link_token_hash == hashlib.sha256(confirmed.token.encode()).hexdigest()
    assert change.link_expires_at == pytest.approx(timezone.now() + timedelta(hours=24), abs=timedelta(minutes=1))


def test_the_token_itself_is_stored_nowhere(admin_staff, team_lead):
    outcome = services.access_request_confirm(change=make_role_request(admin_staff), actor=team_lead)
    stored = [str(value) for value in AccessChange.objects.values_list(flat=False).get(pk=outcome.change.pk)]
    stored += [str(row) for row in AccessChangeEvent.objects.values_list()]
    assert not any(outcome.token in value for value in stored)
    assert not any(hashlib.sha256(outcome.token.encode()).hexdigest() in value for value in stored[-1:])


def test_verwaltung_cannot_confirm_its_own_or_anyone_elses_request(admin_staff, second_admin):
    change = make_role_request(admin_staff)
    for actor in (admin_staff, second_admin):
        _refused("Nur eine Teamleitung", services.access_request_confirm, change=change, actor=actor)
    assert AccessChange.objects.get(pk=change.pk).is_pending


def test_a_team_lead_cannot_confirm_a_grant_to_itself(admin_staff, team_lead):
    change = make_role_request(admin_staff, role=Role.SOCIAL_WORKER, receiver=team_lead)
    _refused("nicht über Ihren eigenen Zugang", services.access_request_confirm, change=change, actor=team_lead)
    assert _fresh(team_lead).role == Role.TEAM_LEAD
    assert AccessChange.objects.get(pk=change.pk).is_pending


def test_a_team_lead_cannot_confirm_a_request_it_made(admin_staff, second_admin, team_lead, social_worker):
    # Vera requested a role while she worked in the administration; later she became team lead herself.
    earlier = make_role_request(admin_staff, role=Role.TEAM_LEAD, receiver=social_worker)
    promotion = make_role_request(second_admin, role=Role.TEAM_LEAD, receiver=admin_staff)
    services.access_request_confirm(change=promotion, actor=team_lead)
    assert _fresh(admin_staff).role == Role.TEAM_LEAD

    _refused("selbst gestellt", services.access_request_confirm, change=earlier, actor=_fresh(admin_staff))
    assert _fresh(social_worker).role == Role.SOCIAL_WORKER


def test_a_team_lead_of_another_organisation_cannot_confirm(admin_staff, outsider):
    change = make_role_request(admin_staff)
    _refused("Nur eine Teamleitung", services.access_request_confirm, change=change, actor=outsider)


def test_a_decided_request_cannot_be_decided_again(admin_staff, team_lead, second_lead):
    change = make_role_request(admin_staff)
    services.access_request_refuse(change=change, actor=team_lead, reason="Stelle ist nicht besetzt")
    _refused("bereits entschieden", services.access_request_confirm, change=change, actor=second_lead)
    assert _fresh(change.receiver).role is None


def test_a_refusal_needs_a_reason(admin_staff, team_lead):
    change = make_role_request(admin_staff)
    _refused("Grund", services.access_request_refuse, change=change, actor=team_lead, reason="  ")
    assert AccessChange.objects.get(pk=change.pk).is_pending


def test_nobody_changes_their_own_role(admin_staff, team_lead):
    _refused("eigene Rolle", services.role_change, user=admin_staff, role=Role.TEAM_LEAD, actor=admin_staff)
    assert not AccessChange.objects.exists()


def test_only_the_administration_of_the_organisation_changes_roles(team_lead, social_worker, outsider):
    for actor in (team_lead, outsider):
        _refused("Verwaltung der Dienststelle", services.role_change, user=social_worker, role=None, actor=actor)
    assert _fresh(social_worker).role == Role.SOCIAL_WORKER


def test_verwaltung_is_given_directly_but_never_to_oneself(admin_staff, social_worker, client_of):
    session = client_of(social_worker)
    outcome = services.role_change(user=social_worker, role=Role.ADMINISTRATION, actor=admin_staff)
    assert outcome.change.state == "direct"
    assert _fresh(social_worker).role == Role.ADMINISTRATION
    assert _fresh(social_worker).is_staff
    # The Sozialarbeit role was taken away: the session ends at once.
    assert session.get(reverse("dashboard")).status_code == 302


def test_a_second_pending_request_of_the_same_kind_is_refused(admin_staff, second_admin, social_worker):
    make_role_request(admin_staff, role=Role.TEAM_LEAD, receiver=social_worker)
    _refused("bereits beantragt", services.role_change, user=social_worker, role=Role.TEAM_LEAD, actor=second_admin)
    assert AccessChange.objects.pending().count() == 1


# --- The database keeps the rules even without the services -------------------------------------------


def _row(**fields):
    now = timezone.now()
    defaults = {"kind": AccessChange.Kind.ROLE, "role": Role.SOCIAL_WORKER, "requested_at": now}
    return AccessChange(**{**defaults, **fields})


@pytest.mark.parametrize(
    "rule",
    [
        "requester_is_receiver",
        "decider_is_receiver",
        "decider_is_requester",
        "client_data_role_carried_out_directly",
        "refused_without_reason",
        "second_pending",
    ],
)
def test_the_database_refuses_rows_that_break_the_four_eyes_rule(
    rule, organisation, admin_staff, team_lead, social_worker
):
    now = timezone.now()
    base = {"organisation": organisation, "receiver": social_worker, "requested_by": admin_staff}
    rows = {
        "requester_is_receiver": _row(**{**base, "requested_by": social_worker}),
        "decider_is_receiver": _row(**base, state="confirmed", decided_by=social_worker, decided_at=now),
        "decider_is_requester": _row(**base, state="confirmed", decided_by=admin_staff, decided_at=now),
        "client_data_role_carried_out_directly": _row(**base, state="direct", decided_by=admin_staff, decided_at=now),
        "refused_without_reason": _row(**base, state="refused", decided_by=team_lead, decided_at=now),
        "second_pending": _row(**base),
    }
    if rule == "second_pending":
        _row(**base).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        rows[rule].save()


def test_platform_superusers_belong_to_no_organisation(organisation):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="root2", is_superuser=True, organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nobody", organisation=None)


# --- The first team lead: granted by the platform operator, only then ---------------------------------


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("betrieb", "betrieb@example.org", None)


@pytest.fixture
def new_office(db):
    return Organisation.objects.create(
        name="Stadt Witten – Wohnungsnotfälle", short_name="Witten", case_number_prefix="WI"
    )


def test_the_operator_grants_the_first_team_lead_of_a_new_organisation(operator, new_office):
    account, outcome = services.account_create(
        actor=operator, organisation=new_office, username="w.erste", role=Role.TEAM_LEAD
    )
    assert outcome.change.state == "operator"
    assert outcome.token
    assert _fresh(account).role == Role.TEAM_LEAD

    # Now the organisation has a team lead: a second one is a request like any other.
    _second, outcome = services.account_create(
        actor=operator, organisation=new_office, username="w.zweite", role=Role.TEAM_LEAD
    )
    assert outcome.change.is_pending
    confirmed = services.access_request_confirm(change=outcome.change, actor=account)
    assert confirmed.change.state == "confirmed"


# --- The state's accounts: role Land, and only there ------------------------------------------------


def test_the_operator_gives_a_state_account_the_role_land_at_once(operator, state_organisation):
    account, outcome = services.account_create(
        actor=operator, organisation=state_organisation, username="l.neu", role=Role.STATE
    )
    assert outcome.change.state == "direct"
    assert _fresh(account).role == Role.STATE
    assert not _fresh(account).is_staff


def test_land_is_only_for_the_state_and_the_state_holds_nothing_else(
    operator, admin_staff, social_worker, state_organisation, land_user
):
    message = "Benutzerkonten einer Landesstelle haben die Rolle Land, und nur sie haben diese Rolle."
    _refused(message, services.role_change, user=social_worker, role=Role.STATE, actor=admin_staff)
    _refused(message, services.role_change, user=_fresh(land_user), role=Role.TEAM_LEAD, actor=operator)
    _refused(
        message,
        user_create,
        organisation=state_organisation,
        username="l.falsch",
        role=Role.SOCIAL_WORKER,
        password=PASSWORD,
    )
    assert _fresh(social_worker).role == Role.SOCIAL_WORKER
    assert _fresh(land_user).role == Role.STATE
    assert not User.objects.filter(username="l.falsch").exists()


# --- Password resets: the holder chooses, Verwaltung never sees --------------------------------------


def test_a_reset_of_a_client_data_account_is_requested_and_confirmed(admin_staff, team_lead, social_worker):
    outcome = services.password_reset(user=social_worker, actor=admin_staff, reason="Passwort vergessen")
    assert outcome.change.is_pending and not outcome.token
    assert _fresh(social_worker).check_password(PASSWORD)  # nothing changed yet

    confirmed = services.access_request_confirm(change=outcome.change, actor=team_lead)
    assert confirmed.token
    assert not _fresh(social_worker).has_usable_password()

    change = AccessChange.objects.opened_by_link(confirmed.token).get()
    services.password_set_by_link(change=change, password=NEW_PASSWORD)
    assert _fresh(social_worker).check_password(NEW_PASSWORD)
    # Once only.
    assert not AccessChange.objects.opened_by_link(confirmed.token).exists()
    _refused("bereits benutzt", services.password_set_by_link, change=change, password="noch ein langes Passwort")


def test_a_verwaltung_account_is_reset_directly_by_another_verwaltung_never_by_itself(admin_staff, second_admin):
    outcome = services.password_reset(user=second_admin, actor=admin_staff)
    assert outcome.change.state == "direct" and outcome.token
    assert not _fresh(second_admin).has_usable_password()
    _refused("eigenes Passwort", services.password_reset, user=admin_staff, actor=admin_staff)


def test_a_link_expires_after_24_hours(admin_staff, second_admin):
    outcome = services.password_reset(user=second_admin, actor=admin_staff)
    AccessChange.objects.filter(pk=outcome.change.pk).update(link_expires_at=timezone.now() - timedelta(seconds=1))
    assert not AccessChange.objects.opened_by_link(outcome.token).exists()
    _refused("abgelaufen", services.password_set_by_link, change=outcome.change, password=NEW_PASSWORD)


def test_an_account_that_gains_client_data_access_loses_the_password_verwaltung_may_know(
    admin_staff, second_admin, team_lead
):
    # A Verwaltung colleague's password may have been handed over by Verwaltung: it ends with the new role.
    change = make_role_request(admin_staff, role=Role.SOCIAL_WORKER, receiver=second_admin)
    outcome = services.access_request_confirm(change=change, actor=team_lead)
    assert outcome.token
    assert not _fresh(second_admin).has_usable_password()


def test_a_promotion_within_client_data_roles_keeps_the_holders_password(admin_staff, team_lead, social_worker):
    change = make_role_request(admin_staff, role=Role.TEAM_LEAD, receiver=social_worker)
    outcome = services.access_request_confirm(change=change, actor=team_lead)
    assert not outcome.token
    assert _fresh(social_worker).check_password(PASSWORD)


# --- Taking access away takes effect at once -----------------------------------------------------------


def test_revocation_ends_the_sessions_at_once(admin_staff, social_worker, client_of):
    session = client_of(social_worker)
    assert session.get(reverse("cases:client_list")).status_code == 200
    outcome = services.role_change(user=social_worker, role=None, actor=admin_staff)
    assert outcome.change.kind == "revocation" and outcome.change.role == Role.SOCIAL_WORKER
    response = session.get(reverse("cases:client_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not UserSession.objects.filter(user=social_worker).exists()


def test_deactivation_takes_the_role_and_pending_requests_and_ends_the_sessions(
    admin_staff, second_admin, social_worker, client_of
):
    session = client_of(social_worker)
    pending = make_role_request(second_admin, role=Role.TEAM_LEAD, receiver=social_worker)
    services.account_active_set(user=social_worker, active=False, actor=admin_staff)
    account = _fresh(social_worker)
    assert not account.is_active and account.role is None
    assert AccessChange.objects.get(pk=pending.pk).state == "withdrawn"
    assert session.get(reverse("dashboard")).status_code == 302

    services.account_active_set(user=account, active=True, actor=second_admin)
    assert _fresh(account).is_active and _fresh(account).role is None  # a new confirmation is needed


def test_nobody_deactivates_themselves(admin_staff):
    _refused("eigenes Konto", services.account_active_set, user=admin_staff, active=False, actor=admin_staff)
    assert _fresh(admin_staff).is_active


def test_other_users_sessions_stay(admin_staff, social_worker, team_lead, client_of):
    lead_session = client_of(team_lead)
    services.role_change(user=social_worker, role=None, actor=admin_staff)
    assert lead_session.get(reverse("dashboard")).status_code == 200


def test_clearsessions_still_removes_expired_sessions(social_worker, team_lead, client_of):
    client_of(social_worker)
    client_of(team_lead)
    UserSession.objects.filter(user=social_worker).update(expire_date=timezone.now() - timedelta(minutes=1))
    call_command("clearsessions")
    assert list(UserSession.objects.values_list("user", flat=True)) == [team_lead.pk]


# --- The history names who asked and who agreed ---------------------------------------------------------


def test_every_step_is_in_the_history_with_who_and_when(admin_staff, team_lead, client_of):
    change = make_role_request(admin_staff)
    client_of(team_lead).post(reverse("access:request_confirm", args=[change.pk]))
    events = list(AccessChangeEvent.objects.filter(pgh_obj=change).order_by("pgh_id").select_related("pgh_context"))
    assert [(event.pgh_label, event.state) for event in events] == [("insert", "pending"), ("update", "confirmed")]
    assert events[-1].pgh_context.metadata["user"] == team_lead.pk
    assert events[-1].decided_by_id == team_lead.pk


# --- A lost phone or key: the second factor is reset by others --------------------------------------


def _has_factor(user):
    from hagen_zuhause.second_factor.services import has_second_factor

    return has_second_factor(_fresh(user))


def test_a_second_factor_reset_of_a_client_data_account_waits_for_a_team_lead(
    admin_staff, team_lead, social_worker, client_of
):
    from hagen_zuhause.tests.second_factor import app_enrolled

    app_enrolled(social_worker)
    session = client_of(social_worker)
    outcome = services.second_factor_reset_request(user=social_worker, actor=admin_staff, reason="Handy verloren")
    assert outcome.change.is_pending and outcome.change.kind == "second_factor_reset"
    assert _has_factor(social_worker)  # Verwaltung alone changes nothing

    _refused("eigenen zweiten Faktor", services.second_factor_reset_request, user=admin_staff, actor=admin_staff)
    _refused("Nur eine Teamleitung", services.access_request_confirm, change=outcome.change, actor=admin_staff)

    services.access_request_confirm(change=outcome.change, actor=team_lead)
    assert not _has_factor(social_worker)
    assert session.get(reverse("dashboard")).status_code == 302  # logged out everywhere
    change = AccessChange.objects.get(pk=outcome.change.pk)
    assert (change.state, change.decided_by) == ("confirmed", team_lead)


def test_a_verwaltung_accounts_second_factor_is_reset_at_once_by_another_verwaltung(admin_staff, second_admin):
    from hagen_zuhause.tests.second_factor import app_enrolled

    app_enrolled(second_admin)
    outcome = services.second_factor_reset_request(user=second_admin, actor=admin_staff)
    assert outcome.change.state == "direct"
    assert not _has_factor(second_admin)


def test_the_second_factor_reset_page_requests_and_the_team_lead_confirms(
    admin_staff, team_lead, social_worker, client_of
):
    from hagen_zuhause.tests.second_factor import app_enrolled

    app_enrolled(social_worker)
    page = client_of(admin_staff).get(reverse("access:user_detail", args=[social_worker.pk])).content.decode()
    assert "Zurücksetzen des zweiten Faktors beantragen" in page
    response = client_of(admin_staff).post(
        reverse("access:user_second_factor_reset", args=[social_worker.pk]), {"reason": "Handy verloren"}
    )
    assert response.status_code == 302
    change = AccessChange.objects.pending().get(receiver=social_worker)
    assert _has_factor(social_worker)
    client_of(team_lead).post(reverse("access:request_confirm", args=[change.pk]))
    assert not _has_factor(social_worker)
