from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from territories.resolver import territory_for_host

from .models import GoodPractice, Initiative


class InitiativesSitemap(Sitemap):
    """The published initiatives of the communes the portal of the sitemap's host covers."""

    changefreq = "weekly"
    territory = None  # known once get_urls() receives the site

    def get_urls(self, page=1, site=None, protocol=None):
        self.territory = territory_for_host(site.domain) if site else None
        return super().get_urls(page, site, protocol)

    def items(self):
        initiatives = Initiative.objects.published().order_by("-published_at")
        return initiatives.on_portal(self.territory) if self.territory else initiatives

    def location(self, initiative):
        return reverse("initiatives:detail", args=[initiative.slug])


class PracticesSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return GoodPractice.objects.published().order_by("title")

    def location(self, practice):
        return reverse("initiatives:practice", args=[practice.slug])
