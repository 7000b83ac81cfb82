"""The day emails on the real parts: PostgreSQL, Redis, Celery worker processes, an SMTP server.

Beat's task reaches two busy workers three times at once; each volunteer receives their
reminder and their « ça s'est bien passé ? » exactly once (missions/reminders.py), then the
outbox is empty. The database is the test database, with committed data (transactional tests).
"""

import collections
import re

from heurecivique.models import OutgoingEmail
from missions.models import Participation
from missions.tasks import send_day_emails

from ..conftest import NEEDS_REAL_SERVICES
from ..worker import wait_for
from .inbox import soon_and_before, subject

pytestmark = NEEDS_REAL_SERVICES


def test_beat_fired_three_times_on_two_workers_sends_each_email_once(
    worker, smtp_server, national, loiret, orleans_commune
):
    participations = soon_and_before(orleans_commune, 40)
    for _ in range(3):
        send_day_emails.apply_async()
    workers = [worker(concurrency=2), worker(concurrency=2)]
    for celery_worker in workers:
        celery_worker.start()
    wait_for(lambda: len(smtp_server.messages) >= 80, 90, "80 emails received")
    wait_for(lambda: not OutgoingEmail.objects.exists(), 30, "the outbox emptied")
    assert not Participation.objects.filter(
        reminder_sent_at__isnull=True, follow_up_sent_at__isnull=True
    ).exists()

    # Beat again, once all is sent: nothing more.
    send_day_emails.apply_async()
    wait_for(lambda: len(runs(workers)) == 4, 30, "the fourth run done")
    # Between them, the four runs claimed each participation once, whoever got which.
    assert sum(runs(workers)) == 80
    counts = collections.Counter(
        (message["To"], subject(message).split(" ")[0]) for message in smtp_server.messages
    )
    assert len(counts) == len(participations) == 80
    assert {key: n for key, n in counts.items() if n != 1} == {}
    assert all(m["From"].startswith("L'Heure Civique · Loiret") for m in smtp_server.messages)


def runs(workers) -> list[int]:
    """What each run of the task returned (how many it claimed), from the workers' logs."""
    logs = "".join(w.log.read_text(errors="replace") for w in workers if w.log.exists())
    return [
        int(n) for n in re.findall(r"send_day_emails\[[^\]]+\] succeeded in [^:]+: (\d+)", logs)
    ]
