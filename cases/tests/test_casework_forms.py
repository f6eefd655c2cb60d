"""Forms of the case work: only fitting choices, German input, sensible defaults."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cases.forms.casework import CaseCloseForm, ContactQuickForm, NoticeForm, StayForm, TaskForm
from cases.models import Notice, Task
from hagen_zuhause.codes import CaseType, Outcome
from hagen_zuhause.roles import Role
from hagen_zuhause.services import user_create
from tests.builders import make_case, make_client


def test_closing_offers_only_the_outcomes_of_the_kind_of_case(social_worker):
    client = make_client(social_worker)
    prevention = make_case(client, social_worker, case_type=CaseType.PREVENTION)
    provision = make_case(client, social_worker, case_type=CaseType.PROVISION)

    prevention_choices = {code for code, _label in CaseCloseForm(case=prevention).fields["outcome"].choices}
    provision_choices = {code for code, _label in CaseCloseForm(case=provision).fields["outcome"].choices}

    assert Outcome.TENANCY_KEPT in prevention_choices
    assert Outcome.PLACED_OWN_TENANCY not in prevention_choices
    assert Outcome.DECEASED in provision_choices
    assert Outcome.TENANCY_KEPT not in provision_choices
    form = CaseCloseForm({"outcome": Outcome.DECEASED, "closed_on": timezone.localdate()}, case=prevention)
    assert not form.is_valid()
    assert "outcome" in form.errors


def test_the_quick_contact_entry_starts_with_today_and_an_office_contact():
    form = ContactQuickForm()
    assert form.fields["date"].initial == timezone.localdate()
    assert form.fields["contact_type"].initial == "office"
    assert "" not in [code for code, _label in form.fields["contact_type"].choices]
    html = form.as_p()
    assert 'type="date"' in html
    assert f'value="{timezone.localdate().isoformat()}"' in html


def test_the_interpreter_box_is_ticked_for_a_client_who_needs_an_interpreter(social_worker):
    needs = make_client(social_worker, interpreter_needed="yes")
    does_not = make_client(social_worker, interpreter_needed="no")
    unknown = make_client(social_worker)
    assert "checked" in str(ContactQuickForm(client=needs)["interpreter_used"])
    assert "checked" not in str(ContactQuickForm(client=does_not)["interpreter_used"])
    assert "checked" not in str(ContactQuickForm(client=unknown)["interpreter_used"])
    unticked = ContactQuickForm({"date": timezone.localdate().isoformat(), "contact_type": "phone"}, client=needs)
    assert unticked.is_valid()
    assert unticked.cleaned_data["interpreter_used"] is False


def test_a_contact_in_the_future_is_refused():
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = ContactQuickForm({"date": tomorrow.isoformat(), "contact_type": "phone"})
    assert not form.is_valid()
    assert "date" in form.errors


def test_a_stay_cannot_end_before_it_starts():
    form = StayForm(
        {"kind": "emergency_shelter", "provider_type": "municipal", "start": "2026-05-01", "end": "2026-04-30"}
    )
    assert not form.is_valid()
    assert form.errors["end"] == ["Das Ende liegt vor dem Beginn."]


def test_amounts_are_read_the_german_way(social_worker):
    client = make_client(social_worker)
    data = {
        "kind": "eviction_suit",
        "received_on": timezone.localdate().isoformat(),
        "monthly_rent": "480,50",
        "arrears": "1.441,50 €",
        "debt_takeover_amount": "1441.5",
    }
    form = NoticeForm(data, instance=Notice(client=client), client=client)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["monthly_rent"] == Decimal("480.50")
    assert form.cleaned_data["arrears"] == Decimal("1441.50")
    assert form.cleaned_data["debt_takeover_amount"] == Decimal("1441.5")
    thousands = NoticeForm({**data, "arrears": "2.500"}, instance=Notice(client=client), client=client)
    assert thousands.is_valid() and thousands.cleaned_data["arrears"] == Decimal("2500")
    bad = NoticeForm({**data, "arrears": "viel"}, instance=Notice(client=client), client=client)
    assert not bad.is_valid()
    assert "arrears" in bad.errors


def test_a_new_notice_starts_with_today_and_the_open_prevention_case(social_worker):
    client = make_client(social_worker)
    make_case(client, social_worker, case_type=CaseType.PROVISION)
    prevention = make_case(client, social_worker, case_type=CaseType.PREVENTION)
    html = str(NoticeForm(instance=Notice(client=client), client=client)["received_on"])
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert f'<option value="{prevention.pk}" selected>' in str(
        NoticeForm(instance=Notice(client=client), client=client)["case"]
    )


def test_a_new_notice_preselects_the_only_open_case_whatever_its_kind(social_worker):
    client = make_client(social_worker)
    provision = make_case(client, social_worker, case_type=CaseType.PROVISION)
    assert f'<option value="{provision.pk}" selected>' in str(
        NoticeForm(instance=Notice(client=client), client=client)["case"]
    )


def test_a_new_notice_leaves_the_case_open_when_there_is_no_open_case(social_worker):
    client = make_client(social_worker)
    assert " selected>" not in str(NoticeForm(instance=Notice(client=client), client=client)["case"]).replace(
        '<option value="" selected>', ""
    )


def test_only_an_eviction_suit_or_court_notice_has_a_service_date(social_worker):
    client = make_client(social_worker)
    data = {"kind": "notice_to_quit", "received_on": timezone.localdate().isoformat(), "served_on": "2026-01-05"}
    form = NoticeForm(data, instance=Notice(client=client), client=client)
    assert not form.is_valid()
    assert "served_on" in form.errors


def test_tasks_can_be_assigned_to_active_case_workers_of_the_office_only(
    social_worker, team_lead, admin_staff, outsider, organisation
):
    former = user_create(organisation=organisation, username="ehemalig", role=Role.SOCIAL_WORKER, password=None)
    former.is_active = False
    former.save()
    client = make_client(social_worker)

    choices = set(TaskForm(user=social_worker, client=client).fields["assignee"].queryset)

    assert choices == {social_worker, team_lead}
    assert (
        TaskForm(user=social_worker, client=client, instance=Task(client=client))["assignee"].value()
        == social_worker.pk
    )


def test_tasks_about_a_restricted_client_go_only_to_who_may_see_it(social_worker, team_lead, organisation):
    colleague = user_create(organisation=organisation, username="k.kaya", role=Role.SOCIAL_WORKER, password=None)
    protected = make_client(social_worker, restricted=True)

    choices = set(TaskForm(user=social_worker, client=protected).fields["assignee"].queryset)

    assert choices == {social_worker, team_lead}
    assert colleague not in choices


def test_amounts_are_shown_the_german_way(social_worker):
    client = make_client(social_worker)
    notice = Notice(client=client, kind="eviction_suit", received_on=timezone.localdate(), arrears=Decimal("1441.50"))
    assert 'value="1441,50"' in str(NoticeForm(instance=notice, client=client)["arrears"])
