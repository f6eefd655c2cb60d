from django import template

register = template.Library()


@register.filter
def lockout_minutes(delta):
    """Whole minutes of a lockout period (a timedelta)."""
    return int(delta.total_seconds() // 60) if delta else 0
