from django import template

register = template.Library()


@register.filter
def pluriel(count, suffix="s"):
    """French plural: « 0 heure », « 1 heure », « 2 heures » (pluralize would say « 0 heures »)."""
    try:
        return suffix if abs(int(count)) >= 2 else ""
    except (TypeError, ValueError):
        return ""
