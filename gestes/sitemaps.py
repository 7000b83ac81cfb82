from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Geste


class GestesSitemap(Sitemap):
    """The national gestes, offered on every portal."""

    changefreq = "monthly"

    def items(self):
        return Geste.objects.published().filter(territory__isnull=True).order_by("title")

    def location(self, geste):
        return reverse("gestes:detail", args=[geste.slug])
