from django import template

from volunteers.progress import format_duration

register = template.Library()


@register.filter
def duration(minutes: int) -> str:
    """75 → « 1 h 15 »."""
    return format_duration(minutes or 0)
