"""Does signing up, or failing to sign in, take a time that tells whether an address has an
account? The site under gunicorn (Django's real password hasher; DEBUG on, since production's
cookies need HTTPS) on its own database; N sign-ups with new addresses and N with known ones,
interleaved; then failed logins with a known and an unknown address. Prints medians and
spreads in milliseconds.

    DATABASE_URL=postgres://heurecivique@127.0.0.1:5432/heurecivique \\
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/signup_timing.py [--rounds 30]

Emails are queued on a Celery queue of the benchmark's own that no worker reads, as a request
in production only queues them. Not run by `make test`: timings depend on the machine.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import Browser, WebServer  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--rounds", type=int, default=30)
ARGS = parser.parse_args()

SOURCE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
if not SOURCE_URL.startswith("postgres") or not REDIS_URL:
    sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark uses the real services.")
parts = urlsplit(SOURCE_URL)
BENCH_URL = urlunsplit(parts._replace(path=f"/{parts.path.lstrip('/')}_signup_bench"))
PASSWORD = "Solidarite-de-quartier-2026"


def recreate_database() -> None:
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    name = urlsplit(BENCH_URL).path.lstrip("/")
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    recreate_database()
    env = {
        "DJANGO_DEBUG": "true",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": BENCH_URL,
        "REDIS_URL": REDIS_URL,
        "CELERY_QUEUE": f"heurecivique-signup-bench-{os.getpid()}",
        # Sign-ups and failed logins are rate-limited per client: each request of the benchmark
        # comes from its own address (X-Forwarded-For, as behind nginx).
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env={**os.environ, **env}, check=True,
    )  # fmt: skip
    web = WebServer(env, Path(tempfile.mkdtemp(prefix="heurecivique-bench-")))
    web.start()
    clients = iter(range(1, 10**6))

    def visitor():
        number = next(clients)
        return Browser(web.url, {"X-Forwarded-For": f"10.{number >> 16}.{number >> 8 & 255}."
                                                    f"{number & 255}"})  # fmt: skip

    def sign_up(email):
        data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        status, _page, seconds = visitor().submit("/compte/signup/", data)
        assert status == 302, status
        return seconds * 1000

    try:
        known = [f"deja.inscrite{index}@example.org" for index in range(ARGS.rounds)]
        for email in known:
            sign_up(email)
        new, existing, wrong_known, wrong_unknown = [], [], [], []
        for index in range(ARGS.rounds):
            new.append(sign_up(f"nouvelle{index}@example.org"))
            existing.append(sign_up(known[index]))
        for index in range(ARGS.rounds):
            for email, times in ((known[index], wrong_known),
                                 (f"inconnue{index}@example.org", wrong_unknown)):  # fmt: skip
                _status, _page, seconds = visitor().submit(
                    "/compte/login/", {"login": email, "password": "pas-le-bon"}
                )
                times.append(seconds * 1000)
    finally:
        web.stop()

    def line(label, times):
        quartiles = statistics.quantiles(times, n=4)
        return (f"{label:<38} median {statistics.median(times):7.1f} ms   "
                f"quartiles {quartiles[0]:7.1f} – {quartiles[2]:7.1f} ms")  # fmt: skip

    print(f"{ARGS.rounds} rounds, gunicorn, PBKDF2")
    print(line("sign-up, new address", new))
    print(line("sign-up, address with an account", existing))
    print(line("failed login, address with an account", wrong_known))
    print(line("failed login, unknown address", wrong_unknown))


if __name__ == "__main__":
    main()
