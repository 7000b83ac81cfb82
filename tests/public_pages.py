"""The public pages every test of the whole site walks through: the sitemap's, plus allauth's."""

import re

from django.urls import reverse


def public_paths(client, host="testserver") -> list[str]:
    """Every path of the XML sitemap as served on `host`, then allauth's public pages."""
    sitemap = client.get(reverse("sitemap"), HTTP_HOST=host).content.decode()
    paths = [
        re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)
    ]
    return paths + [
        reverse("account_signup"),
        reverse("account_login"),
        reverse("account_reset_password"),
        reverse("account_request_login_code"),
    ]
