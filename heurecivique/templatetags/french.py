from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from heurecivique.text import long_date, of_month
from territories.places import Place

register = template.Library()


@register.filter
def pluriel(count, suffix="s"):
    """French plural: « 0 heure », « 1 heure », « 2 heures » (pluralize would say « 0 heures »)."""
    try:
        return suffix if abs(int(count)) >= 2 else ""
    except (TypeError, ValueError):
        return ""


@register.filter
def date_longue(day, pattern="j F Y") -> str:
    """{{ pledge.started_on|date_longue }} → « 1er janvier 2026 »;
    {{ hour.done_on|date_longue:"j F" }} → « 1er décembre ». A moment is written in local time,
    as Django's date filter does."""
    return long_date(template_localtime(day), pattern) if day else ""


@register.filter
def du_mois(day, with_year=False) -> str:
    """{{ month|du_mois }} → « de novembre », « d'avril » ; with `:True`, the year too."""
    return of_month(day, with_year=bool(with_year)) if day else ""


@register.filter
def insecables(text) -> str:
    """French spacing: a no-break space before « : ; ! ? » and inside quotes, so that a line
    never starts with a colon. Escapes the text first."""
    escaped = str(conditional_escape(text))
    for before, after in ((" :", "\u00a0:"), (" ;", "\u00a0;"), (" !", "\u00a0!"),
                          (" ?", "\u00a0?"), ("« ", "«\u00a0"), (" »", "\u00a0»")):  # fmt: skip
        escaped = escaped.replace(before, after)
    return mark_safe(escaped)


@register.filter
def lieu(where, form="dans") -> str:
    """A place name with its article (territories/places.py), from a territory, a department
    or a commune: {{ territory|lieu:"dans" }} → « dans le Loiret », « en Gironde », « à
    Orléans »; "de" → « du Loiret », « d'Orléans »; "le" → « le Loiret », « Orléans »."""
    place = getattr(where, "place", where)
    return place.form(form) if isinstance(place, Place) else ""


@register.filter
def heure(moment) -> str:
    """{{ mission.starts_at|heure }} → « 10 h », « 14 h 30 », in local time."""
    if not moment:
        return ""
    local = template_localtime(moment)
    return f"{local.hour} h {local.minute:02d}" if local.minute else f"{local.hour} h"
