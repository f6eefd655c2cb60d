"""Forms of the client area: labels, scoped choices, German messages for bad input."""

from datetime import timedelta

from django.utils import timezone

from cases.forms.clients import ClientForm, ClientIntakeForm, ClientLinkForm, ConsentForm, ConsentWithdrawForm
from cases.models import ClientAlias
from cases.services.clients import client_version
from cooperation.models import Partner
from tests.builders import make_client

TOMORROW = timezone.localdate() + timedelta(days=1)


def _intake(user, **data):
    base = {
        "last_name": "Ivanov",
        "gender": "unknown",
        "nationality": "unknown",
        "interpreter_needed": "unknown",
        "income_source": "unknown",
        "case_type": "provision",
        "housing_situation": "unknown",
        "bagw_situation": "unknown",
    }
    return ClientIntakeForm({**base, **data}, user=user)


def test_every_intake_field_has_a_label(social_worker):
    form = ClientIntakeForm(user=social_worker)
    unlabelled = [name for name, field in form.fields.items() if not field.label]
    assert unlabelled == []
    assert str(form.fields["case_type"].label) == "Art des Falls, der eröffnet wird"


def test_minimal_intake_is_valid_and_care_level_unknown_is_none(social_worker):
    form = _intake(social_worker, care_level="")
    assert form.is_valid(), form.errors
    assert form.client_fields()["care_level"] is None
    assert form.consent() is None


def test_birth_date_and_estimated_year_exclude_each_other(social_worker):
    form = _intake(social_worker, birth_date="1980-01-01", birth_year_estimated="1980")
    assert not form.is_valid()
    assert "nicht beides" in form.errors["birth_year_estimated"][0]


def test_dates_in_the_future_are_refused(social_worker):
    form = _intake(social_worker, birth_date=TOMORROW.isoformat(), homeless_since=TOMORROW.isoformat())
    assert not form.is_valid()
    assert form.errors["birth_date"] == ["Das Geburtsdatum liegt in der Zukunft."]
    assert form.errors["homeless_since"] == ["Dieses Datum liegt in der Zukunft."]


def test_a_partly_filled_consent_asks_for_the_rest(social_worker):
    form = _intake(social_worker, consent_expires_on="2027-01-01")
    assert not form.is_valid()
    assert form.errors["consent_scope"] == ["Bitte wählen Sie, wofür die Einwilligung gilt."]
    assert form.errors["consent_given_on"] == ["Bitte geben Sie an, wann die Einwilligung erteilt wurde."]


def test_partner_choices_are_the_offices_active_partners(social_worker, organisation, other_organisation):
    own = Partner.objects.create(organisation=organisation, name="Jobcenter Hagen", kind="jobcenter")
    Partner.objects.create(organisation=organisation, name="Ehemalig", kind="other", active=False)
    Partner.objects.create(organisation=other_organisation, name="Jobcenter Dortmund", kind="jobcenter")
    assert list(ClientIntakeForm(user=social_worker).fields["consent_partner"].queryset) == [own]
    assert list(ConsentForm(user=social_worker).fields["partner"].queryset) == [own]


def test_edit_form_carries_the_version_of_the_data_spellings_and_household(social_worker):
    client = make_client(social_worker)
    form = ClientForm(instance=client)
    assert form["version"].value() == client_version(client)
    assert "health_notes" not in form.fields
    ClientAlias.objects.create(client=client, first_name="Георги", last_name="Иванов")
    assert ClientForm(instance=client)["version"].value() != form["version"].value()


def test_link_form_offers_only_visible_other_records(social_worker, team_lead):
    client = make_client(social_worker)
    other = make_client(social_worker)
    hidden = make_client(team_lead, restricted=True)
    choices = set(ClientLinkForm(user=social_worker, client=client).fields["other"].queryset)
    assert choices == {other}
    form = ClientLinkForm({"other": hidden.pk}, user=social_worker, client=client)
    assert not form.is_valid()
    assert form.errors["other"] == ["Diese Akte kann nicht verknüpft werden."]


def test_a_withdrawal_cannot_lie_in_the_future():
    form = ConsentWithdrawForm({"withdrawn_on": TOMORROW.isoformat()})
    assert not form.is_valid()
    assert form.errors["withdrawn_on"] == ["Dieses Datum liegt in der Zukunft."]
