"""The public pages: the XML sitemap for search engines and the « Plan du site » for people.

Every public page joins PAGES (a fixed page) or SITEMAPS (a sitemap of objects); the
accessibility test opens every URL of the XML sitemap.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

# URL name and title of each fixed public page, in the order of the « Plan du site ».
PAGES = [
    ("home", "Accueil"),
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


SITEMAPS = {"pages": PagesSitemap}


def public_pages() -> list[tuple[str, str]]:
    """(title, url) of the fixed public pages, for the « Plan du site »."""
    return [(title, reverse(name)) for name, title in PAGES]
