"""« Mes données »: export everything about me, and delete my account without a trace."""

import csv
import io
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.cache import cache
from django.db import models
from django.urls import reverse

from initiatives.models import Initiative, InterestMessage
from volunteers.models import CivicHour, Volunteer
from volunteers.stats import counters_for

from .factories import (
    PASSWORD,
    CivicHourFactory,
    InitiativeFactory,
    UserFactory,
    VolunteerFactory,
)

EMAIL = "zephirine.quatrebarbes@example.org"


@pytest.fixture
def zephirine(orleans_commune, loiret):
    user = UserFactory(email=EMAIL, first_name="Zéphirine", last_name="Quatrebarbes")
    volunteer = VolunteerFactory(
        user=user, commune=orleans_commune, quartier="Rue Zéphirine-Quatrebarbes",
        availability=["week-end"],
    )  # fmt: skip
    CivicHourFactory(volunteer=volunteer, minutes=90, note="Courses pour Zéphirine la voisine")
    InterestMessage.objects.create(
        initiative=InitiativeFactory(commune=orleans_commune),
        sender=user,
        message="Bonjour, ici Zéphirine Quatrebarbes, je peux aider le samedi.",
    )
    InitiativeFactory(
        commune=orleans_commune, organiser=user, title="Les goûters de Zéphirine",
        status=Initiative.Status.PROPOSED,
    )  # fmt: skip
    return user


@pytest.fixture
def someone_else(orleans_commune):
    volunteer = VolunteerFactory(
        user=UserFactory(email="autre@example.org", first_name="Autre", last_name="Personne"),
        commune=orleans_commune, quartier="Argonne",
    )  # fmt: skip
    CivicHourFactory(volunteer=volunteer, note="Note de quelqu'un d'autre")
    return volunteer


def _reauthenticate(client):
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def _export(client, fmt):
    return client.post(reverse("personal_data_export", args=[fmt]))


def test_the_export_asks_for_the_password_first(client, zephirine):
    client.force_login(zephirine)
    response = _export(client, "json")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


def test_the_json_export_holds_everything_about_me_and_nothing_of_others(
    client, zephirine, someone_else
):
    client.force_login(zephirine)
    _reauthenticate(client)
    response = _export(client, "json")
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    data = json.loads(response.content)
    assert data["compte"]["adresse électronique"] == EMAIL
    assert data["compte"]["prénom"] == "Zéphirine"
    assert data["compte"]["nom"] == "Quatrebarbes"
    assert data["volontaire"]["commune"] == "Orléans"
    assert data["volontaire"]["quartier"] == "Rue Zéphirine-Quatrebarbes"
    assert data["volontaire"]["disponibilités"] == ["Le week-end"]
    assert data["heures"][0]["minutes"] == 90
    assert data["heures"][0]["ce que j'ai fait"] == "Courses pour Zéphirine la voisine"
    assert len(data["engagements"]) == 1
    assert data["messages aux organisateurs"][0]["message"].startswith("Bonjour, ici Zéphirine")
    assert data["initiatives présentées"][0]["titre"] == "Les goûters de Zéphirine"
    text = response.content.decode()
    assert "autre@example.org" not in text and "Argonne" not in text
    assert "quelqu'un d'autre" not in text


def test_the_csv_export_holds_the_same(client, zephirine, someone_else):
    client.force_login(zephirine)
    _reauthenticate(client)
    response = _export(client, "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    values = {row[3] for row in rows[1:]}
    assert {EMAIL, "Zéphirine", "Quatrebarbes", "Orléans", "90"} <= values
    assert "autre@example.org" not in values


def _every_text_value_containing(needle: str) -> list[str]:
    """Every row of every table whose text columns contain the needle."""
    found = []
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField | models.JSONField) and f.concrete
        ]
        for name in fields:
            lookup = f"{name}__icontains"
            if isinstance(model._meta.get_field(name), models.JSONField):
                matches = [
                    v for v in model.objects.values_list(name, flat=True) if needle in str(v)
                ]
            else:
                matches = list(
                    model.objects.filter(**{lookup: needle}).values_list(name, flat=True)
                )
            found += [f"{model.__name__}.{name}: {m}" for m in matches]
    return found


def test_deleting_my_account_erases_me_and_keeps_the_statistics(
    client, zephirine, someone_else, loiret, national, national_admin
):
    # The admin history names the account it touched: that trace must go too.
    LogEntry.objects.log_actions(
        user_id=national_admin.pk, queryset=[zephirine], action_flag=ADDITION
    )
    assert _every_text_value_containing("Quatrebarbes")
    before = (counters_for(loiret), counters_for(national))
    client.force_login(zephirine)
    page = client.get(reverse("delete_account"))
    assert page.status_code == 200

    _reauthenticate(client)
    response = client.post(reverse("delete_account"), {"confirm": "oui"}, follow=True)
    assert "Votre compte est supprimé" in response.content.decode()

    for needle in (EMAIL, "zephirine", "Quatrebarbes", "Zéphirine"):
        assert _every_text_value_containing(needle) == [], needle
    assert Volunteer.objects.filter(user__isnull=True).count() == 1
    assert CivicHour.objects.count() == 2
    cache.clear()
    assert (counters_for(loiret), counters_for(national)) == before
    # The other volunteer is untouched; the session is over.
    someone_else.refresh_from_db()
    assert someone_else.quartier == "Argonne"
    assert client.get(reverse("volunteers:dashboard")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_deletion_needs_the_box_ticked(client, zephirine):
    client.force_login(zephirine)
    _reauthenticate(client)
    response = client.post(reverse("delete_account"), {})
    assert response.status_code == 400
    assert "Cochez la case" in response.content.decode()
    assert Volunteer.objects.filter(user=zephirine).exists()


def test_the_page_lists_the_ways_to_see_fix_and_delete(client, zephirine):
    client.force_login(zephirine)
    page = client.get(reverse("personal_data")).content.decode()
    for url in (
        reverse("personal_data_export", args=["json"]),
        reverse("personal_data_export", args=["csv"]),
        reverse("volunteers:profile"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("delete_account"),
    ):
        assert f'"{url}"' in page


def test_an_unknown_export_format_is_not_found(client, zephirine):
    client.force_login(zephirine)
    assert client.post("/compte/donnees/export.xml").status_code == 404
