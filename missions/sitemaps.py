from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from territories.resolver import territory_for_host

from .models import Mission


class MissionsSitemap(Sitemap):
    """The missions open to volunteers on the portal of the sitemap's host."""

    changefreq = "daily"
    territory = None  # known once get_urls() receives the site

    def get_urls(self, page=1, site=None, protocol=None):
        self.territory = territory_for_host(site.domain) if site else None
        return super().get_urls(page, site, protocol)

    def items(self):
        missions = Mission.objects.public().order_by("starts_at", "pk")
        return missions.on_portal(self.territory) if self.territory else missions

    def location(self, mission):
        return reverse("missions:detail", args=[mission.pk])
