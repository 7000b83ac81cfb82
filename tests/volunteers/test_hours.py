import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from volunteers.models import CivicHour, first_of_month, previous_month

from ..factories import CivicHourFactory, VolunteerFactory

TODAY = timezone.localdate


def _log(client, **fields):
    data = {"done_on": TODAY().isoformat(), "minutes": "60", "note": ""}
    return client.post(reverse("volunteers:log_hour"), {**data, **fields})


def test_an_hour_in_the_future_is_refused(volunteer_client):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    response = _log(volunteer_client, done_on=tomorrow.isoformat())
    assert response.status_code == 400
    assert "Cette date est dans le futur." in response.content.decode()
    assert not CivicHour.objects.exists()


def test_an_hour_before_the_pledge_is_refused(client, resident, orleans_commune):
    VolunteerFactory(user=resident, commune=orleans_commune, pledge=TODAY())
    client.force_login(resident)
    response = _log(client, done_on=(TODAY() - datetime.timedelta(days=3)).isoformat())
    assert "vous n&#x27;étiez pas encore engagé(e)" in response.content.decode()
    assert not CivicHour.objects.exists()


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("0", "Indiquez au moins 5 minutes."),
        ("10000", "Au plus 8 heures pour une même action."),
        ("-60", "Indiquez au moins 5 minutes."),
        ("une heure", "Saisissez un nombre entier."),
    ],
)
def test_absurd_durations_are_refused(volunteer_client, minutes, message):
    response = _log(volunteer_client, minutes=minutes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CivicHour.objects.exists()


def test_a_note_too_long_is_refused(volunteer_client):
    response = _log(volunteer_client, note="x" * 281)
    assert response.status_code == 400
    assert not CivicHour.objects.exists()


def test_someone_elses_hour_is_not_found(volunteer_client, bordeaux_commune):
    other = CivicHourFactory(volunteer=VolunteerFactory(commune=bordeaux_commune))
    for name in ("volunteers:edit_hour", "volunteers:delete_hour"):
        assert volunteer_client.get(reverse(name, args=[other.pk])).status_code == 404
        assert volunteer_client.post(reverse(name, args=[other.pk])).status_code == 404
    assert CivicHour.objects.filter(pk=other.pk).exists()


def test_an_hour_of_this_month_can_be_corrected_and_deleted(volunteer_client, orleans_volunteer):
    hour = CivicHourFactory(volunteer=orleans_volunteer)
    response = volunteer_client.post(
        reverse("volunteers:edit_hour", args=[hour.pk]),
        {"done_on": hour.done_on.isoformat(), "minutes": "90", "note": "Jardin partagé"},
    )
    assert response.status_code == 302
    hour.refresh_from_db()
    assert (hour.minutes, hour.note) == (90, "Jardin partagé")
    volunteer_client.post(reverse("volunteers:delete_hour", args=[hour.pk]))
    assert not CivicHour.objects.filter(pk=hour.pk).exists()


def test_an_old_hour_is_kept_as_it_is(volunteer_client, orleans_volunteer):
    old_month = previous_month(previous_month(first_of_month(TODAY())))
    hour = CivicHourFactory(volunteer=orleans_volunteer, done_on=old_month)
    response = volunteer_client.post(
        reverse("volunteers:edit_hour", args=[hour.pk]),
        {"done_on": old_month.isoformat(), "minutes": "200", "note": ""},
    )
    assert response.status_code == 302
    volunteer_client.post(reverse("volunteers:delete_hour", args=[hour.pk]))
    hour.refresh_from_db()
    assert hour.minutes == 60


def test_an_hour_cannot_be_moved_into_a_closed_month(volunteer_client, orleans_volunteer):
    hour = CivicHourFactory(volunteer=orleans_volunteer)
    old_day = previous_month(previous_month(first_of_month(TODAY())))
    response = volunteer_client.post(
        reverse("volunteers:edit_hour", args=[hour.pk]),
        {"done_on": old_day.isoformat(), "minutes": "60", "note": ""},
    )
    assert response.status_code == 400
    hour.refresh_from_db()
    assert hour.done_on == TODAY()


def test_logging_is_rate_limited(volunteer_client):
    for _attempt in range(30):
        _log(volunteer_client)
    refused = _log(volunteer_client)
    assert refused.status_code == 429
    assert "Vous pourrez réessayer dans 1 heure." in refused.content.decode()
    assert CivicHour.objects.count() == 30


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    for name in ("volunteers:dashboard", "volunteers:history", "volunteers:attestation"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert client.post(reverse("volunteers:log_hour")).status_code == 302
    assert not CivicHour.objects.exists()


def test_forms_need_their_csrf_token(resident, orleans_volunteer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    assert _log(client).status_code == 403
    assert not CivicHour.objects.exists()
