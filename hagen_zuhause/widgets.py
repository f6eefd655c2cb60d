"""Widgets shared by every app's forms."""

from functools import lru_cache

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from hagen_zuhause.form_renderer import attributes_html


class LongSelect(forms.Select):
    """A select for long, flat lists (the 250 countries): the same HTML as Django's, written in Python.

    Django renders every option through a template include, about 0.2 ms each; the intake form with its
    household rows shows five country lists, and those 1,260 options were most of the page's time.
    The options of a list are written once per language and kept (:func:`_options`): a page marks the
    chosen ones only. Grouped choices fall back to Django's rendering.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = tuple(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        try:
            values, plain, chosen = _options(choices, get_language())
        except TypeError:  # a choice that cannot be a key (a list): written as Django writes it
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        options = list(plain)
        for index, option_value in enumerate(values):
            if option_value in selected:
                options[index] = chosen[index]
                if not self.allow_multiple_selected:
                    break
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        return format_html(
            '<select name="{}"{}>{}\n</select>', name, attributes_html(attrs), mark_safe("".join(options))
        )


class LongSelectMultiple(LongSelect, forms.SelectMultiple):
    """:class:`LongSelect` for choosing several (the languages a client speaks)."""


class ConstantChoices(BaseChoiceIterator):
    """A long list of choices that never changes (the countries), shared by every form built, not copied.

    Django deep-copies a form class's fields for each form it builds, and with a choice field its
    choices, item by item; for the intake form's five country lists that was a tenth of the page.
    """

    def __init__(self, choices):
        self.choices = tuple(choices)

    def __iter__(self):
        return iter(self.choices)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def shared_long_choices(form_class):
    """Class decorator: the choices of the form's :class:`LongSelect` fields are :class:`ConstantChoices`."""
    for field in form_class.base_fields.values():
        if isinstance(field.widget, LongSelect) and not isinstance(field.choices, ConstantChoices):
            field.choices = ConstantChoices(field.choices)
    return form_class


@lru_cache(maxsize=64)
def _options(choices, language):
    """The values of ``choices`` and each option's HTML, not chosen and chosen (as Django writes them).

    ``language`` is part of the key because lazy labels read differently per language.
    """
    values, plain, chosen = [], [], []
    for option_value, label in choices:
        option_value = "" if option_value is None else str(option_value)
        values.append(option_value)
        # Django's templates put each option on a line of its own.
        plain.append(format_html('\n  <option value="{}">{}</option>\n', option_value, label))
        chosen.append(format_html('\n  <option value="{}" selected>{}</option>\n', option_value, label))
    return tuple(values), tuple(plain), tuple(chosen)
