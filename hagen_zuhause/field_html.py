"""A form field's Bootstrap markup, written in Python: what crispy-bootstrap5's ``field.html`` writes.

Crispy renders every field through a nest of templates (the field, its label, its control, help and
errors), about a millisecond a field on the machines the city runs; the intake form has about sixty
fields, and those templates were most of its time. ``templates/bootstrap5/field.html`` takes the place
of crispy's template for every crispy form, filter and tag, and calls :func:`render`, which writes
the same markup for the layouts this application uses (labels above the control, no horizontal form,
no table cells, no input groups) and hands anything else to crispy's own template, unchanged. The
layouts ``InlineRadios`` and ``InlineCheckboxes`` (the quick contact entry on every client page) go the
same way through the project's templates of their names (:data:`INLINE_TEMPLATES`).
``hagen_zuhause/tests/test_field_html.py`` compares the two for every kind of control.
"""

from django import forms
from django.template import engines
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from hagen_zuhause.form_renderer import attributes_html

TEMPLATE_NAME = "bootstrap5/field.html"
#: crispy-bootstrap5's templates of the layouts InlineRadios and InlineCheckboxes, which the project's
#: templates of the same names hide.
INLINE_TEMPLATES = ("bootstrap5/layout/radioselect_inline.html", "bootstrap5/layout/checkboxselectmultiple_inline.html")


def render(context, template_name=TEMPLATE_NAME):
    """The field in ``context`` (``field`` and the crispy helper's settings) as crispy's template
    ``template_name`` writes it."""
    field = context["field"]
    if field.is_hidden:
        return str(field)
    if template_name in INLINE_TEMPLATES:
        if not _inline_supported(context, field):
            return crispy_template(template_name).render(context)
        return _inline_choice_list(context, field)
    if not _supported(context, field):
        return crispy_template().render(context)
    if _is_checkbox(field):
        return _checkbox(context, field)
    wrapper = _wrapper_classes("mb-3", context, field)
    show_labels = context.get("form_show_labels")
    fieldset = field.use_fieldset and field.label and show_labels
    label = _label(field) if field.label and show_labels else ""
    if _is_choice_list(field):
        body = _choice_list(context, field)
    else:
        body = format_html("{}{}", _control(field, _control_class(field)), _help_and_errors(context, field))
    return format_html(
        '<div id="div_{}" class="{}">{}{}{}{}</div>',
        field.auto_id,
        wrapper,
        _fieldset_start(field) if fieldset else "",
        label,
        body,
        mark_safe("</fieldset>") if fieldset else "",
    )


def crispy_template(template_name=TEMPLATE_NAME):
    """crispy-bootstrap5's own template (``field.html``), which the project's template of that name hides."""
    engine = engines["django"].engine
    ours = engine.find_template(template_name)[1]
    return engine.find_template(template_name, skip=[ours])[0]


def _supported(context, field):
    """Whether :func:`render` writes this field; else crispy's template does."""
    widget = field.field.widget
    if hasattr(widget, "widgets") or hasattr(widget, "widget") or isinstance(widget, forms.FileInput):
        return False
    if context.get("tag") or context.get("label_class") or context.get("field_class") or context.get("inline_class"):
        return False
    if "form-horizontal" in (context.get("form_class") or ""):
        return False
    return not (_is_checkbox(field) and not context.get("form_show_labels"))


def _inline_supported(context, field):
    """Whether :func:`_inline_choice_list` writes this field; else crispy's inline template does."""
    if not _is_choice_list(field):
        return False
    if context.get("label_class") or context.get("field_class"):
        return False
    return "form-horizontal" not in (context.get("form_class") or "")


def _is_checkbox(field):
    return isinstance(field.field.widget, forms.CheckboxInput)


def _is_choice_list(field):
    """Radio buttons and lists of checkboxes (CheckboxSelectMultiple is a RadioSelect)."""
    return isinstance(field.field.widget, forms.RadioSelect)


def _wrapper_classes(base, context, field):
    classes = [base]
    if context.get("wrapper_class"):
        classes.append(context["wrapper_class"])
    field_classes = field.css_classes()
    if field_classes:
        classes.append(field_classes)
    return " ".join(classes)


def _control_class(field):
    if isinstance(field.field.widget, forms.Select):
        return "form-select"
    return "form-control"


def _control(field, css_class):
    """The widget with crispy's classes: its own class name, Bootstrap's, ``is-invalid`` on errors.

    Written into the widget's attributes as crispy's ``crispy_field`` tag does.
    """
    widget = field.field.widget
    classes = widget.attrs.get("class", "")
    name = widget.__class__.__name__.lower()
    if not classes:
        classes = name
    elif name not in classes:
        classes += f" {name}"
    extra = f"{css_class} is-invalid" if field.errors else css_class
    present = classes.split()
    for token in extra.split():
        if token not in present:
            classes += f" {token}"
            present.append(token)
    widget.attrs["class"] = classes
    return str(field)


def _required(field):
    return field.field.required


def _asterisk(field):
    return mark_safe('<span class="asteriskField">*</span>') if _required(field) else ""


def _label(field):
    tag = "legend" if field.use_fieldset else "label"
    classes = "form-label"
    if _required(field):
        classes += " requiredField"
    if field.use_fieldset:
        classes += " fs-6"
    target = format_html(' for="{}"', field.id_for_label) if field.id_for_label else ""
    return format_html(
        '<{} {} class="{}">{}{}</{}>', mark_safe(tag), target, classes, field.label, _asterisk(field), mark_safe(tag)
    )


def _fieldset_start(field):
    described = field.aria_describedby
    return format_html("<fieldset{}>", format_html(' aria-describedby="{}"', described) if described else "")


def _help_text(field, *, inline=False):
    if not field.help_text:
        return ""
    help_text = mark_safe(field.help_text)  # crispy writes help texts as they are (``|safe``)
    if inline:
        return format_html('<span id="{}_helptext" class="form-text">{}</span>', field.auto_id, help_text)
    target = format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else ""
    return format_html('<div {}class="form-text">{}</div>', target, help_text)


def _errors(context, field, *, tag):
    if not (context.get("form_show_errors") and field.errors):
        return ""
    errors = format_html_join(
        "",
        '<{} id="error_{}_{}"><strong>{}</strong></{}>',
        (
            (mark_safe(tag), number, field.auto_id, error, mark_safe(tag))
            for number, error in enumerate(field.errors, 1)
        ),
    )
    return format_html('<div id="{}_error" class="invalid-feedback">{}</div>', field.errors.field_id, errors)


def _help_and_errors(context, field):
    """crispy's ``help_text_and_errors.html``: errors as spans when inline (the helper's default), else
    as paragraphs; the help text below them unless it is inline."""
    help_inline, errors_inline = context.get("help_text_inline"), context.get("error_text_inline")
    parts = []
    if help_inline and not errors_inline:
        parts.append(_help_text(field, inline=True))
    parts.append(_errors(context, field, tag="span" if errors_inline else "p"))
    if not help_inline:
        parts.append(_help_text(field))
    return mark_safe("".join(conditional_escape(part) for part in parts))


def _checkbox(context, field):
    """A single checkbox: the box, its label after it, help and errors, in a ``form-check``."""
    label_classes = "form-check-label requiredField" if _required(field) else "form-check-label"
    label = format_html(
        '<label for="{}" class="{}">{}{}</label>', field.id_for_label, label_classes, field.label, _asterisk(field)
    )
    return format_html(
        '<div class="mb-3"><div id="div_{}" class="{}">{}{}{}</div></div>',
        field.auto_id,
        _wrapper_classes("form-check", context, field),
        _control(field, "form-check-input"),
        label,
        _help_and_errors(context, field),
    )


def _inline_choice_list(context, field):
    """crispy's ``radioselect_inline.html`` and ``checkboxselectmultiple_inline.html``: the choices side by
    side in a fieldset whose legend is the label (shown even where the form hides labels), every error
    below them (even where the form hides errors), then the help text."""
    legend = ""
    if field.label:
        legend = format_html(
            '{}<legend for="{}" class="fs-6 form-label{}">{}{}</legend>',
            _fieldset_start(field),
            field.id_for_label,
            " requiredField" if _required(field) else "",
            field.label,
            _asterisk(field),
        )
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.errors.field_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((number, field.auto_id, error) for number, error in enumerate(field.errors, 1)),
            ),
        )
    return format_html(
        '<div id="div_{}" class="{}">{}{}{}</div>',
        field.auto_id,
        _wrapper_classes("mb-3", context, field),
        legend,
        _choice_list(context, field, inline=True, errors=errors),
        mark_safe("</fieldset>") if field.label else "",
    )


def _choice_list(context, field, *, inline=False, errors=""):
    """Radio buttons or checkboxes, one ``form-check`` each; errors after the last (or, ``inline``, the
    ``errors`` given after them all); the help text below."""
    option_class = "form-check form-check-inline" if inline else "form-check"
    input_class = "form-check-input is-invalid" if field.errors else "form-check-input"
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    groups = widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)
    parts = []
    for group_number, (group, options, _index) in enumerate(groups, 1):
        if group:
            parts.append(format_html("<strong>{}</strong>", group))
        for option_number, option in enumerate(options, 1):
            last = option_number == len(options) and group_number == len(groups)
            parts.append(
                format_html(
                    '<div class="{}"><input type="{}" class="{}" name="{}" value="{}"{}>'
                    '<label for="{}" class="form-check-label">{}</label>{}</div>',
                    option_class,
                    option["type"],
                    input_class,
                    field.html_name,
                    str(option["value"]),
                    attributes_html(option["attrs"]),
                    option["attrs"].get("id", ""),
                    str(option["label"]),
                    _errors(context, field, tag="p") if last and not inline else "",
                )
            )
    flat_attrs = context.get("flat_attrs") or ""
    return format_html(
        "<div{}>{}</div>{}{}",
        format_html(" {}", flat_attrs) if flat_attrs else "",
        mark_safe("".join(parts)),
        errors,
        _help_text(field, inline=context.get("help_text_inline")),
    )
