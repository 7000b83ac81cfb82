from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Kit


class KitsSitemap(Sitemap):
    """The national public kits, offered on every portal in its colours."""

    changefreq = "monthly"

    def items(self):
        return Kit.objects.filter(territory__isnull=True, is_public=True).order_by("position")

    def location(self, kit):
        return reverse("outils:detail", args=[kit.slug])
