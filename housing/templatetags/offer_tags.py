"""Template filters of the offer pages."""

from django import template
from django.utils.html import format_html, format_html_join

from housing.matching import floor_label as _floor_label
from housing.matching.rules import _LABELS

register = template.Library()


@register.filter
def floor_label(floor):
    """0 → "Erdgeschoss", 3 → "3. Etage", None → "Etage unbekannt"."""
    return _floor_label(floor)


@register.filter
def district_names(codes, names):
    """``search.districts|district_names:names`` → the names of the codes in the organisation's list."""
    return [names.get(code, code) for code in codes or ()]


#: The colour of a reason's symbol by its status.
_SYMBOL_CLASSES = {"ok": "text-success", "fail": "text-danger"}


@register.simple_tag
def reason_list(reasons):
    """A suggestion's reasons as a list: ✓/✗/?/• (in words for screen readers) and the text.

    Written here rather than as an included template with a loop: a ranking page draws some two
    hundred reasons, and the template engine's per-line work was a third of the page's time.
    """
    labels = {status: str(label) for status, label in _LABELS.items()}
    lines = format_html_join(
        "",
        '<li class="reason reason-{}"><span class="reason-symbol fw-bold {}" aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}:</span> {}</li>',
        (
            (
                reason.status,
                _SYMBOL_CLASSES.get(reason.status, "text-body-secondary"),
                reason.symbol,
                labels[reason.status],
                reason.text,
            )
            for reason in reasons
        ),
    )
    return format_html('<ul class="list-unstyled reasons mb-0">{}</ul>', lines)
