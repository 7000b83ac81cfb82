"""The missions' beat tasks, run in-process: the day before and the day after written exactly
once per participation, whoever runs them and however often; the helped people forgotten after
their retention. The same on a real worker: test_worker.py."""

import collections
import datetime
import threading

import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from missions import reminders, tasks
from missions.models import Beneficiary, Mission, Participation
from tests.factories import BeneficiaryFactory

from .inbox import soon_and_before, subject

Status = Participation.Status


def kinds_by_recipient(smtp_server) -> collections.Counter:
    return collections.Counter(
        (message["To"], subject(message).split(" ")[0]) for message in smtp_server.messages
    )


def test_run_twice_the_day_emails_go_out_once_each(
    orleans_commune, orleans, smtp_server, django_capture_on_commit_callbacks
):
    participations = soon_and_before(orleans_commune, 3)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_day_emails() == 6
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_day_emails() == 0
    counts = kinds_by_recipient(smtp_server)
    assert set(counts.values()) == {1}
    assert {kind for _to, kind in counts} == {"Rappel", "Ça"}  # « Ça s'est bien passé ? »
    assert len(counts) == 6
    for participation in participations:
        participation.refresh_from_db()
    assert all(p.reminder_sent_at or p.follow_up_sent_at for p in participations)


def test_nobody_off_the_mission_gets_its_day_emails(
    orleans_commune, orleans, smtp_server, django_capture_on_commit_callbacks
):
    participations = soon_and_before(orleans_commune, 4)
    soon_ones = [p for p in participations if p.mission.starts_at > timezone.now()]
    Participation.objects.filter(pk=soon_ones[0].pk).update(status=Status.WITHDRAWN)
    Participation.objects.filter(pk=soon_ones[1].pk).update(status=Status.WAITING)
    gone = soon_ones[2].volunteer.user
    gone.is_active = False
    gone.save()
    past = participations[4].mission
    Mission.objects.filter(pk=past.pk).update(status=Mission.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_day_emails()
    assert smtp_server.recipients() == [soon_ones[3].volunteer.user.email]
    # The account closed was dealt with all the same: it does not come back every run.
    assert tasks.send_day_emails() == 0


def test_a_volunteer_accepted_after_the_day_before_is_reminded_on_the_day(
    orleans_commune, orleans, smtp_server, django_capture_on_commit_callbacks
):
    participation = soon_and_before(orleans_commune, 1)[0]
    early = timezone.localtime().replace(hour=7, minute=0)
    Mission.objects.filter(pk=participation.mission.pk).update(
        starts_at=early + datetime.timedelta(hours=3)
    )
    # At seven, a mission at ten the same day: its reminder is due now, not « tomorrow ».
    assert reminders.reminders_due(early).filter(pk=participation.pk).exists()


def test_the_helped_people_past_their_retention_are_forgotten_each_night(db):
    old = BeneficiaryFactory(created_at=timezone.now() - datetime.timedelta(days=800))
    BeneficiaryFactory()  # registered today
    assert tasks.anonymise_beneficiaries() == 1
    assert Beneficiary.objects.get(pk=old.pk).name == "Personne anonymisée"
    assert tasks.anonymise_beneficiaries() == 0


def test_beat_writes_the_day_emails_every_five_minutes():
    schedule = settings.CELERY_BEAT_SCHEDULE["mission-day-emails"]["schedule"]
    assert len(schedule.minute) == 12 and len(schedule.hour) == 24


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI has it)"
)
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_write_each_email_once(national, orleans_commune, smtp_server):
    participations = soon_and_before(orleans_commune, 30)
    start = threading.Barrier(2)
    claimed = []

    def run():
        try:
            start.wait()
            claimed.append(reminders.send_due())
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(claimed) == len(participations) == 60
    counts = kinds_by_recipient(smtp_server)
    assert len(counts) == 60 and set(counts.values()) == {1}
