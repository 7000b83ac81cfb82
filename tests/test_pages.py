import pytest
from django.core.cache import cache
from django.urls import reverse

from .factories import TerritoryFactory
from .public_pages import public_paths


def test_the_home_page_says_what_the_programme_is_and_invites_to_sign_up(client, db):
    page = client.get("/").content.decode()
    assert '<html lang="fr">' in page
    assert "60 minutes par mois" in page
    assert f'href="{reverse("volunteers:join")}">Je donne mon heure</a>' in page
    assert 'href="#contenu">Aller au contenu</a>' in page


@pytest.mark.parametrize("host", ["testserver", "loiret.localhost"])
def test_the_home_page_costs_a_constant_number_of_queries(
    client, loiret, host, django_assert_max_num_queries
):
    # The host map (then cached), the portal's figures (none kept yet: 4 counts, then kept),
    # the initiatives à la une (and their themes and photos when there are some), the theme of
    # the month, its gestes and their themes; the crises the portal tells of (none).
    with django_assert_max_num_queries(13):
        client.get("/", HTTP_HOST=host)
    for n in range(40):
        TerritoryFactory(slug=f"portail-{n}", name=f"Portail {n}")
    cache.clear()
    with django_assert_max_num_queries(12):
        client.get("/", HTTP_HOST=host)
    with django_assert_max_num_queries(7):
        client.get("/", HTTP_HOST=host)


def test_every_public_page_answers_in_french(client, loiret):
    paths = public_paths(client)
    assert {"/", "/gestes/", "/mentions-legales/", "/donnees-personnelles/"} <= set(paths)
    assert len([p for p in paths if p.startswith("/gestes/") and p != "/gestes/"]) == 3
    for path in paths:
        for host in ("testserver", "loiret.localhost"):
            response = client.get(path, HTTP_HOST=host)
            assert response.status_code == 200, path
            assert '<html lang="fr">' in response.content.decode(), path


def test_the_sitemap_uses_the_address_of_the_portal(loiret, portal_client):
    index = portal_client("loiret").get(reverse("sitemap")).content.decode()
    assert "<loc>http://loiret.localhost/sitemap-gestes.xml</loc>" in index
    pages = portal_client("loiret").get("/sitemap-pages.xml").content.decode()
    assert "<loc>http://loiret.localhost/mentions-legales/</loc>" in pages
    gestes = portal_client("loiret").get("/sitemap-gestes.xml").content.decode()
    assert gestes.count("<loc>") == 100


def test_robots_txt_points_to_the_sitemap(client, db):
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Disallow: /admin/" in robots


def test_the_accessibility_statement_gives_the_conformity_and_the_remedies(client, db):
    page = client.get(reverse("accessibility")).content.decode()
    assert "<strong>non conforme</strong>" in page
    assert "RGAA" in page
    assert "Défenseur des droits" in page


def test_the_legal_notice_names_the_publisher_when_configured(client, settings, db):
    settings.LEGAL = {**settings.LEGAL, "publisher": "Département du Loiret",
                      "publisher_address": "45 rue de l'Exemple, Orléans"}  # fmt: skip
    page = client.get(reverse("legal_notice")).content.decode()
    assert "Département du Loiret" in page


def test_a_missing_page_is_explained_in_french(client, db):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_post_to_a_read_only_page_changes_nothing_and_is_refused(client, db):
    assert client.post(reverse("site_map")).status_code == 405


def test_opening_a_button_only_address_is_explained_in_french(client, resident):
    client.force_login(resident)
    response = client.get(reverse("volunteers:pledge"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert "Action impossible depuis cette adresse" in page and "utilisez son bouton" in page


def test_a_server_error_is_explained_in_french_without_needing_the_database(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Le site rencontre un problème" in response.content.decode()


def test_a_forbidden_page_is_explained_in_french(client, resident):
    client.force_login(resident)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_pages_travel_compressed_and_files_as_they_are(client, national):
    import gzip

    page = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"
    assert '<html lang="fr">' in gzip.decompress(page.content).decode()
    assert "Content-Encoding" not in client.get("/")  # a client that does not accept it
    picture = client.get("/partage.png", HTTP_ACCEPT_ENCODING="gzip")
    assert picture["Content-Type"] == "image/png" and "Content-Encoding" not in picture
