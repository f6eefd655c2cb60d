"""The form renderer (``FORM_RENDERER``): Django's, with its commonest widget templates written in Python.

Django writes each control through two or three templates (``text.html`` includes ``input.html``, which
includes ``attrs.html``; a select includes a template per option), about half a millisecond a control
on the machines the city runs, and the edit forms and filter bars have dozens. The inputs, the text
area and the select with its options are written here, character for character as Django's templates
write them (``hagen_zuhause/tests/test_form_renderer.py`` compares the two); every other template, and
any option a widget writes with a template of its own, is rendered by Django as before. A project
template of one of these names would not be read: change the markup here instead.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

_WIDGETS = "django/forms/widgets/"
_SELECT_OPTION = f"{_WIDGETS}select_option.html"


class FormRenderer(DjangoTemplates):
    """Django's template renderer; the inputs, text areas and selects are written in Python."""

    def render(self, template_name, context, request=None):
        write = _WRITERS.get(template_name)
        if write is not None:
            html = write(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)


def _text(value):
    """``{{ value }}``: localised (numbers, dates) and escaped as a template writes a value."""
    value = localize(template_localtime(value))
    return conditional_escape(value if issubclass(type(value), str) else str(value))


def attributes_html(attrs):
    """Django's ``attrs.html`` (crispy's is the same): each attribute but those that are False; True as a
    bare name. Escaped, and marked safe."""
    return SafeString(
        "".join(
            f" {_text(name)}" if value is True else f' {_text(name)}="{conditional_escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


def _input(widget):
    """``input.html`` (text, number, e-mail, date, hidden, checkbox, …)."""
    value = widget["value"]
    value = "" if value is None else f' value="{conditional_escape(value)}"'
    attrs = attributes_html(widget["attrs"])
    return SafeString(f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{attrs}>')


def _textarea(widget):
    """``textarea.html``: the value on the line after the opening tag, as Django writes it."""
    value = _text(widget["value"]) if widget["value"] else ""
    return SafeString(
        f'<textarea name="{_text(widget["name"])}"{attributes_html(widget["attrs"])}>\n{value}</textarea>'
    )


def _select(widget):
    """``select.html`` with ``select_option.html`` for each option (whose file ends in a line break);
    None (Django's templates write it) when an option has a template of its own."""
    parts = [f'<select name="{_text(widget["name"])}"{attributes_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option["template_name"] != _SELECT_OPTION:
                return None
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"{attributes_html(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


_INPUTS = ("checkbox", "color", "date", "datetime", "email", "hidden", "input", "number", "password", "search")
_INPUTS += ("tel", "text", "time", "url")
_WRITERS = {
    **{f"{_WIDGETS}{name}.html": _input for name in _INPUTS},
    f"{_WIDGETS}textarea.html": _textarea,
    f"{_WIDGETS}select.html": _select,
}
