"""Template filters of the offer pages."""

from django import template

from housing.matching import floor_label as _floor_label

register = template.Library()


@register.filter
def floor_label(floor):
    """0 → "Erdgeschoss", 3 → "3. Etage", None → "Etage unbekannt"."""
    return _floor_label(floor)


@register.filter
def district_names(codes, names):
    """``search.districts|district_names:names`` → the names of the codes in the organisation's list."""
    return [names.get(code, code) for code in codes or ()]
