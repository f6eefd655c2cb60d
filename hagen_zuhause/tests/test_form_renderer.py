"""The form renderer writes inputs, text areas and selects in Python: character for character what
Django's own templates write, for every value a form may hold."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from hagen_zuhause.form_renderer import FormRenderer
from hagen_zuhause.widgets import LongSelect

ATTRS = [
    {},
    {"class": "form-control is-invalid", "id": "id_x", "required": True, "disabled": False},
    {"placeholder": 'Name "mit" <Zeichen> & mehr', "data-n": 3, "aria-describedby": "id_x_helptext"},
    {"maxlength": None, "autofocus": True, "size": Decimal("1.5")},
]
CHOICES = [
    ("", "---------"),
    ("BG", "Bulgarien"),
    ("a&b", "<b>fett</b> & mehr"),
    (3, 1234567),
    ("lazy", gettext_lazy("unknown")),
    ("safe", mark_safe("<i>schon sicher</i>")),
    ("dez", Decimal("1234.5")),
    ("tag", datetime.date(2026, 12, 7)),
]
GROUPED = [("Gruppe <1>", [("a", "A"), ("b", "B")]), ("", [("c", "C")]), (2026, [(4, "vier")])]

WIDGETS = {
    "text": forms.TextInput,
    "number": forms.NumberInput,
    "email": forms.EmailInput,
    "url": forms.URLInput,
    "password": lambda attrs: forms.PasswordInput(attrs, render_value=True),
    "hidden": forms.HiddenInput,
    "date": lambda attrs: forms.DateInput({**attrs, "type": "date"}, format="%Y-%m-%d"),
    "german date": forms.DateInput,
    "time": forms.TimeInput,
    "datetime": forms.DateTimeInput,
    "checkbox": forms.CheckboxInput,
    "textarea": forms.Textarea,
    "select": lambda attrs: forms.Select(attrs, choices=CHOICES),
    "grouped select": lambda attrs: forms.Select(attrs, choices=GROUPED),
    "select multiple": lambda attrs: forms.SelectMultiple(attrs, choices=CHOICES),
    "null boolean": forms.NullBooleanSelect,
    "long select": lambda attrs: LongSelect(attrs, choices=CHOICES),
    "radio": lambda attrs: forms.RadioSelect(attrs, choices=CHOICES),
}
VALUES = [
    None,
    "",
    "Anna-Lena",
    'Ş "quoted" <script>alert(1)</script> & Co.',
    mark_safe("<b>sicher</b>"),
    "BG",
    "a&b",
    3,
    0,
    Decimal("1234.50"),
    True,
    False,
    datetime.date(2026, 12, 7),
    datetime.datetime(2026, 12, 7, 23, 30, tzinfo=datetime.UTC),
    datetime.time(9, 5),
    ["BG", "a&b", "3"],
    gettext_lazy("unknown"),
    "mehrere\nZeilen",
]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("attrs", ATTRS, ids=range(len(ATTRS)))
@pytest.mark.parametrize("kind", WIDGETS)
def test_every_widget_is_written_as_djangos_templates_write_it(kind, attrs, language):
    for value in VALUES:
        with override(language):
            try:
                theirs = WIDGETS[kind](dict(attrs)).render("feld", value, renderer=DjangoTemplates())
            except TypeError as error:  # a value the widget cannot take (a list for yes/no/unknown)
                with pytest.raises(type(error)):
                    WIDGETS[kind](dict(attrs)).render("feld", value, renderer=FormRenderer())
                continue
            ours = WIDGETS[kind](dict(attrs)).render("feld", value, renderer=FormRenderer())
        assert ours == theirs, f"{kind} with {value!r}"


def test_the_settings_name_the_renderer_and_it_writes_what_users_see():
    """The comparison would pass if both wrote nothing: the markup a user's browser reads is checked."""
    form = forms.Form()
    assert isinstance(form.renderer, FormRenderer)
    select = forms.Select({"class": "form-select"}, choices=CHOICES).render("land", "a&b", renderer=form.renderer)
    assert '<option value="a&amp;b" selected>&lt;b&gt;fett&lt;/b&gt; &amp; mehr</option>' in select
    assert '<select name="land" class="form-select">' in select
    text = forms.TextInput({"required": True}).render("name", '"<x>"', renderer=form.renderer)
    assert text == '<input type="text" name="name" value="&quot;&lt;x&gt;&quot;" required>'
