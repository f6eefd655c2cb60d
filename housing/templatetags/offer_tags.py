"""Template filters of the offer pages."""

from django import template

from housing.matching import floor_label as _floor_label
from housing.models import District

register = template.Library()


@register.filter
def floor_label(floor):
    """0 → "Erdgeschoss", 3 → "3. Etage", None → "Etage unbekannt"."""
    return _floor_label(floor)


@register.filter
def district_names(codes):
    """["mitte", "haspe"] → ["Hagen-Mitte", "Haspe"]."""
    return [District(code).label for code in codes or ()]
