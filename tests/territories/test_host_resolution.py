import pytest
from django.core.exceptions import ImproperlyConfigured

from territories.models import PortalHost, Territory
from territories.resolver import territory_for_host


@pytest.mark.parametrize(
    "host",
    [
        "loiret.localhost",
        "loiret.localhost:8000",
        "loiret.lheurecivique.fr",
        "LOIRET.lheurecivique.fr",
    ],
)
def test_department_hosts_lead_to_its_portal(loiret, host):
    assert territory_for_host(host) == loiret


@pytest.mark.parametrize(
    "host", ["localhost:8000", "lheurecivique.fr", "www.lheurecivique.fr", "inconnu.example.org"]
)
def test_national_and_unknown_hosts_lead_to_the_national_portal(loiret, national, host):
    assert territory_for_host(host) == national


def test_a_custom_domain_leads_to_its_portal(orleans):
    PortalHost.objects.create(territory=orleans, name="heurecivique.orleans.example.fr")
    assert territory_for_host("heurecivique.orleans.example.fr") == orleans


def test_an_offline_portal_falls_back_to_the_national_one(loiret, national):
    loiret.is_active = False
    loiret.save()
    assert territory_for_host("loiret.localhost") == national


def test_a_renamed_portal_shows_its_new_name_at_once(loiret, portal_client):
    portal_client("loiret").get("/")  # fills the host cache
    loiret.name = "Département du Loiret"
    loiret.save()
    response = portal_client("loiret").get("/")
    assert "Département du Loiret" in response.content.decode()


def test_the_portal_of_the_host_names_the_page(client, loiret, gironde, portal_client):
    loiret_page = portal_client("loiret").get("/").content.decode()
    gironde_page = portal_client("gironde").get("/").content.decode()
    national_page = client.get("/").content.decode()
    assert (
        "<title>Une heure par mois pour ses voisins · L'Heure Civique Loiret</title>" in loiret_page
    )
    assert "Gironde" in gironde_page and "Loiret" not in gironde_page
    assert "Loiret" not in national_page


def test_a_host_outside_allowed_hosts_is_refused_in_french(client, settings):
    settings.ALLOWED_HOSTS = [".localhost"]
    response = client.get("/", HTTP_HOST="attaquant.example.com")
    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


def test_without_the_national_portal_the_operator_is_told_to_migrate(db):
    Territory.objects.all().delete()
    with pytest.raises(ImproperlyConfigured, match="manage.py migrate"):
        territory_for_host("localhost")
