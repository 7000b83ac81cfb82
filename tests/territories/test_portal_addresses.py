"""A portal answers only on its own addresses: nobody can take another portal's, nor the
national one, and only the national team gives a portal a custom domain."""

import os
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from territories.models import PortalHost, Territory
from territories.resolver import territory_for_host

from .forms import custom_hosts


def _change_form(territory, *hosts):
    return {
        "name": territory.name,
        "is_active": "on",
        "primary_color": territory.primary_color,
        "secondary_color": territory.secondary_color,
        "welcome_text": "",
        **custom_hosts(*hosts),
    }


def _post(client, territory, *hosts):
    return client.post(
        reverse("admin:territories_territory_change", args=[territory.pk]),
        {
            "kind": territory.kind,
            "slug": territory.slug,
            "commune": territory.commune_id or "",
            "department": territory.department_id or "",
            **_change_form(territory, *hosts),
        },
    )


@pytest.mark.parametrize(
    "host",
    [
        "lheurecivique.fr",
        "www.lheurecivique.fr",
        "gironde.lheurecivique.fr",
        "loiret.lheurecivique.fr",
        "nouveau.lheurecivique.fr",
        "LHEURECIVIQUE.FR",
        "gironde.localhost",
    ],
)
def test_the_portal_domain_and_its_sub_domains_are_nobodys_custom_domain(
    client, national_admin, orleans, gironde, host
):
    client.force_login(national_admin)
    response = _post(client, orleans, host)
    assert response.status_code == 200
    assert "est une adresse de L'Heure Civique" in unescape(response.content.decode())
    assert not PortalHost.objects.exists()
    assert territory_for_host("gironde.lheurecivique.fr") == gironde
    assert territory_for_host("lheurecivique.fr").is_national


def test_a_domain_leads_to_one_portal_only(client, national_admin, orleans, loiret):
    PortalHost.objects.create(territory=loiret, name="heurecivique.loiret.example.fr")
    client.force_login(national_admin)
    response = _post(client, orleans, "HeureCivique.Loiret.example.fr")
    assert "Ce nom de domaine mène déjà à un portail." in unescape(response.content.decode())
    assert territory_for_host("heurecivique.loiret.example.fr") == loiret


def test_the_database_refuses_a_second_portal_on_the_same_domain(orleans, loiret):
    PortalHost.objects.create(territory=loiret, name="heurecivique.loiret.example.fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        PortalHost.objects.create(territory=orleans, name="heurecivique.loiret.example.fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        PortalHost.objects.filter(territory=loiret).update(name="HeureCivique.loiret.example.fr")


def test_a_portals_own_address_wins_over_any_row(orleans, gironde, national):
    # Even a row written around the validation never takes another portal's address.
    PortalHost.objects.create(territory=orleans, name="gironde.lheurecivique.fr")
    PortalHost.objects.create(territory=orleans, name="www.lheurecivique.fr")
    assert territory_for_host("gironde.lheurecivique.fr") == gironde
    assert territory_for_host("www.lheurecivique.fr") == national


def test_the_national_team_gives_a_portal_its_custom_domain(client, national_admin, orleans):
    client.force_login(national_admin)
    response = _post(client, orleans, "HeureCivique.Orleans.example.fr.")
    assert response.status_code == 302
    assert territory_for_host("heurecivique.orleans.example.fr") == orleans


@pytest.mark.parametrize("persona", ["loiret_agent", "orleans_agent"])
def test_territory_staff_cannot_give_their_portal_an_address(
    client, request, persona, orleans, national
):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("admin:territories_territory_change", args=[orleans.pk]))
    assert 'name="custom_hosts-0-name"' not in page.content.decode()
    _post(client, orleans, "www.lheurecivique.fr")
    _post(client, orleans, "heurecivique.orleans.example.fr")
    assert not PortalHost.objects.exists()
    assert territory_for_host("www.lheurecivique.fr") == national


def test_territory_staff_cannot_remove_their_portals_address(client, orleans_agent, orleans):
    host = PortalHost.objects.create(territory=orleans, name="heurecivique.orleans.example.fr")
    client.force_login(orleans_agent)
    data = _change_form(orleans) | custom_hosts(host.name, existing=1)
    data |= {"custom_hosts-0-id": host.pk, "custom_hosts-0-DELETE": "on"}
    client.post(reverse("admin:territories_territory_change", args=[orleans.pk]), data)
    assert PortalHost.objects.filter(pk=host.pk, territory=orleans).exists()


@pytest.mark.parametrize(
    ("slug", "error"),
    [
        ("www", "L'identifiant « www » est réservé"),
        ("admin", "L'identifiant « admin » est réservé"),
        ("Orleans", "Des lettres minuscules sans accent"),
        ("orl_eans", "Des lettres minuscules sans accent"),
        ("-orleans", "Des lettres minuscules sans accent"),
    ],
)
def test_a_new_portal_cannot_take_a_reserved_or_malformed_identifier(
    client, loiret_agent, orleans_commune, slug, error
):
    client.force_login(loiret_agent)
    response = client.post(
        reverse("admin:territories_territory_add"),
        {
            "kind": "commune",
            "slug": slug,
            "commune": orleans_commune.pk,
            **_change_form(Territory(name="Orléans", primary_color="#1b3a6b",
                                     secondary_color="#ffd27a")),
        },
    )  # fmt: skip
    assert error in unescape(response.content.decode())
    assert not Territory.objects.filter(commune=orleans_commune).exists()


def _link_written_by_a_command(**env) -> str:
    """The address of a Loiret page as a management command (send_reminders, run by hand, out
    of `make run`) writes it in an email, with this environment."""
    clean = {
        k: v for k, v in os.environ.items() if k not in {"PORTAL_DOMAIN", "PORT", "DJANGO_DEBUG"}
    }
    code = (
        "from territories.models import Territory; "
        "print(Territory(kind='departement', slug='loiret').url('/mon-heure/'))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_in_development_links_point_to_the_address_served_not_production():
    assert _link_written_by_a_command(DJANGO_DEBUG="true") == (
        "http://loiret.localhost:8000/mon-heure/"
    )
    assert _link_written_by_a_command(DJANGO_DEBUG="true", PORT="8203") == (
        "http://loiret.localhost:8203/mon-heure/"
    )
    production = _link_written_by_a_command(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50)
    assert production == "https://loiret.lheurecivique.fr/mon-heure/"


def test_the_national_portal_cannot_be_taken_offline(client, national_admin, national):
    # Every other address falls back to it: the site cannot serve a page without it.
    client.force_login(national_admin)
    data = {"kind": national.kind, "slug": national.slug, **_change_form(national)}
    del data["is_active"]
    response = client.post(reverse("admin:territories_territory_change", args=[national.pk]), data)
    assert "Le portail national reste en ligne." in unescape(response.content.decode())
    national.refresh_from_db()
    assert national.is_active
