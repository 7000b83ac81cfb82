from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from .sitemaps import public_pages


class HomeView(TemplateView):
    template_name = "home.html"


class LegalPageView(TemplateView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(legal=settings.LEGAL, **kwargs)


@require_safe
def site_map(request):
    return render(request, "pages/site_map.html", {"pages": public_pages()})


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /compte/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico on pages that do not name an icon (the admin's).
    return redirect(static("img/favicon.svg"), permanent=True)


def csrf_failure(request, reason=""):
    """Django's CSRF failure, explained in French in the site's layout."""
    return render(request, "403_csrf.html", status=403)
