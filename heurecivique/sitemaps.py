"""The public pages: the XML sitemaps for search engines and the « Plan du site » for people.

Every public page joins PAGES (a fixed page) or SITEMAPS (a sitemap of objects); the
accessibility and security tests open the pages of every section.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from gestes.models import Geste
from initiatives.models import GoodPractice, Initiative
from outils.models import Kit
from territories.resolver import territory_for_host

# URL name and title of each fixed public page, in the order of the « Plan du site ».
PAGES = [
    ("home", "Accueil"),
    ("gestes:list", "Les gestes solidaires"),
    ("outils:list", "La boîte à outils"),
    ("initiatives:list", "Les initiatives solidaires"),
    ("initiatives:practices", "Les bonnes pratiques"),
    ("mobilisation:appeal", "L'Appel à la Mobilisation Solidaire"),
    ("mobilisation:sign", "Signer l'Appel"),
    ("press", "Espace presse"),
    ("legal_notice", "Mentions légales"),
    ("privacy", "Données personnelles"),
    ("accessibility", "Déclaration d'accessibilité"),
    ("site_map", "Plan du site"),
]


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [name for name, _title in PAGES]

    def location(self, item):
        return reverse(item)


class GestesSitemap(Sitemap):
    """The national gestes, offered on every portal."""

    changefreq = "monthly"

    def items(self):
        return Geste.objects.published().filter(territory__isnull=True).order_by("title")

    def location(self, geste):
        return reverse("gestes:detail", args=[geste.slug])


class KitsSitemap(Sitemap):
    """The national public kits, offered on every portal in its colours."""

    changefreq = "monthly"

    def items(self):
        return Kit.objects.filter(territory__isnull=True, is_public=True).order_by("position")

    def location(self, kit):
        return reverse("outils:detail", args=[kit.slug])


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


SITEMAPS = {
    "pages": PagesSitemap,
    "gestes": GestesSitemap,
    "outils": KitsSitemap,
    "initiatives": InitiativesSitemap,
    "bonnes-pratiques": PracticesSitemap,
}


def public_pages() -> list[tuple[str, str]]:
    """(title, url) of the fixed public pages, for the « Plan du site »."""
    return [(title, reverse(name)) for name, title in PAGES]
