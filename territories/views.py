from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from .colors import darken, rgb_triplet
from .forms import find_communes

ONE_YEAR = 60 * 60 * 24 * 365


@require_safe
def theme_css(request):
    """The portal's colours as CSS custom properties: a stylesheet, so no inline style is needed."""
    territory = request.territory
    css = render_to_string(
        "territories/theme.css",
        {
            "territory": territory,
            "primary_rgb": rgb_triplet(territory.primary_color),
            "primary_dark": darken(territory.primary_color),
        },
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    # The page links the theme with its version: a matching version never changes.
    if request.GET.get("v") == territory.theme_version:
        response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    else:
        response["Cache-Control"] = "no-cache"
    response["Vary"] = "Host"
    return response


@require_safe
def commune_choices(request):
    """The communes matching a typed postal code or name, as radio buttons (for the script)."""
    query = request.GET.get("q", "")[:100]
    communes = find_communes(query)
    return render(
        request,
        "territories/_commune_choices.html",
        {"communes": communes, "query": query, "checked": len(communes) == 1},
    )
