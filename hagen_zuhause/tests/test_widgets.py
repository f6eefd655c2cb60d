"""The select written in Python answers with exactly the HTML of Django's own select."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from cases.models.clients import NATIONALITY_CHOICES
from hagen_zuhause.countries import LANGUAGES
from hagen_zuhause.widgets import LongSelect, LongSelectMultiple


@pytest.mark.parametrize("value", ["BG", "", None, "XX", "unknown"])
@pytest.mark.parametrize(
    "attrs", [{}, {"id": "id_nationality", "class": "form-select", "required": True, "aria-describedby": "x<y"}]
)
def test_the_long_select_renders_what_djangos_select_renders(value, attrs):
    choices = [("", "---------"), *NATIONALITY_CHOICES, ("a&b", "Ä & <Ö>")]
    django_html = forms.Select(choices=choices).render("nationality", value, attrs=attrs, renderer=DjangoTemplates())
    assert LongSelect(choices=choices).render("nationality", value, attrs=attrs) == django_html


@pytest.mark.parametrize("value", [["bg", "ro"], [], None, ["xx"], ["a&b"]])
def test_the_long_multiple_select_renders_what_djangos_renders(value):
    choices = [*LANGUAGES, ("a&b", "Ä & <Ö>")]
    attrs = {"id": "id_languages", "size": 6, "class": "form-select"}
    django_html = forms.SelectMultiple(choices=choices).render(
        "languages", value, attrs=attrs, renderer=DjangoTemplates()
    )
    assert LongSelectMultiple(choices=choices).render("languages", value, attrs=attrs) == django_html


def test_a_kept_option_list_marks_only_this_pages_choice():
    choices = [("", "---------"), *NATIONALITY_CHOICES]
    first = LongSelect(choices=choices).render("nationality", "BG")
    second = LongSelect(choices=choices).render("nationality", "RO")
    assert '<option value="BG" selected>' in first and '<option value="RO" selected>' not in first
    assert '<option value="RO" selected>' in second and '<option value="BG" selected>' not in second
    assert second.count(" selected") == 1


def test_model_choices_are_written_as_django_writes_them(db, organisation, social_worker):
    from hagen_zuhause.models import User

    field = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), widget=LongSelect)
    django_field = forms.ModelChoiceField(queryset=User.objects.order_by("pk"))
    value = social_worker.pk
    assert field.widget.render("worker", value) == django_field.widget.render("worker", value)


def test_a_country_list_of_the_intake_form_is_the_fast_one(db):
    from cases.forms.clients import HouseholdMemberForm

    assert isinstance(HouseholdMemberForm().fields["nationality"].widget, LongSelect)


def test_the_country_lists_are_shared_by_the_forms_and_still_checked(db, social_worker):
    """Each form built shares the country list of its class (not a copy); a country outside it is refused."""
    from cases.forms.clients import ClientIntakeForm, HouseholdMemberForm

    first, second = HouseholdMemberForm(), HouseholdMemberForm()
    assert first.fields["nationality"].choices is second.fields["nationality"].choices
    assert first.fields["nationality"].widget.choices is second.fields["nationality"].widget.choices
    assert ("BG", "Bulgarien") in list(first.fields["nationality"].choices)
    intake = ClientIntakeForm(user=social_worker, data={"nationality": "XX"})
    assert not intake.is_valid() and "nationality" in intake.errors
    intake = ClientIntakeForm(user=social_worker, data={"nationality": "BG", "languages": ["bg", "xx"]})
    intake.is_valid()
    assert "nationality" not in intake.errors and "languages" in intake.errors


def test_the_language_list_of_the_intake_form_is_the_fast_one(db, social_worker):
    from cases.forms.clients import ClientIntakeForm

    assert isinstance(ClientIntakeForm(user=social_worker).fields["languages"].widget, LongSelectMultiple)


class _FilterForm(forms.Form):
    q = forms.CharField(label="Name <oder> Fallnummer", required=False, help_text="Auch Aliasnamen")
    group = forms.ChoiceField(label="Zielgruppe", choices=[("", "alle"), ("women", "Frauen")], required=False)
    overdue = forms.BooleanField(label="Überfällig", required=False)


def _filter_field(form, name):
    from django.template import Context, Template

    return Template("{% load hagen_zuhause %}{% filter_field field %}").render(Context({"field": form[name]}))


def test_a_filter_field_has_its_label_its_control_and_its_help():
    form = _FilterForm({"q": "Iva", "group": "women"})
    text = _filter_field(form, "q")
    assert '<label for="id_q" class="form-label">Name &lt;oder&gt; Fallnummer</label>' in text
    assert 'class="form-control"' in text and 'value="Iva"' in text
    assert 'aria-describedby="id_q_helptext"' in text and '<div id="id_q_helptext" class="form-text">' in text
    select = _filter_field(form, "group")
    assert 'class="form-select"' in select and '<option value="women" selected>Frauen</option>' in select
    checkbox = _filter_field(form, "overdue")
    assert 'class="form-check mb-3"' in checkbox and 'class="form-check-input"' in checkbox


def test_a_filter_field_with_a_wrong_value_says_why_and_points_to_it():
    form = _FilterForm({"group": "nobody"})
    assert not form.is_valid()
    select = _filter_field(form, "group")
    assert 'class="form-select is-invalid"' in select and 'aria-invalid="true"' in select
    assert 'aria-describedby="id_group_error"' in select
    assert '<div id="id_group_error" class="invalid-feedback d-block"><strong>' in select
