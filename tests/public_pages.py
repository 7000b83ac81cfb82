"""The public pages every test of the whole site walks through: the sitemaps', plus allauth's."""

import re

from django.urls import reverse

from heurecivique.urls import SITEMAPS

# Pages of one sitemap section share a template: a few of each are enough to test them all.
PER_SECTION = 3


def _locations(client, url, host) -> list[str]:
    xml = client.get(url, HTTP_HOST=host).content.decode()
    return [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]


def public_paths(client, host="testserver") -> list[str]:
    """Every fixed page, the first pages of each object sitemap, then allauth's pages."""
    paths = []
    for section in SITEMAPS:
        url = reverse("django.contrib.sitemaps.views.sitemap", args=[section])
        found = _locations(client, url, host)
        paths += found if section == "pages" else found[:PER_SECTION]
    return paths + [
        reverse("account_signup"),
        reverse("account_login"),
        reverse("account_reset_password"),
        reverse("account_request_login_code"),
    ]
