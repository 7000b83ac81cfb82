from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from .colors import darken, rgb_triplet

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
