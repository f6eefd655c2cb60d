"""The second factor: set-up, the second step of the login, the gate, recovery codes, locks and resets."""

import re
from datetime import timedelta

import pghistory
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from hagen_zuhause.models import (
    AuthenticatorAppEvent,
    Organisation,
    RecoveryCodesEvent,
    SecondFactorFailures,
    UserSession,
)
from hagen_zuhause.second_factor import session as second_factor_session
from hagen_zuhause.second_factor.middleware import OPEN_ROUTES
from hagen_zuhause.second_factor.services import (
    second_factor_enrolled,
    second_factor_verify,
    totp_device_enrol,
    totp_key_new,
)
from hagen_zuhause.services import demo_organisation_ensure, second_factor_reset
from hagen_zuhause.tests.second_factor import app_code, app_enrolled, key_from_text
from tests.routes import LOGIN
from tests.test_permission_matrix import MATRIX, _kwargs, _request

RECOVERY_CODE = re.compile(r"^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$")


def _login(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


@pytest.fixture
def required(organisation):
    """The fixtures' organisation with the second factor required, as every new organisation has it."""
    organisation.require_second_factor = True
    organisation.save()
    return organisation


# --- The organisation's setting --------------------------------------------------------------


def test_new_organisations_require_a_second_factor_the_demo_organisation_does_not(db):
    assert Organisation.objects.create(name="Stadt Witten", short_name="Witten").require_second_factor
    demo, _created = demo_organisation_ensure(password="ein langes Demopasswort 2026")
    assert not demo.require_second_factor


def test_administration_switches_the_setting_of_its_own_organisation_with_history(client_of, admin_staff):
    organisation = admin_staff.organisation
    response = client_of(admin_staff).post(
        reverse("admin:hagen_zuhause_organisation_change", args=[organisation.pk]),
        {
            "short_name": organisation.short_name,
            "municipality_key": organisation.municipality_key,
            "require_second_factor": "on",
            "holiday_state": organisation.holiday_state,
            "retention_client_years": organisation.retention_client_years,
            "retention_access_log_years": organisation.retention_access_log_years,
            "retention_login_attempt_days": organisation.retention_login_attempt_days,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation.refresh_from_db()
    assert organisation.require_second_factor
    event = organisation.events.order_by("-pgh_id").first()
    assert event.require_second_factor
    assert event.pgh_context.metadata["actor"] == admin_staff.username


def test_administration_never_sees_second_factors_in_the_admin(client_of, admin_staff, team_lead):
    app_enrolled(team_lead)
    client = client_of(admin_staff)
    index = client.get(reverse("admin:index")).content.decode()
    assert "TOTP" not in index
    assert "otp_static" not in index and "otp_totp" not in index and "webauthn" not in index.lower()
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


# --- Setting up an authenticator app -----------------------------------------------------------


def test_setting_up_an_app_makes_ten_recovery_codes_stored_hashed(social_worker):
    device, codes = app_enrolled(social_worker)
    assert device.confirmed and device.user == social_worker and device.name == "Diensthandy"
    assert len(codes) == 10 == len(set(codes))
    assert all(RECOVERY_CODE.match(code) for code in codes)
    stored = set(StaticToken.objects.filter(device__user=social_worker).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {code.replace("-", "") for code in codes}
    assert [event.pgh_label for event in AuthenticatorAppEvent.objects.filter(user=social_worker)] == ["insert"]
    assert RecoveryCodesEvent.objects.filter(user=social_worker, pgh_label="insert").count() == 1


def test_a_wrong_code_sets_nothing_up(social_worker):
    key = totp_key_new()
    wrong = f"{(int(app_code(key)) + 1) % 1_000_000:06d}"
    with pytest.raises(ValidationError):
        totp_device_enrol(user=social_worker, key=key, code=wrong, name="")
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()


def test_a_double_submit_sets_up_one_app(social_worker):
    key = totp_key_new()
    first, codes = totp_device_enrol(user=social_worker, key=key, code=app_code(key), name="")
    again, more_codes = totp_device_enrol(user=social_worker, key=key, code=app_code(key), name="")
    assert again == first
    assert len(codes) == 10 and more_codes == []
    assert TOTPDevice.objects.count() == 1


def test_a_second_factor_makes_no_new_recovery_codes(social_worker):
    app_enrolled(social_worker)
    _device, codes = app_enrolled(social_worker, name="Tablet")
    assert codes == []
    assert StaticToken.objects.count() == 10


def test_the_first_factor_ends_the_users_other_sessions(social_worker, team_lead):
    elsewhere, here, colleague = Client(), Client(), Client()
    _login(elsewhere, social_worker)
    _login(here, social_worker)
    _login(colleague, team_lead)
    second_factor_enrolled(user=social_worker, session_key=here.session.session_key)
    assert not UserSession.objects.filter(session_key=elsewhere.session.session_key).exists()
    assert UserSession.objects.filter(session_key=here.session.session_key).exists()
    assert UserSession.objects.filter(session_key=colleague.session.session_key).exists()


def test_the_set_up_page_shows_the_qr_code_and_the_key_and_confirms_with_a_code(client_of, social_worker):
    client = client_of(social_worker)
    page = client.get(reverse("second_factor:totp"))
    text = page.content.decode()
    assert 'src="data:image/svg+xml' in text
    assert "<script>" not in text
    key_text = re.search(r'id="totp-key">([A-Z2-7 ]+)<', text).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key_text)
    assert client.get(reverse("second_factor:totp")).content.decode().count(key_text) == 1  # same key on reload

    key = key_from_text(key_text)
    response = client.post(reverse("second_factor:totp"), {"code": app_code(key), "name": "Diensthandy"})
    assert response.status_code == 302
    assert response.url == reverse("second_factor:recovery_codes")
    codes_page = client.get(response.url).content.decode()
    assert len(re.findall(r"<code>[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}</code>", codes_page)) == 10
    # Shown once: the page does not show them again.
    assert client.get(reverse("second_factor:recovery_codes")).url == reverse("second_factor:account")
    assert TOTPDevice.objects.get(user=social_worker).name == "Diensthandy"


def test_the_app_shows_the_account_under_the_organisations_name(social_worker):
    url = TOTPDevice(user=social_worker, key=totp_key_new()).config_url
    assert url.startswith("otpauth://totp/Fachstelle%20Wohnen%20Hagen%3As.albers?secret=")
    assert url.endswith("&issuer=Fachstelle%20Wohnen%20Hagen")


def test_a_wrong_code_on_the_set_up_page_is_refused_in_german(client_of, social_worker):
    client = client_of(social_worker)
    client.get(reverse("second_factor:totp"))
    response = client.post(reverse("second_factor:totp"), {"code": "000000", "name": ""})
    assert response.status_code == 200
    assert "Dieser Code passt nicht" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_nobody_adds_a_factor_before_passing_the_second_step(social_worker):
    app_enrolled(social_worker)
    client = Client()
    _login(client, social_worker)
    for name in ("second_factor:totp", "second_factor:passkey"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("second_factor:verify"))
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 302


# --- The second step of the login --------------------------------------------------------------


def test_login_with_an_app_passes_the_second_step(social_worker):
    device, _codes = app_enrolled(social_worker)
    client = Client()
    assert _login(client, social_worker).url == reverse("dashboard")
    response = client.get(reverse("cases:client_list"))
    assert response.status_code == 302
    assert response.url == f"{reverse('second_factor:verify')}?next=%2Fclients%2F"
    assert client.get(response.url).status_code == 200
    session_key = client.session.session_key

    wrong = client.post(reverse("second_factor:verify"), {"code": "123456", "next": "/clients/"})
    assert wrong.status_code == 200
    assert "Dieser Code ist nicht richtig" in wrong.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302

    SecondFactorFailures.objects.all().delete()
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    right = client.post(
        reverse("second_factor:verify"), {"code": app_code(device.key, steps_ahead=1), "next": "/clients/"}
    )
    assert right.status_code == 302
    assert right.url == "/clients/"
    assert client.get(reverse("cases:client_list")).status_code == 200
    assert client.session.session_key != session_key  # a new session key once verified


def test_a_code_is_accepted_once(social_worker):
    device, _codes = app_enrolled(social_worker)
    code = app_code(device.key, steps_ahead=1)
    assert second_factor_verify(user=social_worker, code=code).device == device
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert second_factor_verify(user=social_worker, code=code).device is None


def test_a_recovery_code_works_once(social_worker):
    _device, codes = app_enrolled(social_worker)
    used = codes[3]
    result = second_factor_verify(user=social_worker, code=used.upper().replace("-", " "))
    assert isinstance(result.device, StaticDevice)
    assert StaticToken.objects.count() == 9
    StaticDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert second_factor_verify(user=social_worker, code=used).device is None
    StaticDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert second_factor_verify(user=social_worker, code=codes[4]).device is not None


def test_a_recovery_code_logs_in_and_says_how_many_are_left(social_worker):
    _device, codes = app_enrolled(social_worker)
    client = Client()
    _login(client, social_worker)
    response = client.post(reverse("second_factor:verify"), {"code": codes[0], "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Wiederherstellungscode verwendet; es bleiben 9" in response.content.decode()


def _wrong_codes(user, count):
    results = []
    for _attempt in range(count):
        # As if the growing delay of django-otp had passed: each attempt is checked.
        TOTPDevice.objects.update(throttling_failure_timestamp=timezone.now() - timedelta(minutes=5))
        results.append(second_factor_verify(user=user, code="000000"))
    return results


def test_codes_in_quick_succession_are_throttled_without_being_checked(social_worker):
    device, _codes = app_enrolled(social_worker)
    assert second_factor_verify(user=social_worker, code="000000").device is None
    throttled = second_factor_verify(user=social_worker, code=app_code(device.key, steps_ahead=1))
    assert throttled.device is None
    assert throttled.wait_until > timezone.now()
    assert SecondFactorFailures.objects.get(user=social_worker).count == 1


def test_five_wrong_codes_lock_the_second_step_for_the_lockout_time(social_worker):
    device, _codes = app_enrolled(social_worker)
    results = _wrong_codes(social_worker, 5)
    assert all(result.locked_until is None for result in results[:4])
    locked_until = results[4].locked_until
    assert timedelta(minutes=14) < locked_until - timezone.now() <= timedelta(minutes=15)

    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    right = app_code(device.key, steps_ahead=1)
    assert second_factor_verify(user=social_worker, code=right).locked_until == locked_until

    SecondFactorFailures.objects.update(last_failure_at=timezone.now() - timedelta(minutes=16))
    assert second_factor_verify(user=social_worker, code=right).device == device
    assert SecondFactorFailures.objects.get(user=social_worker).count == 0


def test_the_lock_says_until_when_in_german(social_worker):
    app_enrolled(social_worker)
    client = Client()
    _login(client, social_worker)
    _wrong_codes(social_worker, 4)
    TOTPDevice.objects.update(throttling_failure_timestamp=timezone.now() - timedelta(minutes=5))
    response = client.post(reverse("second_factor:verify"), {"code": "000000"})
    text = response.content.decode()
    until = timezone.localtime(SecondFactorFailures.objects.get().last_failure_at + timedelta(minutes=15))
    assert "Zu viele falsche Codes" in text
    assert f"gesperrt bis {until:%d.%m.%Y, %H:%M}" in text
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_login_of_a_user_without_factor_is_not_held_up_when_not_required(client, social_worker):
    _login(client, social_worker)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("second_factor:verify")).url == reverse("dashboard")


def test_a_user_with_a_factor_passes_the_second_step_even_when_not_required(client, social_worker):
    app_enrolled(social_worker)
    _login(client, social_worker)
    assert client.get(reverse("dashboard")).url.startswith(reverse("second_factor:verify"))


# --- The gate of organisations that require a second factor -------------------------------------


def test_without_a_factor_only_set_up_and_logout_are_open(required, social_worker):
    client = Client()
    _login(client, social_worker)
    response = client.get(reverse("dashboard"))
    assert response.url == f"{reverse('second_factor:account')}?next=%2F"
    page = client.get(response.url)
    text = page.content.decode()
    assert "Bitte richten Sie zuerst einen zweiten Faktor ein" in text
    assert reverse("cases:client_list") not in text  # no menu
    for name in ("second_factor:totp", "second_factor:passkey", "second_factor:account"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get("/static/css/app.css").status_code == 200
    assert client.post(reverse("logout")).url == reverse("login")


#: Every route that needs a login, except the set-up's own (and logout, which needs none).
GATED_ROUTES = sorted(
    name for name, route in MATRIX.items() if route.anonymous == LOGIN and name not in OPEN_ROUTES["enrol"]
)


@pytest.mark.parametrize("name", GATED_ROUTES)
def test_without_a_factor_every_other_route_leads_to_the_set_up(required, role_users, name):
    route = MATRIX[name]
    kwargs = _kwargs(route, role_users)
    client = Client()
    client.force_login(role_users["team_lead"])
    response = _request(client, route, name, kwargs)
    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('second_factor:account')}?next=")


def test_htmx_requests_are_sent_to_the_set_up_with_hx_redirect(required, social_worker):
    client = Client()
    _login(client, social_worker)
    response = client.get(reverse("reports:dashboard_panel"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("second_factor:account"))


def test_the_gate_opens_once_a_factor_is_set_up(required, social_worker):
    client = Client()
    _login(client, social_worker)
    client.get(reverse("second_factor:totp"))
    key = client.session[second_factor_session.TOTP_KEY]
    client.post(reverse("second_factor:totp"), {"code": app_code(key), "name": ""})
    assert client.get(reverse("dashboard")).status_code == 200
    assert DEVICE_ID_SESSION_KEY in client.session


@pytest.mark.parametrize("debug_policy", [True, False])
def test_platform_superusers_need_a_second_factor_unless_in_development(db, settings, debug_policy):
    from hagen_zuhause.models import User

    settings.SECOND_FACTOR_REQUIRED_FOR_SUPERUSERS = debug_policy
    User.objects.create_superuser("plattform", "plattform@example.org", PASSWORD)
    client = Client()
    client.post(reverse("login"), {"username": "plattform", "password": PASSWORD})
    response = client.get(reverse("admin:index"))
    if debug_policy:
        assert response.url.startswith(reverse("second_factor:account"))
    else:
        assert response.status_code == 200


# --- The account page ---------------------------------------------------------------------------


def test_the_account_page_lists_the_factors_with_set_up_and_last_use(client_of, social_worker):
    device, _codes = app_enrolled(social_worker)
    second_factor_verify(user=social_worker, code=app_code(device.key, steps_ahead=1))
    text = client_of(social_worker).get(reverse("second_factor:account")).content.decode()
    device.refresh_from_db()
    assert "Authenticator-App" in text and "Diensthandy" in text
    assert timezone.localtime(device.created_at).strftime("%d.%m.%Y %H:%M") in text
    assert timezone.localtime(device.last_used_at).strftime("%d.%m.%Y %H:%M") in text
    assert "Wiederherstellungscodes: 10 unbenutzte Codes" in text
    assert "Entfernen" not in text  # nobody removes their own factor


def test_the_account_page_reads_a_fixed_number_of_queries(client_of, social_worker):
    app_enrolled(social_worker)
    client = client_of(social_worker)
    client.get(reverse("second_factor:account"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("second_factor:account"))
    for number in range(4):
        app_enrolled(social_worker, name=f"Gerät {number}")
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("second_factor:account"))
    assert response.content.decode().count("Gerät ") == 4
    assert len(one) == len(five) <= 15


# --- Passkeys (the ceremony itself is tested in the browser) ------------------------------------


def test_passkey_registration_options_name_this_server_and_the_user(client_of, social_worker):
    response = client_of(social_worker).post(reverse("otp_webauthn:credential-registration-begin"))
    options = response.json()
    assert options["rp"]["id"] == "testserver"
    assert options["user"]["name"] == social_worker.username
    assert options["authenticatorSelection"]["residentKey"] == "preferred"


def test_a_forged_passkey_answer_is_refused_and_verifies_nothing(social_worker):
    app_enrolled(social_worker)
    client = Client()
    _login(client, social_worker)
    client.post(reverse("otp_webauthn:credential-authentication-begin"))
    response = client.post(
        reverse("otp_webauthn:credential-authentication-complete"),
        data={"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}},
        content_type="application/json",
    )
    assert response.status_code >= 400
    assert client.get(reverse("dashboard")).status_code == 302


# --- Reset by others ----------------------------------------------------------------------------


def test_a_reset_removes_every_factor_and_ends_the_sessions_with_history(social_worker, team_lead):
    app_enrolled(social_worker)
    SecondFactorFailures.objects.create(user=social_worker, count=3, last_failure_at=timezone.now())
    client = Client()
    _login(client, social_worker)
    second_factor_reset(user=social_worker, actor=team_lead)
    assert not TOTPDevice.objects.filter(user=social_worker).exists()
    assert not StaticDevice.objects.filter(user=social_worker).exists()
    assert not StaticToken.objects.exists()
    assert not SecondFactorFailures.objects.exists()
    assert client.get(reverse("dashboard")).url.startswith(reverse("login"))
    removed = AuthenticatorAppEvent.objects.get(user=social_worker, pgh_label="delete")
    assert removed.pgh_context.metadata["actor"] == team_lead.username
    assert removed.pgh_context.metadata["organisation"] == social_worker.organisation_id


def test_nobody_resets_their_own_second_factor(social_worker):
    app_enrolled(social_worker)
    with pytest.raises(ValidationError):
        second_factor_reset(user=social_worker, actor=social_worker)
    assert TOTPDevice.objects.filter(user=social_worker).exists()


def test_after_a_reset_the_next_login_sets_up_a_new_factor(required, social_worker, team_lead):
    app_enrolled(social_worker)
    with pghistory.context(user=team_lead.pk):
        second_factor_reset(user=social_worker, actor=team_lead)
    client = Client()
    _login(client, social_worker)
    assert client.get(reverse("dashboard")).url.startswith(reverse("second_factor:account"))
