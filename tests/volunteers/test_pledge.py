from django.urls import reverse

from volunteers.models import Volunteer

from ..factories import VolunteerFactory


def _act(client, action):
    return client.post(reverse("volunteers:pledge"), {"action": action}, follow=True)


def test_pause_resume_stop_and_start_again(volunteer_client, orleans_volunteer):
    page = _act(volunteer_client, "pause").content.decode()
    assert "en pause" in page
    assert orleans_volunteer.pledges.get().is_paused
    assert not Volunteer.objects.to_remind().filter(pk=orleans_volunteer.pk).exists()

    _act(volunteer_client, "resume")
    assert Volunteer.objects.to_remind().filter(pk=orleans_volunteer.pk).exists()

    page = _act(volunteer_client, "stop").content.decode()
    assert "Vous n'avez pas d'engagement en cours" in page
    assert not Volunteer.objects.to_remind().filter(pk=orleans_volunteer.pk).exists()

    _act(volunteer_client, "start")
    assert orleans_volunteer.pledges.count() == 2
    assert Volunteer.objects.to_remind().filter(pk=orleans_volunteer.pk).exists()


def test_impossible_steps_are_explained(volunteer_client, orleans_volunteer):
    assert "n&#x27;est pas en pause" in _act(volunteer_client, "resume").content.decode()
    assert "déjà en cours" in _act(volunteer_client, "start").content.decode()
    _act(volunteer_client, "pause")
    assert "déjà en pause" in _act(volunteer_client, "pause").content.decode()
    assert orleans_volunteer.pledges.count() == 1


def test_an_unknown_action_is_not_found(volunteer_client):
    assert _act(volunteer_client, "supprimer-tout").status_code == 404


def test_reminders_go_only_to_running_pledges_with_reminders_on(db):
    running = VolunteerFactory()
    VolunteerFactory(reminders_enabled=False)
    VolunteerFactory(pledge=False)
    assert list(Volunteer.objects.to_remind()) == [running]
