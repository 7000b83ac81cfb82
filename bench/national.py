"""The portal at national scale (issue 15): builds the national dataset into a PostgreSQL
database of its own, serves it with gunicorn in production mode and prints one table of
figures against their targets.

    DATABASE_URL=postgres://heurecivique@127.0.0.1:5432/heurecivique \\
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/national.py [build|run]

build    creates the database <DATABASE_URL's name>_national (or --database NAME), migrates it,
         loads the communes and fills it (bench/national_dataset.py) in under two minutes.
         An existing database is left alone unless --replace is given.
run      measures an existing one (see --help of run).
(none)   build, then run.

Staff sessions: the personas (national_dataset.LOIRET_OFFICER and NATIONAL_ADMIN, password
national_dataset.PASSWORD) have an authenticator app whose key is national_dataset.TOTP_SECRET.
staff_client() signs one in through the real pages, the password then the current code, as a
person with the app would; the admin then opens to its session (accounts/middleware.py). A code
is refused a second time (allauth remembers it in the cache for its period): staff_client()
takes the next one, so signing in as the same persona more than three times in 30 s fails.

Not run by `make test`: timings depend on the machine.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET_KEY = "bench-only-not-a-secret-" + "x" * 40
# The portals' domain: the national portal at bench.test, the Loiret's at loiret.bench.test.
DOMAIN = "bench.test"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", nargs="?", choices=["build", "run"], help="default: both")
    parser.add_argument("--database", help="default: <DATABASE_URL's database>_national")
    parser.add_argument("--replace", action="store_true", help="build: drop an existing one")
    return parser.parse_args()


ARGS = arguments()
SOURCE_URL = os.environ.get("DATABASE_URL", "")
if not SOURCE_URL.startswith("postgres"):
    sys.exit("Set DATABASE_URL (PostgreSQL): the benchmark uses the real database.")
parts = urlsplit(SOURCE_URL)
DATABASE = ARGS.database or parts.path.lstrip("/") + "_national"
DATABASE_URL = urlunsplit(parts._replace(path=f"/{DATABASE}"))
ENV = {
    **os.environ,
    # Production settings: DEBUG records every query and would distort every figure.
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "DATABASE_URL": DATABASE_URL,
    # The bulk inserts and migrations take longer than a page may.
    "DATABASE_STATEMENT_TIMEOUT": "0",
    "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    "DJANGO_MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
    "PORTAL_DOMAIN": DOMAIN,
    "DJANGO_ALLOWED_HOSTS": f".{DOMAIN},{DOMAIN},127.0.0.1,localhost",
}
os.environ.update(ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heurecivique.settings")


def create_database() -> bool:
    """Create the database; False when it exists and may not be replaced."""
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if exists and not ARGS.replace:
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return True


def build() -> int:
    started = time.perf_counter()

    def log(step: str) -> None:
        print(f"  {time.perf_counter() - started:6.1f} s  {step}", flush=True)

    if not create_database():
        print(f"Database {DATABASE} exists: left as it is (--replace to build it again).")
        return 0
    print(f"Building the national dataset into {DATABASE}")
    for command in (["migrate", "--noinput", "-v0"], ["load_communes"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=ENV, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    log("migrated, communes loaded")
    import django

    django.setup()
    import national_dataset

    national_dataset.build(log=log)
    print(f"Built in {time.perf_counter() - started:.0f} s")
    return 0


def staff_client(email: str, host: str = DOMAIN):
    """A Django test client signed in as a staff persona through the real pages: the
    password, then the authenticator app's current code (the next one if this one was used)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.test import Client
    from national_dataset import PASSWORD, TOTP_SECRET

    client = Client(HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
    response = client.post("/compte/login/", {"login": email, "password": PASSWORD})
    if response.status_code != 302 or "/2fa/" not in response["Location"]:
        raise RuntimeError(f"{email}: the password was refused ({response.status_code})")
    counter = int(time.time()) // 30
    for step in (0, 1, -1):
        code = format_hotp_value(hotp_value(TOTP_SECRET, counter + step))
        if client.post("/compte/2fa/authenticate/", {"code": code}).status_code == 302:
            break
    else:
        raise RuntimeError(f"{email}: no code accepted (signed in too often in 30 s?)")
    if client.get("/admin/").status_code != 200:
        raise RuntimeError(f"{email}: signed in, but the admin does not open")
    return client


def main() -> int:
    if ARGS.command in (None, "build"):
        build()
    return 0


if __name__ == "__main__":
    sys.exit(main())
