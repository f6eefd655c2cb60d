import re

from django import forms, template
from django.urls import Resolver404, resolve
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from hagen_zuhause import field_html
from hagen_zuhause.links import record_path

register = template.Library()


@register.filter
def lockout_minutes(delta):
    """Whole minutes of a lockout period (a timedelta)."""
    return int(delta.total_seconds() // 60) if delta else 0


#: A path inside the app as services write it into a note ("… unter /housing/follow-ups/22/"). Its
#: characters are never special in HTML, so it reads the same before and after escaping.
_APP_PATH = re.compile(r"(?<![\w/.:])(/[A-Za-z0-9_\-/]*/)(?![\w/])")


@register.filter(needs_autoescape=True)
def link_app_paths(text, autoescape=True):
    """The text escaped, with every path of one of the app's pages made a link; no HTML from the text.

    Only paths Django resolves become links, so a path written by a person links at most to another
    page of the app (whose own permission check still applies), never to another site.
    """
    escaped = conditional_escape(text) if autoescape else str(text)

    def link(match):
        path = match.group(1)
        try:
            resolve(path)
        except Resolver404:
            return path
        return f'<a href="{path}">{path}</a>'

    return mark_safe(_APP_PATH.sub(link, escaped))  # escaped above; the paths carry no HTML


@register.simple_tag
def record_url(viewname, key):
    """``{% url viewname key %}`` for the rows of a long list: the path resolved once per view
    (:func:`hagen_zuhause.links.record_path`)."""
    return record_path(viewname, key)


@register.simple_tag(takes_context=True)
def bootstrap_field(context, template_name=field_html.TEMPLATE_NAME):
    """A crispy form's field (``templates/bootstrap5/field.html`` and the inline choice layouts), written by
    :mod:`hagen_zuhause.field_html` as crispy's template ``template_name`` writes it."""
    return field_html.render(context, template_name)


@register.simple_tag
def filter_field(field):
    """A field of a list's filter bar: its label, its control with Bootstrap's classes, help and errors.

    The markup crispy writes for a field (``|as_crispy_field``), written here: the filter bars sit on
    the busiest pages, and crispy's nested templates per field were a fifth of such a page's time.
    """
    widget = field.field.widget
    checkbox = isinstance(widget, forms.CheckboxInput)
    classes = "form-check-input" if checkbox else "form-select" if isinstance(widget, forms.Select) else "form-control"
    attrs = {"class": classes}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described_by.append(f"{field.auto_id}_error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    control = field.as_widget(attrs=attrs)
    label = format_html(
        '<label for="{}" class="{}">{}</label>',
        field.id_for_label,
        "form-check-label" if checkbox else "form-label",
        field.label,
    )
    help_text = (
        format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    errors = format_html_join(
        "",
        '<div id="{}_error" class="invalid-feedback d-block"><strong>{}</strong></div>',
        ((field.auto_id, error) for error in field.errors),
    )
    if checkbox:
        return format_html(
            '<div id="div_{}" class="form-check mb-3">{}{}{}{}</div>', field.auto_id, control, label, errors, help_text
        )
    return format_html('<div id="div_{}" class="mb-3">{}{}{}{}</div>', field.auto_id, label, control, errors, help_text)
