import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from heurecivique.months import next_month
from heurecivique.text import long_date
from volunteers.follow_up.planning import due_on
from volunteers.models import PledgePause

from ..factories import VolunteerFactory


def _reminded() -> set[int]:
    """The people the monthly dispatch would write to on the 1st of next month (everyone's
    reminder day here): what it plans, read without writing a row."""
    return {due.user_id for chunk in due_on(next_month(timezone.localdate())) for due in chunk}


def _act(client, action):
    return client.post(reverse("volunteers:pledge"), {"action": action}, follow=True)


def _pause(client, resume_on=""):
    return client.post(reverse("volunteers:pause_pledge"), {"resume_on": resume_on}, follow=True)


def _stop(client):
    return client.post(reverse("volunteers:stop_pledge"), follow=True)


def test_pause_resume_stop_and_start_again(volunteer_client, orleans_volunteer):
    page = _pause(volunteer_client).content.decode()
    assert "en pause" in page
    assert orleans_volunteer.pledges.get().is_paused
    assert orleans_volunteer.user_id not in _reminded()

    page = _act(volunteer_client, "resume").text
    assert orleans_volunteer.user_id in _reminded()
    # A pause of a few seconds leaves no « en pause » month behind.
    assert "en pause" not in page

    page = _stop(volunteer_client).content.decode()
    assert "Vous n'avez pas d'engagement en cours" in page
    assert orleans_volunteer.user_id not in _reminded()

    _act(volunteer_client, "start")
    assert orleans_volunteer.pledges.count() == 2
    assert orleans_volunteer.user_id in _reminded()


def test_impossible_steps_are_explained(volunteer_client, orleans_volunteer):
    assert "n&#x27;est pas en pause" in _act(volunteer_client, "resume").content.decode()
    assert "déjà en cours" in _act(volunteer_client, "start").content.decode()
    _pause(volunteer_client)
    assert "déjà en pause" in _pause(volunteer_client).content.decode()
    assert orleans_volunteer.pledges.count() == 1


def test_stopping_asks_for_confirmation_first(volunteer_client, orleans_volunteer):
    dashboard = volunteer_client.get(reverse("volunteers:dashboard")).text
    confirm_url = reverse("volunteers:stop_pledge")
    # On the dashboard, « Arrêter mon engagement » is a link to a page, not a button that acts.
    assert f'<a class="btn btn-outline-danger" href="{confirm_url}">' in dashboard
    assert 'value="stop"' not in dashboard
    page = volunteer_client.get(confirm_url).text
    assert "Arrêter mon engagement ?" in page
    assert "Oui, arrêter mon engagement" in page
    assert orleans_volunteer.pledges.get().ended_on is None
    # The old one-click action is gone.
    assert _act(volunteer_client, "stop").status_code == 404
    _stop(volunteer_client)
    assert orleans_volunteer.pledges.get().ended_on == timezone.localdate()


def test_a_pause_with_a_date_of_return_ends_by_itself(volunteer_client, orleans_volunteer):
    today = timezone.localdate()
    back = today + datetime.timedelta(days=10)
    page = _pause(volunteer_client, back.isoformat()).text
    assert f"reprise prévue le {long_date(back)}" in page
    assert orleans_volunteer.user_id not in _reminded()
    # The day of return comes: nothing runs, and the pledge is running again.
    PledgePause.objects.update(started_on=today - datetime.timedelta(days=10), ended_on=today)
    assert orleans_volunteer.user_id in _reminded()
    page = volunteer_client.get(reverse("volunteers:dashboard")).text
    assert "en pause" not in page and "Faire une pause" in page


@pytest.mark.parametrize(
    ("resume_on", "message"),
    [
        ("hier", "Indiquez une date"),
        ("2020-01-01", "Choisissez une date de reprise après aujourd&#x27;hui."),
        ("2999-01-01", "Une pause se prévoit sur un an au plus"),
    ],
)
def test_a_wrong_date_of_return_is_explained(
    volunteer_client, orleans_volunteer, resume_on, message
):
    response = volunteer_client.post(reverse("volunteers:pause_pledge"), {"resume_on": resume_on})
    assert response.status_code == 400
    assert message in response.text
    assert not PledgePause.objects.exists()


def test_an_unknown_action_is_not_found(volunteer_client):
    assert _act(volunteer_client, "supprimer-tout").status_code == 404


def test_reminders_go_only_to_running_pledges_with_reminders_on(db):
    running = VolunteerFactory()
    VolunteerFactory(reminders_enabled=False)
    VolunteerFactory(pledge=False)
    assert _reminded() == {running.user_id}
