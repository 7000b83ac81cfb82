"""The follow-up on the real parts: PostgreSQL, Redis, a Celery worker process, an SMTP server.

The test process plans a day (dispatch) and queues the sending on Redis; a worker in another
process sends to the aiosmtpd server of the test. The database is the test database, with
committed data (transactional tests), since the worker reads it from its own connection.
"""

import collections
import datetime
import threading

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from heurecivique.months import add_months, first_of_month, previous_month
from volunteers.follow_up.sending import send
from volunteers.models import (
    INACTIVITY_MONTHS,
    CivicHour,
    Delivery,
    Pledge,
    Volunteer,
    anonymisation_date,
    start_of_day,
)
from volunteers.tasks import dispatch

from ..conftest import NEEDS_REAL_SERVICES
from ..worker import wait_for

DAY = first_of_month(timezone.localdate()).replace(day=12)
Status = Delivery.Status

pytestmark = NEEDS_REAL_SERVICES


def make_volunteers(commune, count, **fields) -> list[Volunteer]:
    """`count` volunteers due on DAY, who gave their hour last month: in a few queries."""
    User = get_user_model()
    prefix = fields.pop("prefix", "v")
    users = User.objects.bulk_create(
        [User(email=f"{prefix}{n:04d}@example.org", first_name=f"V{n}") for n in range(count)]
    )
    volunteers = Volunteer.objects.bulk_create(
        [Volunteer(user=user, commune=commune, reminder_day=DAY.day, **fields) for user in users]
    )
    Pledge.objects.bulk_create(
        [Pledge(volunteer=v, started_on=DAY - datetime.timedelta(days=200)) for v in volunteers]
    )
    CivicHour.objects.bulk_create(
        [CivicHour(volunteer=v, done_on=previous_month(DAY.replace(day=1))) for v in volunteers]
    )
    return volunteers


def assert_each_got_exactly_one(smtp_server, volunteers):
    counts = collections.Counter(smtp_server.recipients())
    expected = {v.user.email for v in volunteers}
    assert set(counts) == expected
    assert {email: n for email, n in counts.items() if n != 1} == {}


def test_a_day_on_the_worker_sends_exactly_the_due_emails_once(
    worker, smtp_server, orleans_commune, loiret, settings
):
    settings.REMINDER_BATCH_SIZE = 25
    due = make_volunteers(orleans_commune, 60)
    make_volunteers(orleans_commune, 5, prefix="off", reminders_enabled=False)
    paused = make_volunteers(orleans_commune, 3, prefix="pause")
    for volunteer in paused:
        volunteer.pledges.get().pauses.create(started_on=DAY - datetime.timedelta(days=3))

    assert dispatch(DAY.isoformat()) == 60
    worker().start()
    wait_for(lambda: len(smtp_server.messages) >= 60, 60, "60 emails received")
    wait_for(
        lambda: Delivery.objects.filter(status=Status.SENT).count() == 60, 30, "60 marked sent"
    )
    assert_each_got_exactly_one(smtp_server, due)
    message = smtp_server.messages[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}

    # The same day again, while the worker runs: nothing new is planned or sent.
    assert dispatch(DAY.isoformat()) == 0
    assert dispatch((DAY + datetime.timedelta(days=1)).isoformat()) == 0
    wait_for(lambda: True, 1, "")
    assert len(smtp_server.messages) == 60


def test_a_worker_killed_mid_batch_and_restarted_sends_each_email_exactly_once(
    worker, smtp_server, orleans_commune, loiret, settings
):
    settings.REMINDER_BATCH_SIZE = 150
    due = make_volunteers(orleans_commune, 300)
    # The server hangs on the 100th recipient: the worker is then inside its first batch of
    # 150, with 99 emails sent and committed and the 100th in flight.
    smtp_server.stall_at = 100
    assert dispatch(DAY.isoformat()) == 300
    first = worker(concurrency=1)
    first.start()
    wait_for(smtp_server.stalled.is_set, 60, "the SMTP server stalled on the 100th recipient")
    first.kill()
    smtp_server.release.set()
    assert len(smtp_server.messages) == 99
    assert Delivery.objects.filter(status=Status.SENT).count() == 99

    # Restarted, the worker gets the killed batch back from Redis (visibility timeout) and the
    # batch it never started; what was sent stays sent.
    second = worker(concurrency=2)
    second.start()
    wait_for(
        lambda: Delivery.objects.filter(status=Status.SENT).count() == 300,
        90,
        "the 300 emails sent after the restart",
    )
    assert_each_got_exactly_one(smtp_server, due)


def test_a_row_another_worker_holds_is_left_to_it_and_the_batch_again_sends_the_rest_once(
    transactional_db, smtp_server, orleans_commune, loiret
):
    volunteers = make_volunteers(orleans_commune, 3)
    Delivery.objects.bulk_create(
        [Delivery(user=v.user, kind=Delivery.Kind.REMINDER, month=DAY, territory=loiret)
         for v in volunteers]
    )  # fmt: skip
    ids = sorted(Delivery.objects.values_list("pk", flat=True))
    held, release = threading.Event(), threading.Event()

    def another_worker_sending_the_first():
        with transaction.atomic():
            Delivery.objects.select_for_update().get(pk=ids[0])
            held.set()
            release.wait(30)
        connection.close()

    other = threading.Thread(target=another_worker_sending_the_first)
    other.start()
    try:
        assert held.wait(10)
        send(ids)  # does not wait for the row held
    finally:
        release.set()
        other.join()
    assert sorted(smtp_server.recipients()) == [v.user.email for v in volunteers[1:]]
    assert Delivery.objects.get(pk=ids[0]).status == Status.QUEUED

    send(ids)  # the same batch again, as a redelivered task
    assert_each_got_exactly_one(smtp_server, volunteers)
    assert set(Delivery.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


def test_a_451_then_250_delivers_once_and_a_550_marks_the_address(
    worker, smtp_server, orleans_commune, loiret
):
    greylisted, unknown, fine = make_volunteers(orleans_commune, 3)
    smtp_server.answers[greylisted.user.email] = ["451 4.7.1 Greylisted, try again later"]
    smtp_server.answers[unknown.user.email] = ["550 5.1.1 No such user here"]
    dispatch(DAY.isoformat())
    worker().start()
    wait_for(
        lambda: not Delivery.objects.filter(status=Status.QUEUED).exists(),
        60,
        "every delivery settled",
    )
    assert sorted(smtp_server.recipients()) == sorted([greylisted.user.email, fine.user.email])
    states = {d.user_id: (d.status, d.attempts) for d in Delivery.objects.all()}
    assert states[greylisted.user_id] == (Status.SENT, 2)
    assert states[unknown.user_id] == (Status.BOUNCED, 1)
    unknown.user.refresh_from_db()
    assert unknown.user.email_bounced_at is not None
    # Bouncing: left out of the next plans.
    Delivery.objects.all().delete()
    assert dispatch(DAY.isoformat()) == 2


def test_the_inactivity_warnings_go_out_exactly_once_on_the_worker(
    worker, smtp_server, orleans_commune, loiret, settings
):
    settings.REMINDER_BATCH_SIZE = 15
    # Unused for two years forty days from now: no sign-in, no hour since.
    in_forty_days = timezone.localdate() + datetime.timedelta(days=40)
    since = start_of_day(add_months(in_forty_days, -INACTIVITY_MONTHS)).replace(hour=12)
    date = anonymisation_date(since)
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(email=f"inactif{n:03d}@example.org", date_joined=since, last_login=since)
            for n in range(40)
        ]
    )
    Volunteer.objects.bulk_create(
        [Volunteer(user=user, commune=orleans_commune, created_at=since) for user in users]
    )
    inactive = list(Volunteer.objects.select_related("user"))

    assert dispatch((date - datetime.timedelta(days=30)).isoformat()) == 40
    worker().start()
    wait_for(
        lambda: Delivery.objects.filter(status=Status.SENT).count() == 40, 60, "40 first warnings"
    )
    # The next mornings plan nothing more, until the last week.
    for before in (30, 29, 8):
        assert dispatch((date - datetime.timedelta(days=before)).isoformat()) == 0
    assert dispatch((date - datetime.timedelta(days=7)).isoformat()) == 40
    wait_for(
        lambda: Delivery.objects.filter(status=Status.SENT).count() == 80, 60, "40 last warnings"
    )
    assert dispatch((date - datetime.timedelta(days=6)).isoformat()) == 0
    wait_for(lambda: True, 1, "")

    counts = collections.Counter(
        (message["To"], str(message["Subject"]).strip().startswith("Dernier rappel"))
        for message in smtp_server.messages
    )
    expected = {(v.user.email, last) for v in inactive for last in (False, True)}
    assert set(counts) == expected
    assert {key: n for key, n in counts.items() if n != 1} == {}
