"""The crisis mode in the site's pages: {% crisis_banner %} at the top of every page, the crisis
kits first in the toolbox, the gestes that help first in the idea box. Tags rather than the
views of outils and gestes, which know nothing of the mobilisation (DESIGN.md, §3)."""

from django import template

from gestes.models import Geste
from outils.models import Kit

from .. import crises
from ..crises import ADVICE, KITS, CrisisMode, crisis_mode

register = template.Library()


def _mode(context) -> CrisisMode:
    request = context.get("request")
    # Error pages are drawn without a request: no query, no banner.
    return crisis_mode(request) if request is not None else CrisisMode()


@register.inclusion_tag("mobilisation/crisis/_banner.html", takes_context=True)
def crisis_banner(context):
    return {"mode": _mode(context), "request": context.get("request")}


@register.simple_tag(takes_context=True)
def crisis_mode_here(context) -> CrisisMode:
    """{% crisis_mode_here as mode %}: the crises of the page (mode.first, the closest)."""
    return _mode(context)


@register.simple_tag(takes_context=True)
def crisis_kits(context) -> list[Kit]:
    """The kits of the running crises' kinds that this portal offers, in that order."""
    mode = _mode(context)
    if not mode:
        return []
    slugs = [KITS[kind] for kind in mode.kinds]
    portal = context["request"].territory
    found = {
        kit.slug: kit
        for kit in Kit.objects.visible_in(portal).filter(slug__in=slugs, is_public=True)
    }
    return [found[slug] for slug in slugs if slug in found]


@register.simple_tag(takes_context=True)
def crisis_gestes(context) -> list[Geste]:
    """The gestes that help in the closest crisis, in the order crises.GESTES gives."""
    mode = _mode(context)
    if not mode:
        return []
    slugs = crises.GESTES[mode.first.kind]
    found = {
        geste.slug: geste
        for geste in Geste.objects.published()
        .visible_in(context["request"].territory)
        .filter(slug__in=slugs, territory__isnull=True)
        .prefetch_related("themes")
    }
    return [found[slug] for slug in slugs if slug in found]


@register.filter
def crisis_advice(crisis) -> list[str]:
    return ADVICE.get(crisis.kind, [])
