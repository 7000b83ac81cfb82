"""The dashboard in crisis mode (issue 17's audit, findings 5, 14 and 15): the mairie's agent
finds the running crisis, or the switch, at the top of her index; the élue learns that her
territory is in crisis mode and what it came to, counted without naming anyone."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mobilisation import crises
from mobilisation.models import Campaign, Crisis, WatchCall, WatchPairing
from tests.factories import BeneficiaryFactory, MissionFactory, VolunteerFactory

INDEX = reverse("admin:index")


def _start(territory, kind=Crisis.Kind.HEATWAVE):
    return crises.start(
        territory=territory,
        kind=kind,
        message="Fortes chaleurs : prenez des nouvelles de vos voisins.",
        ends_on=timezone.localdate() + datetime.timedelta(days=3),
    )


def _html(client) -> str:
    response = client.get(INDEX)
    assert response.status_code == 200
    return response.content.decode()


def _world(crisis, commune, elsewhere, size=1):
    """Per unit of `size`: 2 volunteers available in an emergency in the commune (and 1 not,
    1 without an account, 1 elsewhere, none counted); 1 crisis message sent to 7 (and a draft,
    and a message outside the crisis, not counted); 1 watch call made (and 1 before the
    crisis, not counted)."""
    now = timezone.now()
    for _ in range(size):
        VolunteerFactory.create_batch(2, commune=commune, emergency_available_at=now)
        VolunteerFactory(commune=commune)
        VolunteerFactory(commune=commune, emergency_available_at=now, user=None)
        VolunteerFactory(commune=elsewhere, emergency_available_at=now)
        common = {"territory": crisis.territory, "subject": "Appel", "body": "Venez."}
        Campaign.objects.create(
            **common, crisis=crisis, status=Campaign.Status.SENT, recipient_count=7
        )
        Campaign.objects.create(**common, crisis=crisis, status=Campaign.Status.DRAFT)
        Campaign.objects.create(**common, status=Campaign.Status.SENT, recipient_count=50)
        person = BeneficiaryFactory(commune=commune, watched=True)
        pairing = WatchPairing.objects.create(
            beneficiary=person,
            volunteer=VolunteerFactory(commune=commune),
            status=WatchPairing.Status.CONFIRMED,
        )
        WatchCall.objects.create(
            pairing=pairing, beneficiary=person, day=timezone.localdate(), outcome="bien"
        )
        WatchCall.objects.create(
            pairing=pairing,
            beneficiary=person,
            day=timezone.localdate() - datetime.timedelta(days=5),
            outcome="bien",
            at=crisis.starts_at - datetime.timedelta(days=5),
        )


def test_the_agent_is_offered_the_switch_then_finds_the_running_crisis(
    client, orleans, orleans_agent
):
    client.force_login(orleans_agent)
    html = _html(client)
    add = reverse("admin:mobilisation_crisis_add")
    assert f'<a href="{add}">Déclencher le mode crise</a>' in html
    assert 'id="mode-crise"' not in html
    # No alert of the watch: nothing said of it (not « 0 alerte de la veille… »).
    assert "alerte de la veille" not in html

    crisis = _start(orleans)
    html = _html(client)
    assert "Déclencher le mode crise" not in html
    assert 'id="mode-crise"' in html and "<strong>Canicule à Orléans</strong>, jusqu'au" in html
    change = reverse("admin:mobilisation_crisis_change", args=[crisis.pk])
    assert f'<a href="{change}">Voir, prolonger ou arrêter le mode crise</a>' in html
    assert html.index('id="mode-crise"') < html.index('id="a-faire"')


def test_an_agent_who_cannot_switch_is_not_offered_to(client, orleans, orleans_elected):
    client.force_login(orleans_elected)
    assert "Déclencher le mode crise" not in _html(client)


def test_the_elected_official_learns_of_the_crisis_and_what_it_came_to(
    client, orleans, orleans_commune, bordeaux_commune, orleans_elected
):
    crisis = _start(orleans)
    _world(crisis, orleans_commune, bordeaux_commune)
    client.force_login(orleans_elected)
    html = _html(client)
    assert "<strong>Canicule à Orléans</strong>, jusqu'au" in html
    assert "1 message de crise envoyé aux volontaires (7 destinataires en tout)" in html
    assert "2 volontaires disponibles en cas d'urgence" in html
    assert "1 appel de veille fait depuis le début" in html
    # She reads; she has nothing to open, and nothing names a person.
    assert "mobilisation_crisis_change" not in html and "Voir, prolonger" not in html
    assert "Marcelle Dupuis" not in html


def test_a_department_s_crisis_shows_on_its_communes_dashboards(
    client, loiret, orleans, orleans_agent
):
    _start(loiret, kind=Crisis.Kind.OTHER)
    client.force_login(orleans_agent)
    html = _html(client)
    assert "<strong>Alerte dans le Loiret</strong>" in html
    assert "Voir, prolonger" not in html  # the department's to manage, not hers
    assert "appel de veille" not in html  # no watch in an « autre » crisis


def test_the_crisis_costs_one_query_whatever_it_came_to(
    client, orleans, orleans_commune, bordeaux_commune, orleans_elected, django_assert_num_queries
):
    crisis = _start(orleans)
    _world(crisis, orleans_commune, bordeaux_commune)
    client.force_login(orleans_elected)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as small:
        client.get(INDEX)
    _world(crisis, orleans_commune, bordeaux_commune, size=5)
    with django_assert_num_queries(len(small)):
        html = _html(client)
    assert "6 messages de crise envoyés aux volontaires (42 destinataires en tout)" in html
    assert "12 volontaires disponibles en cas d'urgence" in html
    assert "6 appels de veille faits depuis le début" in html


def test_a_median_of_one_day_is_one_day(client, orleans_commune, orleans_agent):
    created = timezone.now() - datetime.timedelta(days=10)
    MissionFactory(
        commune=orleans_commune,
        created_at=created,
        matched_at=created + datetime.timedelta(days=1),
    )
    client.force_login(orleans_agent)
    html = _html(client)
    assert "1 jour pour trouver un volontaire" in html
    assert "1 jours" not in html
