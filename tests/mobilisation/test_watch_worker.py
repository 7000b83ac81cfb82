"""The watch's morning emails on the real parts: PostgreSQL, Redis, Celery worker processes, an
SMTP server. Beat's task reaching two busy workers three times at once, or a worker killed in
the middle of its sending and restarted: each volunteer receives the day's email exactly once.
The database is the test database, with committed data (transactional tests)."""

import collections
import datetime

from django.utils import timezone

from heurecivique.models import OutgoingEmail
from mobilisation import watch
from mobilisation.models import Crisis, WatchMorning
from mobilisation.tasks import send_watch_mornings
from tests.factories import BeneficiaryFactory

from ..conftest import NEEDS_REAL_SERVICES
from ..worker import wait_for
from .test_watch import at, volunteer

pytestmark = NEEDS_REAL_SERVICES

MORNING = at(9).isoformat()


def on_watch(loiret, commune, count: int) -> list[str]:
    """`count` volunteers of a commune under a heatwave, each watching one or two people (the
    person of the next volunteer too: shared people); their addresses."""
    Crisis.objects.create(
        territory=loiret,
        kind=Crisis.Kind.HEATWAVE,
        message="Buvez de l'eau.",
        starts_at=timezone.now() - datetime.timedelta(hours=12),
        ends_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    people = [
        BeneficiaryFactory(commune=commune, name=f"Personne {n:03d}", watched=True)
        for n in range(count)
    ]
    addresses = []
    for n in range(count):
        helper = volunteer(commune, f"v{n:03d}@example.org")
        for person in {people[n], people[(n + 1) % count]} if n % 2 else {people[n]}:
            pairing = watch.propose(beneficiary=person, volunteer=helper, by=None)
            watch.answer_proposal(pairing=pairing, accept=True)
        addresses.append(helper.user.email)
    OutgoingEmail.objects.all().delete()  # the proposals, sent by now in production
    return addresses


def mornings(smtp_server) -> collections.Counter:
    return collections.Counter(
        m["To"] for m in smtp_server.messages if str(m["Subject"]).startswith("Veille canicule")
    )


def test_beat_fired_three_times_on_two_workers_sends_each_morning_email_once(
    worker, smtp_server, loiret, orleans, orleans_commune
):
    addresses = on_watch(loiret, orleans_commune, 40)
    for _ in range(3):
        send_watch_mornings.apply_async(kwargs={"at": MORNING})
    workers = [worker(concurrency=2), worker(concurrency=2)]
    for celery_worker in workers:
        celery_worker.start()
    wait_for(lambda: sum(mornings(smtp_server).values()) >= 40, 90, "40 emails received")
    wait_for(lambda: not OutgoingEmail.objects.exists(), 30, "the outbox emptied")
    assert WatchMorning.objects.count() == 40
    # Beat again, once all is sent: nothing more.
    send_watch_mornings.apply_async(kwargs={"at": MORNING})
    wait_for(lambda: True, 3, "")
    assert mornings(smtp_server) == dict.fromkeys(addresses, 1)
    assert all(m["From"].startswith("L'Heure Civique · Orléans") for m in smtp_server.messages)


def test_a_worker_killed_mid_sending_and_restarted_sends_each_morning_email_once(
    worker, smtp_server, loiret, orleans, orleans_commune
):
    addresses = on_watch(loiret, orleans_commune, 30)
    # The server hangs on the 10th recipient: the morning emails are written (one transaction),
    # nine sent, the tenth in flight when the worker dies.
    smtp_server.stall_at = 10
    send_watch_mornings.apply_async(kwargs={"at": MORNING})
    first = worker(concurrency=1)
    first.start()
    wait_for(smtp_server.stalled.is_set, 60, "the SMTP server stalled on the 10th recipient")
    first.kill()
    smtp_server.release.set()
    assert sum(mornings(smtp_server).values()) == 9

    # Restarted, beat fires again: nothing is written twice, and what waits goes out once.
    send_watch_mornings.apply_async(kwargs={"at": MORNING})
    second = worker(concurrency=2)
    second.start()
    wait_for(lambda: not OutgoingEmail.objects.exists(), 90, "the outbox emptied")
    assert mornings(smtp_server) == dict.fromkeys(addresses, 1)
    assert WatchMorning.objects.count() == 30
