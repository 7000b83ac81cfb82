from django.urls import reverse

from gestes.models import Geste
from initiatives.models import GoodPractice


def _practice(**fields):
    return GoodPractice.objects.create(
        **{
            "title": "Organiser une permanence numérique",
            "summary": "Ce que nous avons appris.",
            "body": "## Ce qui marche\n\n- un lieu connu\n- un créneau fixe\n\n**Patience**.",
            "status": GoodPractice.Status.PUBLISHED,
            **fields,
        }
    )


def test_markdown_gives_headings_and_lists_and_nothing_dangerous(client, gironde, national):
    practice = _practice(
        territory=gironde,
        body="## Titre\n\n- un\n\n<script>alert(1)</script> [piège](javascript:alert(1)) "
        '<img src="x" onerror="alert(1)"> <a href="https://exemple.fr" onclick="x()">lien</a>',
    )
    html = practice.body_html
    assert "<h2>Titre</h2>" in html and "<li>un</li>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert "onclick" not in html and "<img" not in html
    assert 'href="https://exemple.fr"' in html and "nofollow" in html
    page = client.get(reverse("initiatives:practice", args=[practice.slug])).content.decode()
    assert "<h2>Titre</h2>" in page and "alert(1)</script>" not in page


def test_practices_are_shared_with_every_portal_once_published(
    client, gironde, loiret, national, portal_client
):
    shared = _practice(territory=gironde)
    draft = _practice(title="Brouillon", territory=gironde, status=GoodPractice.Status.DRAFT)
    listing = portal_client("loiret").get(reverse("initiatives:practices"))
    assert shared.title in listing.content.decode()
    assert client.get(reverse("initiatives:practice", args=[draft.slug])).status_code == 404


def test_a_mairie_copies_another_territorys_practice_into_its_own(
    client, gironde, loiret, loiret_agent, resident, portal_client
):
    practice = _practice(territory=gironde)
    practice.gestes.set(Geste.objects.filter(title="Aider à faire une démarche en ligne"))
    url = reverse("initiatives:copy_practice", args=[practice.slug])
    client.force_login(resident)
    assert portal_client("loiret").post(url).status_code == 404
    client.force_login(loiret_agent)
    page = portal_client("loiret").get(reverse("initiatives:practice", args=[practice.slug]))
    assert "Copier dans mon territoire" in page.content.decode()
    response = portal_client("loiret").post(url)
    copy = GoodPractice.objects.get(copied_from=practice)
    assert response.url == reverse("admin:initiatives_goodpractice_change", args=[copy.pk])
    assert (copy.territory, copy.status) == (loiret, GoodPractice.Status.DRAFT)
    assert list(copy.gestes.all()) == list(practice.gestes.all())
    assert client.get(response.url).status_code == 200  # and the copy is theirs to edit


def test_the_practice_page_links_gestes_and_kits(client, national):
    practice = _practice()
    practice.gestes.set(Geste.objects.filter(title="Installer et régler un smartphone"))
    page = client.get(reverse("initiatives:practice", args=[practice.slug])).content.decode()
    assert "Installer et régler un smartphone" in page
    assert '<meta property="og:image"' in page
