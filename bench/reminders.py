"""The monthly reminder at scale: N volunteers due the same day, through a real Celery worker on
Redis, to a local SMTP sink; beside it, the same messages sent straight with smtplib (the limit).

    DATABASE_URL=postgres://heurecivique@127.0.0.1:5432/heurecivique \\
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/reminders.py [--volunteers 100000]

It works in its own database (<name>_bench, dropped and created again) and its own queue.
Prints: planning time and the planner's peak memory (it streams, so memory stays flat in N);
the emails per second from the start of the planning to the last email marked sent (the two
overlap: batches go out as the planning commits them), and from the first email sent to the last
(the sending alone); the workers' CPU time per email (what a busy machine changes least) and
their peak memory; the raw smtplib rate to the same sink, and the sending's ratio to it.
Not run by `make test`: timings depend on the machine.
"""

import argparse
import datetime
import logging
import os
import resource
import smtplib
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
parser.add_argument("--replay", type=int, default=10_000, help="messages sent straight")
ARGS = parser.parse_args()

SOURCE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
if not SOURCE_URL.startswith("postgres") or not REDIS_URL:
    sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark uses the real services.")
parts = urlsplit(SOURCE_URL)
BENCH_DB = parts.path.lstrip("/") + "_bench"
BENCH_URL = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
QUEUE = f"heurecivique-bench-{os.getpid()}"
ENV = {
    **os.environ,
    # Production settings: DEBUG records every query, which would slow the worker down.
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
    "DATABASE_URL": BENCH_URL,
    "CELERY_QUEUE": QUEUE,
    "REMINDER_BATCH_SIZE": "200",
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
    """An SMTP server that counts what it receives and keeps the first messages to replay."""

    def __init__(self, keep: int):
        self.count = 0
        self.kept = []
        self.keep = keep
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            if len(self.kept) < self.keep:
                self.kept.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


# The volunteers live in the communes of several departments, each with its portal and some
# initiatives, one after the other as at national scale: what a batch reads once per portal and
# per commune is measured too, not only what its emails share when all live in one commune.
DEPARTMENTS, COMMUNES_PER_DEPARTMENT = 20, 10


def populate(count: int, day: datetime.date) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from gestes.models import Geste
    from heurecivique.months import previous_month
    from initiatives.models import Initiative
    from territories.models import Commune, Department, Territory
    from volunteers.models import CivicHour, Pledge, Volunteer

    departments = Department.objects.bulk_create(
        [Department(code=f"{n:02d}", name=f"Département {n}") for n in range(1, DEPARTMENTS + 1)]
    )
    Territory.objects.bulk_create(
        [Territory(kind="departement", slug=f"departement-{department.code}",
                   name=department.name, department=department)
         for department in departments]
    )  # fmt: skip
    communes = Commune.objects.bulk_create(
        [Commune(insee_code=f"{department.code}{n:03d}", name=f"Commune {department.code}-{n}",
                 department=department)
         for department in departments for n in range(COMMUNES_PER_DEPARTMENT)]
    )  # fmt: skip
    User = get_user_model()
    organiser = User.objects.create(email="association@example.org")
    Initiative.objects.bulk_create(
        [Initiative(title=f"Initiative {n}", slug=f"initiative-{n}", summary="Des voisins.",
                    body="Une présentation.", commune=commune, run_by="Une association",
                    place="La salle des fêtes", frequency="hebdo", schedule="le samedi",
                    how_to_join="Venez nous voir.", organiser=organiser, status="publie",
                    published_at=timezone.now() - datetime.timedelta(days=n))
         for n, commune in enumerate(communes[::2])]
    )  # fmt: skip
    gestes = list(Geste.objects.published())  # the hundred gestes of the data migration
    last_month = previous_month(day)
    for start in range(0, count, 5000):
        size = min(5000, count - start)
        users = User.objects.bulk_create(
            [User(email=f"v{start + n}@example.org", first_name="Camille") for n in range(size)]
        )
        volunteers = Volunteer.objects.bulk_create(
            [Volunteer(user=user, commune=communes[user.pk % len(communes)], reminder_day=day.day)
             for user in users]
        )  # fmt: skip
        Pledge.objects.bulk_create(
            [Pledge(volunteer=v, started_on=day - datetime.timedelta(days=90)) for v in volunteers]
        )
        CivicHour.objects.bulk_create(
            [CivicHour(volunteer=v, done_on=last_month, geste=gestes[v.pk % len(gestes)])
             for v in volunteers]
        )  # fmt: skip


def usage_of_group(pgid: int) -> tuple[int, float]:
    """The sum of the peak resident memory (VmHWM, kB) of a process group's processes, and of
    their CPU time (user and system, seconds)."""
    memory, cpu = 0, 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    memory += int(line.split()[1])
            # utime and stime, the 14th and 15th fields, after the command in parentheses.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ProcessLookupError):
            continue
    return memory, cpu


def main() -> int:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    print(f"Database {BENCH_DB}, Redis {REDIS_URL}, queue {QUEUE}")
    recreate_database()
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.db.models import Max, Min
    from django.utils import timezone

    from tests.worker import CeleryWorker, free_port
    from volunteers.models import Delivery

    day = timezone.localdate().replace(day=12)
    start = time.perf_counter()
    populate(ARGS.volunteers, day)
    print(f"{ARGS.volunteers:,} volunteers due on {day} created in "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip

    sink = Sink(keep=ARGS.replay)
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
        # The planning, as beat or `manage.py send_reminders` runs it, in its own process.
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "send_reminders", "--date", day.isoformat()],
            cwd=ROOT, env={**ENV, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        planned = time.perf_counter() - start
        planner_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        while True:
            sent = Delivery.objects.filter(status=Delivery.Status.SENT).count()
            if sent >= ARGS.volunteers:
                break
            if time.perf_counter() - start > 3600:
                print(f"Gave up after an hour: {sent} sent.")
                return 1
            time.sleep(0.5)
        wall = time.perf_counter() - start
        worker_kb, worker_cpu = usage_of_group(worker.process.pid)
    finally:
        worker.stop()

    others = Delivery.objects.exclude(status=Delivery.Status.SENT).count()
    span = Delivery.objects.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    sending = (span["last"] - span["first"]).total_seconds()
    print(f"planning (dispatch)     {planned:8.1f} s   peak memory {planner_kb / 1024:6.0f} MB")
    print(f"planning and sending    {wall:8.1f} s   {ARGS.volunteers / wall:8.0f} emails/s")
    print(f"sending alone           {sending:8.1f} s   {ARGS.volunteers / sending:8.0f} emails/s "
          f"({ARGS.concurrency} worker processes: {worker_cpu * 1000 / ARGS.volunteers:.1f} ms "
          f"of CPU per email, peak memory {worker_kb / 1024:.0f} MB in all)")  # fmt: skip
    print(f"received by the sink    {sink.count:8d}     not sent: {others}")

    messages, sink.keep = list(sink.kept), 0
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for mail_from, rcpt_tos, content in messages:
            smtp.sendmail(mail_from, rcpt_tos, content)
    raw = time.perf_counter() - start
    print(f"raw smtplib, same sink  {raw:8.1f} s   {len(messages) / raw:8.0f} emails/s "
          f"({len(messages)} of the same messages, one connection, one process)")  # fmt: skip
    ratio = ARGS.volunteers / sending / (len(messages) / raw)
    print(f"sending / raw smtplib   {ratio:8.2f}×   (target: 0.5×)")
    controller.stop()
    return 0 if sink.count == ARGS.volunteers + len(messages) and not others else 1


if __name__ == "__main__":
    sys.exit(main())
