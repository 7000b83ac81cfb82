"""« Trouver des volontaires » at scale: N volunteers in one department (the worst case: the
ranking scores every volunteer of the mission's department), with interests, skills,
availability and past invitations; the time of missions.matching.suggest for a mission.

    DATABASE_URL=postgres://heurecivique@127.0.0.1:5432/heurecivique \\
    .venv/bin/python bench/matching.py [--volunteers 100000]

It works in its own database (<name>_bench_matching, dropped and created again).
Not run by `make test`: timings depend on the machine.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--volunteers", type=int, default=100_000)
parser.add_argument("--communes", type=int, default=300)
parser.add_argument("--runs", type=int, default=10)
ARGS = parser.parse_args()

SOURCE_URL = os.environ.get("DATABASE_URL", "")
if not SOURCE_URL.startswith("postgres"):
    sys.exit("Set DATABASE_URL (PostgreSQL): the benchmark uses the real database.")
parts = urlsplit(SOURCE_URL)
BENCH_DB = parts.path.lstrip("/") + "_bench_matching"
ENV = {
    **os.environ,
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
    "DATABASE_URL": urlunsplit(parts._replace(path=f"/{BENCH_DB}")),
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


def populate(count: int, communes: int):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from gestes.models import Theme
    from missions.models import Mission, Participation
    from territories.models import Commune, Department
    from volunteers.models import Availability, Pledge, Skill, Volunteer

    rng = random.Random(45)
    department = Department.objects.create(code="45", name="Loiret")
    places = Commune.objects.bulk_create(
        [
            Commune(
                insee_code=f"45{n:03d}",
                name=f"Commune {n}",
                department=department,
                postal_codes=f" 45{n % 40:03d} ",
            )
            for n in range(communes)
        ]
    )
    quartiers = ["Centre", "La Source", "Argonne", "Saint-Marceau", "Les Blossières", ""]
    themes, skills = list(Theme.objects.all()), list(Skill.objects.all())
    now, today = timezone.now(), timezone.localdate()
    User = get_user_model()
    for start in range(0, count, 5000):
        size = min(5000, count - start)
        users = User.objects.bulk_create(
            [User(email=f"v{start + n}@example.org", first_name="Camille") for n in range(size)]
        )
        volunteers = Volunteer.objects.bulk_create(
            [
                Volunteer(
                    user=user,
                    commune=rng.choice(places[:20]) if rng.random() < 0.5 else rng.choice(places),
                    quartier=rng.choice(quartiers),
                    availability=rng.sample(Availability.values, rng.randint(0, 3)),
                    contact_consent_at=now if rng.random() < 0.7 else None,
                )
                for user in users
            ]
        )
        Pledge.objects.bulk_create(
            [
                Pledge(volunteer=v, started_on=today - datetime.timedelta(days=90))
                for v in volunteers
                if rng.random() < 0.8
            ]
        )
        Volunteer.interests.through.objects.bulk_create(
            [
                Volunteer.interests.through(volunteer=v, theme=t)
                for v in volunteers
                for t in rng.sample(themes, rng.randint(0, 3))
            ]
        )
        Volunteer.skills.through.objects.bulk_create(
            [
                Volunteer.skills.through(volunteer=v, skill=s)
                for v in volunteers
                for s in rng.sample(skills, rng.randint(0, 2))
            ]
        )
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
    starts_at = timezone.make_aware(datetime.datetime.combine(saturday, datetime.time(10)))
    past = Mission.objects.create(
        kind="voisins",
        commune=places[0],
        title="Une visite",
        summary="Une visite.",
        starts_at=starts_at,
    )
    ids = list(Volunteer.objects.values_list("pk", flat=True))
    Participation.objects.bulk_create(
        [
            Participation(
                mission=past,
                volunteer_id=pk,
                status="declinee",
                invited_at=now - datetime.timedelta(days=rng.randint(0, 60)),
            )
            for pk in rng.sample(ids, min(20_000, len(ids)))
        ]
    )
    mission = Mission.objects.create(
        kind="voisins",
        commune=places[0],
        quartier="La Source",
        title="Réparer une étagère",
        summary="Une étagère à fixer.",
        starts_at=starts_at + datetime.timedelta(days=7),
    )
    mission.skills.set(skills[:2])
    mission.themes.set(themes[:2])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return mission


def main() -> int:
    print(f"Database {BENCH_DB}: {ARGS.volunteers} volunteers in {ARGS.communes} communes")
    recreate_database()
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from missions import matching
    from missions.models import Mission

    started = time.perf_counter()
    mission = populate(ARGS.volunteers, ARGS.communes)
    print(f"Populated in {time.perf_counter() - started:.0f} s")
    timings = []
    for _ in range(ARGS.runs):
        mission = Mission.objects.select_related("commune").get(pk=mission.pk)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            suggestions = matching.suggest(mission)
        timings.append(time.perf_counter() - started)
    print(f"suggest(): {len(suggestions)} suggestions, {len(queries)} queries")
    print(
        f"  median {statistics.median(timings) * 1000:.0f} ms, "
        f"best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms"
    )
    best = suggestions[0]
    print(f"  first: score {best.score}, {' · '.join(best.reasons)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
