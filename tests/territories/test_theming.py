import re

from django.urls import reverse


def _theme_url(page: str) -> str:
    return re.search(r'href="(/theme\.css\?v=[0-9a-f]+)"', page).group(1)


def test_the_portal_colours_reach_the_page(loiret, portal_client):
    page = portal_client("loiret").get("/").content.decode()
    css = portal_client("loiret").get(_theme_url(page))
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert "--hc-primary: #00587c;" in css.content.decode()
    assert "--hc-secondary: #f7c948;" in css.content.decode()
    assert "--hc-primary-rgb: 0, 88, 124;" in css.content.decode()


def test_each_portal_gets_its_own_colours(loiret, gironde, portal_client):
    gironde_css = portal_client("gironde").get(reverse("territories:theme"))
    assert "#7a1f3d" in gironde_css.content.decode()
    assert "#00587c" not in gironde_css.content.decode()


def test_the_theme_is_cached_until_the_colours_change(loiret, portal_client):
    page = portal_client("loiret").get("/").content.decode()
    first_url = _theme_url(page)
    response = portal_client("loiret").get(first_url)
    assert "immutable" in response["Cache-Control"]

    loiret.primary_color = "#1d4f91"
    loiret.save()
    page = portal_client("loiret").get("/").content.decode()
    assert _theme_url(page) != first_url
    # An old version asked after the change is served fresh, never cached for long.
    stale = portal_client("loiret").get(first_url)
    assert stale["Cache-Control"] == "no-cache"
    assert "#1d4f91" in stale.content.decode()


def test_the_logo_and_the_name_head_the_portal(loiret, portal_client):
    loiret.logo = "territoires/logos/loiret.png"
    loiret.save()
    page = portal_client("loiret").get("/").content.decode()
    assert 'src="/media/territoires/logos/loiret.png"' in page
    assert '<span class="brand__territory">Loiret</span>' in page


def test_a_portal_without_logo_shows_its_name_alone(gironde, portal_client):
    page = portal_client("gironde").get("/").content.decode()
    assert "brand__logo" not in page
    assert '<span class="brand__territory">Gironde</span>' in page


def test_the_welcome_text_is_shown_escaped(loiret, portal_client):
    loiret.welcome_text = "Bienvenue <script>alert(1)</script> aux Loirétains"
    loiret.save()
    page = portal_client("loiret").get("/").content.decode()
    assert "Bienvenue &lt;script&gt;alert(1)&lt;/script&gt; aux Loirétains" in page
