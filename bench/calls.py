"""A mairie's message to N volunteers (« Messages aux volontaires »), through real Celery workers
on Redis, to a local SMTP sink (aiosmtpd).

    DATABASE_URL=postgres://heurecivique@127.0.0.1:5432/heurecivique \\
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/calls.py [--volunteers 10000]

It works in its own database (<name>_bench_calls, dropped and created again) and its own queue.
Prints: the count shown before sending (calls.audience), the confirmation (calls.send: the
recipients read and one row written per person), then the messages per second from the
confirmation to the last one taken by the SMTP server: the batches write each email to the
outbox (calls.send_batch), the outbox sends each (heurecivique.tasks.send_email).
Not run by `make test`: timings depend on the machine.
"""

import argparse
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--volunteers", type=int, default=10_000)
parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
ARGS = parser.parse_args()

SOURCE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
if not SOURCE_URL.startswith("postgres") or not REDIS_URL:
    sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark uses the real services.")
parts = urlsplit(SOURCE_URL)
BENCH_DB = parts.path.lstrip("/") + "_bench_calls"
BENCH_URL = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
QUEUE = f"heurecivique-bench-calls-{os.getpid()}"
ENV = {
    **os.environ,
    # Production settings: DEBUG records every query, which would slow the worker down.
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
    "DATABASE_URL": BENCH_URL,
    "CELERY_QUEUE": QUEUE,
    "REMINDER_BATCH_SIZE": "200",
    "DATABASE_STATEMENT_TIMEOUT": "0",
}
os.environ.update(ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heurecivique.settings")


def recreate_database() -> None:
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True
    )


class Sink:
    """An SMTP server that counts what it receives."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def populate(count: int):
    """A department's portal, ten communes, `count` volunteers who agreed to be contacted."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from territories.models import Commune, Department, Territory
    from volunteers.models import Volunteer

    department = Department.objects.create(code="45", name="Loiret", tncc=2)
    territory = Territory.objects.create(
        kind="departement", slug="loiret", name="Loiret", department=department
    )
    communes = Commune.objects.bulk_create(
        [Commune(insee_code=f"45{n:03d}", name=f"Commune {n}", department=department)
         for n in range(10)]
    )  # fmt: skip
    User = get_user_model()
    for start in range(0, count, 5000):
        size = min(5000, count - start)
        users = User.objects.bulk_create(
            [User(email=f"v{start + n}@example.org", first_name="Camille") for n in range(size)]
        )
        Volunteer.objects.bulk_create(
            [Volunteer(user=user, commune=communes[user.pk % len(communes)],
                       contact_consent_at=timezone.now())
             for user in users]
        )  # fmt: skip
    return territory


def main() -> int:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    print(f"Database {BENCH_DB}, Redis {REDIS_URL}, queue {QUEUE}")
    recreate_database()
    import django

    django.setup()
    from aiosmtpd.controller import Controller

    from heurecivique.models import OutgoingEmail
    from mobilisation import calls
    from mobilisation.models import Campaign
    from tests.worker import CeleryWorker, free_port

    start = time.perf_counter()
    territory = populate(ARGS.volunteers)
    print(f"{ARGS.volunteers:,} volunteers created in {time.perf_counter() - start:.1f} s")
    campaign = Campaign.objects.create(
        territory=territory,
        subject="Canicule : qui peut passer voir un voisin ?",
        body="La chaleur dure jusqu'à dimanche.\n\nPouvez-vous passer voir une personne seule ?",
        asks_availability=True,
    )

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    worker = CeleryWorker(
        database=BENCH_URL,
        redis_url=REDIS_URL,
        queue=QUEUE,
        email_port=port,
        concurrency=ARGS.concurrency,
        visibility_timeout=3600,
        extra_env={key: ENV[key] for key in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY")},
    )
    worker.start()
    try:
        start = time.perf_counter()
        audience = calls.audience(campaign)
        print(f"Count before sending: {audience['recipients']:,} recipients in "
              f"{time.perf_counter() - start:.2f} s")  # fmt: skip
        start = time.perf_counter()
        sent = calls.send(campaign=campaign, by=None)
        confirmed = time.perf_counter() - start
        print(f"Confirmation (rows written, batches queued): {sent:,} in {confirmed:.2f} s")
        deadline = time.monotonic() + 3600
        while sink.count < sent and time.monotonic() < deadline:
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
        progress = calls.progress(campaign)
        rate = sink.count / elapsed
        print(f"{sink.count:,} messages taken by the SMTP server in {elapsed:.1f} s: "
              f"{rate:.0f} messages/s with {ARGS.concurrency} worker processes")  # fmt: skip
        print(f"Left in the outbox: {OutgoingEmail.objects.count()}; progress: {progress}")
    finally:
        worker.stop()
        controller.stop()
    return 0 if sink.count == ARGS.volunteers else 1


if __name__ == "__main__":
    sys.exit(main())
