"""Public pages kept for visitors not signed in (heurecivique/page_cache.py): served again without
the database, forgotten as soon as what they show changes, never shared with a signed-in person."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from heurecivique.services import moderate
from initiatives.models import Initiative
from tests.factories import InitiativeFactory, MissionFactory

HOME, SHOWCASE = "/", "/initiatives/"


@pytest.fixture(autouse=True)
def _kept(settings, db):
    settings.PUBLIC_PAGE_SECONDS = 300


def test_a_visitor_gets_the_kept_page_without_a_query(client, loiret, django_assert_num_queries):
    first = client.get(SHOWCASE, HTTP_HOST="loiret.localhost")
    with django_assert_num_queries(0):
        again = client.get(SHOWCASE, HTTP_HOST="loiret.localhost")
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Security-Policy"]  # the headers of every response still apply


def test_each_portal_and_each_search_has_its_own_page(client, loiret, orleans_commune):
    InitiativeFactory(title="Potager partagé", commune=orleans_commune)
    InitiativeFactory(title="Repair café", commune=orleans_commune)
    national = client.get(SHOWCASE).content.decode()
    loiret_page = client.get(SHOWCASE, HTTP_HOST="loiret.localhost").content.decode()
    assert "Loiret" in loiret_page and national != loiret_page
    found = client.get(SHOWCASE, {"q": "potager"}).content.decode()
    assert "Potager partagé" in found and "Repair café" not in found


def test_what_staff_change_shows_at_once(client, orleans_commune, national_admin):
    garden = InitiativeFactory(title="Potager partagé", commune=orleans_commune)
    assert "Potager partagé" in client.get(SHOWCASE).content.decode()
    moderate(item=garden, moderator=national_admin, status=Initiative.Status.UNPUBLISHED)
    assert "Potager partagé" not in client.get(SHOWCASE).content.decode()
    InitiativeFactory(title="Repair café", commune=orleans_commune)
    assert "Repair café" in client.get(SHOWCASE).content.decode()


def test_featuring_from_the_admin_changes_the_home_page(client, orleans_commune, national_admin):
    InitiativeFactory(title="Potager partagé", commune=orleans_commune)
    assert "Potager partagé" not in client.get(HOME).content.decode()
    staff = type(client)()
    staff.force_login(national_admin)
    response = staff.post(
        "/admin/initiatives/initiative/",
        {"action": "feature", "_selected_action": [Initiative.objects.get().pk]},
    )
    assert response.status_code == 302
    assert "Potager partagé" in client.get(HOME).content.decode()


def test_a_signed_in_person_never_gets_nor_leaves_a_kept_page(client, orleans_volunteer):
    client.get(HOME)  # kept for visitors
    client.force_login(orleans_volunteer.user)
    mine = client.get(HOME).content.decode()
    assert "Se déconnecter" in mine
    client.logout()
    assert "Se déconnecter" not in client.get(HOME).content.decode()


def test_a_flash_message_is_never_hidden_by_a_kept_page(client):
    client.get(HOME)
    storage = CookieStorage(RequestFactory().get(HOME))
    storage.add(constants.SUCCESS, "Votre initiative est transmise.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    assert "Votre initiative est transmise." in client.get(HOME).content.decode()


def test_a_page_holding_a_form_token_is_not_kept(client, orleans_commune):
    mission = MissionFactory(commune=orleans_commune)
    address = f"/missions/{mission.pk}/"
    first = type(client)(enforce_csrf_checks=True).get(address)
    assert "csrfmiddlewaretoken" in first.content.decode()
    second = type(client)(enforce_csrf_checks=True).get(address)
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value


def test_without_the_setting_nothing_is_kept(client, settings):
    settings.PUBLIC_PAGE_SECONDS = 0
    client.get(SHOWCASE)
    with CaptureQueriesContext(connection) as queries:
        client.get(SHOWCASE)
    assert len(queries) > 0
