"""A mairie's message on the real parts: PostgreSQL, Redis, Celery worker processes, an SMTP
server. The confirmation queues the batches on Redis; a worker hands each batch to the outbox
and sends its emails. The database is the test database, with committed data (transactional
tests), since the workers read it from their own connections."""

import collections
import threading

from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from heurecivique.models import OutgoingEmail
from mobilisation import calls
from mobilisation.models import Campaign, CampaignDelivery
from volunteers.models import Volunteer

from ..conftest import NEEDS_REAL_SERVICES
from ..worker import wait_for

pytestmark = NEEDS_REAL_SERVICES


def make_volunteers(commune, count) -> list[Volunteer]:
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(email=f"m{n:04d}@example.org", first_name=f"V{n}") for n in range(count)]
    )
    return Volunteer.objects.bulk_create(
        [Volunteer(user=user, commune=commune, contact_consent_at=timezone.now()) for user in users]
    )


def delivered(campaign) -> int:
    return calls.progress(campaign)["delivered"]


def test_a_worker_killed_mid_batch_and_restarted_sends_each_message_exactly_once(
    worker, smtp_server, orleans, orleans_commune, orleans_agent, settings
):
    settings.REMINDER_BATCH_SIZE = 150
    volunteers = make_volunteers(orleans_commune, 300)
    campaign = Campaign.objects.create(territory=orleans, subject="Samedi", body="Venez.")
    # The server hangs on the 100th recipient: 99 emails are sent and their rows deleted, the
    # 100th is in flight when the worker dies.
    smtp_server.stall_at = 100
    assert calls.send(campaign=campaign, by=orleans_agent) == 300
    first = worker(concurrency=1)
    first.start()
    wait_for(smtp_server.stalled.is_set, 90, "the SMTP server stalled on the 100th recipient")
    first.kill()
    smtp_server.release.set()
    assert len(smtp_server.messages) == 99
    assert delivered(campaign) == 99

    # Restarted, the workers get the killed tasks back from Redis (visibility timeout): what
    # was sent stays sent, what was written is written once.
    for celery_worker in (worker(concurrency=2), worker(concurrency=2)):
        celery_worker.start()
    wait_for(lambda: delivered(campaign) == 300, 120, "the 300 messages delivered")
    counts = collections.Counter(smtp_server.recipients())
    assert set(counts) == {v.user.email for v in volunteers}
    assert {email: n for email, n in counts.items() if n != 1} == {}
    assert not OutgoingEmail.objects.exists()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert set(CampaignDelivery.objects.values_list("status", flat=True)) == {
        CampaignDelivery.Status.WRITTEN
    }


def test_a_row_another_worker_holds_is_left_to_it_and_the_batch_again_writes_the_rest_once(
    transactional_db, orleans, orleans_commune, mailoutbox
):
    volunteers = make_volunteers(orleans_commune, 3)
    campaign = Campaign.objects.create(
        territory=orleans, subject="Samedi", body="Venez.", status=Campaign.Status.SENDING
    )
    # As the confirmation writes them, without queuing them (nothing commits after this test).
    CampaignDelivery.objects.bulk_create(
        [CampaignDelivery(campaign=campaign, volunteer=v) for v in volunteers]
    )
    ids = sorted(campaign.deliveries.values_list("pk", flat=True))
    held, release = threading.Event(), threading.Event()

    def another_worker_writing_the_first():
        with transaction.atomic():
            CampaignDelivery.objects.select_for_update().get(pk=ids[0])
            held.set()
            release.wait(30)
        connection.close()

    other = threading.Thread(target=another_worker_writing_the_first)
    other.start()
    try:
        assert held.wait(10)
        assert calls.send_batch(ids) == 2  # does not wait for the row held
    finally:
        release.set()
        other.join()
    assert calls.send_batch(ids) == 1  # the same batch again, as a redelivered task
    assert calls.send_batch(ids) == 0
    # Each written once to the outbox (the eager outbox sent them to the test's backend).
    assert sorted(message.to[0] for message in mail.outbox) == [
        f"m{n:04d}@example.org" for n in range(3)
    ]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
