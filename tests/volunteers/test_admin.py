"""Staff see the volunteers of their territory; names and addresses only with consent."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from ..factories import CivicHourFactory, UserFactory, VolunteerFactory

CHANGELIST = "admin:volunteers_volunteer_changelist"
# A row of the list, not the quartier filter in the side bar.
ARGONNE_ROW = '<td class="field-quartier">Argonne</td>'
SOURCE_ROW = '<td class="field-quartier">La Source</td>'


@pytest.fixture
def people(orleans_commune, bordeaux_commune, loiret, gironde):
    """Two Orléans volunteers (one consenting) and one in Bordeaux (consenting)."""
    now = timezone.now()
    return {
        "consenting": VolunteerFactory(
            user=UserFactory(email="oui@example.org", first_name="Ophélie", last_name="Accord"),
            commune=orleans_commune, quartier="La Source", contact_consent_at=now,
        ),
        "discreet": VolunteerFactory(
            user=UserFactory(email="discret@example.org", first_name="Denis", last_name="Discret"),
            commune=orleans_commune, quartier="Argonne",
        ),
        "bordeaux": VolunteerFactory(
            user=UserFactory(email="bdx@example.org", first_name="Bérénice", last_name="Garonne"),
            commune=bordeaux_commune, contact_consent_at=now,
        ),
    }  # fmt: skip


@pytest.fixture
def loiret_admin(client, loiret_agent):
    client.force_login(loiret_agent)
    return client


def test_an_agent_sees_only_the_volunteers_of_their_territory(loiret_admin, people):
    page = loiret_admin.get(reverse(CHANGELIST)).content.decode()
    assert "Ophélie Accord" in page and "oui@example.org" in page
    assert "Garonne" not in page and "bdx@example.org" not in page
    bordeaux = people["bordeaux"]
    change = reverse("admin:volunteers_volunteer_change", args=[bordeaux.pk])
    assert loiret_admin.get(change).status_code == 302


def test_without_consent_the_agent_sees_neither_name_nor_address(loiret_admin, people):
    page = loiret_admin.get(reverse(CHANGELIST)).content.decode()
    assert "Argonne" in page  # the volunteer is counted and described…
    assert "Discret" not in page and "discret@example.org" not in page  # …not identified
    detail = loiret_admin.get(
        reverse("admin:volunteers_volunteer_change", args=[people["discreet"].pk])
    ).content.decode()
    assert "Discret" not in detail and "discret@example.org" not in detail


def test_searching_an_address_finds_only_consenting_volunteers(loiret_admin, people):
    found = loiret_admin.get(reverse(CHANGELIST), {"q": "discret@example.org"}).content.decode()
    assert ARGONNE_ROW not in found
    found = loiret_admin.get(reverse(CHANGELIST), {"q": "Accord"}).content.decode()
    assert "oui@example.org" in found
    found = loiret_admin.get(reverse(CHANGELIST), {"q": "argonne"}).content.decode()
    assert ARGONNE_ROW in found


def test_the_csv_export_holds_only_consenting_volunteers_of_my_territory(loiret_admin, people):
    everyone = [v.pk for v in people.values()]
    response = loiret_admin.post(
        reverse(CHANGELIST), {"action": "export_contacts", "_selected_action": everyone}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Prénom", "Nom", "Adresse électronique"]
    assert [row[2] for row in rows[1:]] == ["oui@example.org"]


def test_an_export_with_nobody_consenting_says_so(loiret_admin, people):
    response = loiret_admin.post(
        reverse(CHANGELIST),
        {"action": "export_contacts", "_selected_action": [people["discreet"].pk]},
        follow=True,
    )
    assert "n&#x27;a accepté d&#x27;être contacté" in response.content.decode()


def test_filters_on_pledge_state_and_this_months_hour(loiret_admin, people):
    CivicHourFactory(volunteer=people["consenting"])
    people["discreet"].pledges.update(ended_on=timezone.localdate())
    active = loiret_admin.get(reverse(CHANGELIST), {"ce_mois": "oui"}).content.decode()
    assert SOURCE_ROW in active and ARGONNE_ROW not in active
    stopped = loiret_admin.get(reverse(CHANGELIST), {"engagement": "arrete"}).content.decode()
    assert ARGONNE_ROW in stopped and SOURCE_ROW not in stopped


def test_the_quartier_filter_lists_only_my_quartiers(loiret_admin, people):
    people["bordeaux"].quartier = "Chartrons"
    people["bordeaux"].save()
    page = loiret_admin.get(reverse(CHANGELIST)).content.decode()
    assert "quartier=La+Source" in page or "quartier=La%20Source" in page
    assert "Chartrons" not in page


def test_hours_are_listed_for_my_territory_only_and_without_notes(loiret_admin, people):
    CivicHourFactory(volunteer=people["consenting"], note="Courses pour Mme Petit")
    CivicHourFactory(volunteer=people["bordeaux"])
    page = loiret_admin.get(reverse("admin:volunteers_civichour_changelist")).content.decode()
    assert "Ophélie Accord" in page
    assert "Garonne" not in page
    assert "Mme Petit" not in page


def test_volunteers_cannot_be_changed_or_deleted_through_the_admin(loiret_admin, people):
    volunteer = people["consenting"]
    loiret_admin.post(
        reverse("admin:volunteers_volunteer_delete", args=[volunteer.pk]), {"post": "yes"}
    )
    assert volunteer.__class__.objects.filter(pk=volunteer.pk).exists()
