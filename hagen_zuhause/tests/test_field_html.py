"""The fields of every crispy form are written in Python (hagen_zuhause.field_html): the markup must be
the one crispy-bootstrap5's own template writes, for every kind of control, with and without errors."""

import pytest
from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from crispy_forms.utils import render_crispy_form
from django import forms
from django.template import Context, Template
from django.template.loader import get_template
from django.test.html import parse_html

from hagen_zuhause import field_html
from hagen_zuhause.widgets import LongSelect, LongSelectMultiple

COLOURS = [("red", "Rot"), ("green", "Grün & Blau"), ("blue", "<b>Blau</b>")]
GROUPED = [("Warm", [("red", "Rot"), ("orange", "Orange")]), ("Kalt", [("blue", "Blau")])]


class EveryControlForm(forms.Form):
    required_css_class = "required"
    error_css_class = "has-error"

    name = forms.CharField(label="Name <du>", max_length=20, help_text="Wie im <em>Ausweis</em>")
    email = forms.EmailField(label="E-Mail", required=False)
    count = forms.IntegerField(label="Anzahl", min_value=1)
    rent = forms.DecimalField(label="Miete", max_digits=6, decimal_places=2, required=False)
    day = forms.DateField(label="Tag", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="Notiz", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    colour = forms.ChoiceField(label="Farbe", choices=COLOURS)
    country = forms.ChoiceField(label="Land", choices=COLOURS, widget=LongSelect, required=False)
    colours = forms.MultipleChoiceField(label="Farben", choices=COLOURS, required=False)
    languages = forms.MultipleChoiceField(
        label="Sprachen", choices=COLOURS, widget=LongSelectMultiple(attrs={"size": 3}), help_text="Strg"
    )
    maybe = forms.NullBooleanField(label="Vielleicht", required=False)
    agreed = forms.BooleanField(label="Einverstanden", help_text="Bitte lesen")
    newsletter = forms.BooleanField(label="Rundbrief", required=False)
    kind = forms.ChoiceField(label="Art", choices=COLOURS, widget=forms.RadioSelect, help_text="Eine Art")
    groups = forms.MultipleChoiceField(
        label="Gruppen", choices=COLOURS, widget=forms.CheckboxSelectMultiple, required=False
    )
    grouped = forms.ChoiceField(label="Gruppiert", choices=GROUPED, widget=forms.RadioSelect, required=False)
    styled = forms.CharField(label="Gestaltet", widget=forms.TextInput(attrs={"class": "wide form-control"}))
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    upload = forms.FileField(label="Datei", required=False)


INVALID = {
    "name": "",
    "email": "kein-name",
    "count": "0",
    "rent": "viel",
    "day": "morgen",
    "colour": "purple",
    "country": "purple",
    "colours": ["purple"],
    "languages": ["purple"],
    "kind": "purple",
    "groups": ["purple"],
    "grouped": "purple",
    "styled": "",
}
VALID = {
    "name": "Anna",
    "email": "a@example.org",
    "count": "2",
    "rent": "450.50",
    "day": "2026-12-07",
    "colour": "green",
    "country": "blue",
    "colours": ["red", "blue"],
    "languages": ["green"],
    "maybe": "true",
    "agreed": "on",
    "kind": "blue",
    "groups": ["red", "green"],
    "grouped": "orange",
    "styled": "x",
}

#: The settings crispy passes to a field: the helper's defaults, ``|as_crispy_field`` (which sets no
#: inline text), help and errors inline or not, labels hidden, a wrapper class, a table cell.
CONTEXTS = {
    "helper": {"form_show_errors": True, "form_show_labels": True, "error_text_inline": True},
    "filter": {"form_show_errors": True, "form_show_labels": True},
    "help inline": {"form_show_errors": True, "form_show_labels": True, "help_text_inline": True},
    "both inline": {
        "form_show_errors": True,
        "form_show_labels": True,
        "help_text_inline": True,
        "error_text_inline": True,
    },
    "errors hidden": {"form_show_errors": False, "form_show_labels": True},
    "no labels": {"form_show_errors": True, "form_show_labels": False, "error_text_inline": True},
    "wrapper class": {"form_show_errors": True, "form_show_labels": True, "wrapper_class": "placement-skip"},
    "horizontal": {"form_show_errors": True, "form_show_labels": True, "form_class": "form-horizontal"},
    "label class": {"form_show_errors": True, "form_show_labels": True, "label_class": "col-2"},
}


def _both(data, name, settings):
    """The field written by field_html and by crispy's template, each from a form of its own (crispy
    writes its classes into the widget)."""
    written = []
    for render in (field_html.render, lambda context: field_html.crispy_template().render(context)):
        form = EveryControlForm(data=data) if data is not None else EveryControlForm()
        if data is not None:
            form.is_valid()
        written.append(render(Context({"field": form[name], "flat_attrs": "", **settings})))
    return written


@pytest.mark.parametrize("data", [None, VALID, INVALID], ids=["empty", "valid", "invalid"])
@pytest.mark.parametrize("settings", CONTEXTS.values(), ids=CONTEXTS.keys())
@pytest.mark.parametrize("name", list(EveryControlForm.base_fields))
def test_every_control_is_written_as_crispy_writes_it(name, settings, data):
    ours, crispys = _both(data, name, settings)
    assert parse_html(ours) == parse_html(crispys), f"{name}:\n{ours}\n---\n{crispys}"


def test_the_errors_and_help_are_there_and_escaped():
    """The comparison above would pass if both wrote nothing: what a user must see is checked here."""
    form = EveryControlForm(data=INVALID)
    form.is_valid()
    name = field_html.render(Context({"field": form["name"], **CONTEXTS["helper"]}))
    assert 'class="textinput form-control is-invalid"' in name
    assert "Name &lt;du&gt;" in name and '<span class="asteriskField">*</span>' in name
    assert "Wie im <em>Ausweis</em>" in name  # help texts are written as they are, as crispy does
    assert 'id="error_1_id_name"' in name and "Dieses Feld ist zwingend erforderlich." in name
    kind = field_html.render(Context({"field": form["kind"], **CONTEXTS["helper"]}))
    assert "<legend" in kind and kind.count('type="radio"') == 3
    assert "&lt;b&gt;Blau&lt;/b&gt;" in kind
    assert "gültige Auswahl" in kind


def test_the_template_of_crispy_forms_is_the_projects():
    """Every crispy form, ``|crispy`` and ``|as_crispy_field`` goes through the project's field template;
    the comparisons above compare with crispy's own."""
    assert "crispy_bootstrap5" in field_html.crispy_template().origin.name
    form = EveryControlForm(data=INVALID)
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.layout = Layout("name", Field("kind", wrapper_class="placement-skip"), "upload")
    html = render_crispy_form(form)
    assert 'id="div_id_kind" class="mb-3 placement-skip ' in html
    assert 'type="file"' in html  # a file field is handed to crispy's own template
    filtered = Template("{% load crispy_forms_filters %}{{ form.agreed|as_crispy_field }}").render(
        Context({"form": form})
    )
    assert 'class="checkboxinput form-check-input is-invalid"' in filtered


#: The lists of choices that the layouts InlineRadios and InlineCheckboxes put side by side.
INLINE_FIELDS = ["kind", "groups", "grouped"]


def _both_inline(data, name, settings, template_name):
    written = []
    for render in (
        lambda context: field_html.render(context, template_name),
        lambda context: field_html.crispy_template(template_name).render(context),
    ):
        form = EveryControlForm(data=data) if data is not None else EveryControlForm()
        if data is not None:
            form.is_valid()
        written.append(render(Context({"field": form[name], "flat_attrs": "", "inline_class": "inline", **settings})))
    return written


@pytest.mark.parametrize("template_name", field_html.INLINE_TEMPLATES)
@pytest.mark.parametrize("data", [None, VALID, INVALID], ids=["empty", "valid", "invalid"])
@pytest.mark.parametrize("settings", CONTEXTS.values(), ids=CONTEXTS.keys())
@pytest.mark.parametrize("name", INLINE_FIELDS)
def test_choices_side_by_side_are_written_as_crispy_writes_them(name, settings, data, template_name):
    ours, crispys = _both_inline(data, name, settings, template_name)
    assert parse_html(ours) == parse_html(crispys), f"{name}:\n{ours}\n---\n{crispys}"


def test_choices_side_by_side_go_through_the_projects_templates():
    form = EveryControlForm(data=INVALID)
    form.is_valid()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.layout = Layout(InlineRadios("kind"), InlineCheckboxes("groups"))
    html = render_crispy_form(form)
    assert html.count('class="form-check form-check-inline"') == 6
    assert "<legend" in html and "&lt;b&gt;Blau&lt;/b&gt;" in html
    assert 'id="error_1_id_kind"' in html and "gültige Auswahl" in html
    for template_name in field_html.INLINE_TEMPLATES:
        assert "crispy_bootstrap5" in field_html.crispy_template(template_name).origin.name
        assert "crispy_bootstrap5" not in get_template(template_name).origin.name
