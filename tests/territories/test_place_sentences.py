"""Pages and emails name a place with its article, as a mairie would print it."""

from django.urls import reverse

from ..factories import VolunteerFactory


def _page(client, name, host, **kwargs):
    response = client.get(reverse(name, **kwargs), HTTP_HOST=host)
    assert response.status_code == 200
    return " ".join(response.content.decode().replace("&#x27;", "'").split())


def test_the_volunteer_dashboard_says_your_neighbours_of_orleans(client, orleans_commune, loiret):
    volunteer = VolunteerFactory(commune=orleans_commune, user__first_name="Hélène")
    client.force_login(volunteer.user)
    page = _page(client, "volunteers:dashboard", "loiret.localhost")
    assert "une heure par mois à vos voisins d'Orléans." in page
    assert "de Orléans" not in page


def test_portal_pages_take_the_article_of_their_territory(client, loiret, gironde, orleans):
    assert "Dans le Loiret, déjà" in _page(client, "home", "loiret.localhost")
    assert "Les chiffres en Gironde, en ce moment" in _page(client, "press", "gironde.localhost")
    assert "Les chiffres à Orléans, en ce moment" in _page(client, "press", "orleans.localhost")
    initiatives = _page(client, "initiatives:list", "gironde.localhost")
    assert "agissent déjà en Gironde." in initiatives
    assert "pour le portail du Loiret, avec son nom" in _page(
        client, "outils:list", "loiret.localhost"
    )
    notice = _page(client, "legal_notice", "orleans.localhost")
    assert "Le portail d'Orléans est animé par la collectivité" in notice
    for page in (initiatives, notice):
        assert "portail Gironde" not in page and "portail Orléans" not in page


def test_the_press_page_gives_the_contact_the_portals_staff_entered(client, gironde):
    gironde.press_contact = "Marie Martin, service presse\n05 56 99 33 33"
    gironde.save()
    page = _page(client, "press", "gironde.localhost")
    assert "<p>Pour le Département de la Gironde :</p>" in page
    assert "Marie Martin, service presse<br>05 56 99 33 33" in page
