"""The fixed public pages: their XML sitemap for search engines and the « Plan du site » for
people.

Every public page joins PAGES (a fixed page) or, through its app's sitemaps.py, SITEMAPS in
heurecivique/urls.py (a sitemap of objects); the accessibility and security tests open the
pages of every section.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

# URL name and title of each fixed public page, in the order of the « Plan du site ».
PAGES = [
    ("home", "Accueil"),
    ("gestes:list", "Les gestes solidaires"),
    ("outils:list", "La boîte à outils"),
    ("initiatives:list", "Les initiatives solidaires"),
    ("initiatives:practices", "Les bonnes pratiques"),
    ("missions:list", "Les missions près de chez vous"),
    ("missions:help_request", "J'ai besoin d'un coup de main"),
    ("mobilisation:appeal", "L'Appel à la Mobilisation Solidaire"),
    ("mobilisation:sign", "Signer l'Appel"),
    ("pilotage:figures", "Les chiffres"),
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


def public_pages() -> list[tuple[str, str]]:
    """(title, url) of the fixed public pages, for the « Plan du site »."""
    return [(title, reverse(name)) for name, title in PAGES]
