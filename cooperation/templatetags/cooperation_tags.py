"""Showing the codes stored on partners and agreements with their German names."""

from django import template

from hagen_zuhause.codes import TargetGroup
from hagen_zuhause.countries import LANGUAGES

register = template.Library()

_LANGUAGE_NAMES = dict(LANGUAGES)
_TARGET_GROUP_LABELS = dict(TargetGroup.choices)


@register.filter
def language_names(codes):
    """The German names of language codes, in the order stored (unknown codes as they are)."""
    return [_LANGUAGE_NAMES.get(code, code) for code in codes or ()]


@register.filter
def target_group_labels(codes):
    """The labels of target-group codes (unknown codes as they are)."""
    return [_TARGET_GROUP_LABELS.get(code, code) for code in codes or ()]


@register.filter
def target_group_label(code):
    return _TARGET_GROUP_LABELS.get(code, code) if code else ""
