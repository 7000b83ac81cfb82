from django import template

from heurecivique.text import long_date, of_month

register = template.Library()


@register.filter
def pluriel(count, suffix="s"):
    """French plural: « 0 heure », « 1 heure », « 2 heures » (pluralize would say « 0 heures »)."""
    try:
        return suffix if abs(int(count)) >= 2 else ""
    except (TypeError, ValueError):
        return ""


@register.filter
def date_longue(day) -> str:
    """{{ pledge.started_on|date_longue }} → « 1er janvier 2026 »."""
    return long_date(day) if day else ""


@register.filter
def du_mois(day, with_year=False) -> str:
    """{{ month|du_mois }} → « de novembre », « d'avril » ; with `:True`, the year too."""
    return of_month(day, with_year=bool(with_year)) if day else ""
