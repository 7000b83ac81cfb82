"""The portal at national scale (issue 15): builds the national dataset into a PostgreSQL
database of its own, serves it with gunicorn in production mode and prints one table of
figures against their targets.

    DATABASE_URL=postgres://heurecivique@127.0.0.1:5432/heurecivique \\
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/national.py [build|run] [options]

build    creates the database <DATABASE_URL's name>_national (or --database NAME), migrates it,
         loads the communes and fills it (bench/national_dataset.py) in under two minutes;
         an existing database is left alone unless --replace is given.
run      measures it (about ten minutes), on a copy (<DATABASE_URL's name>_national_run, made
         from it as a template, migrated to this branch, finish_dataset() run, dropped at the
         end) so that the dataset itself is never written to:
         - gunicorn in production mode (--workers, 2 by default) on its own Redis database
           (--redis-db), each public page on the national and the Loiret portals through wrk
           (-t2 -c8, --duration seconds), warm, and cold: the first request after flushing that
           Redis database, against a warm render (the page rendered again with every other cache
           warm); throughput as a ratio to /robots.txt's in the same run; the open data
           (/chiffres/donnees.csv) of each portal downloaded whole, timed with its size;
         - the dashboard (/admin/) and every changelist of the admin site's registry, as the
           Loiret department officer and as the national administrator: median of up to 15
           requests after one (within a few seconds per page); the hours, volunteers and
           follow-up email lists also with each of their filters, their date drill-down and a
           search;
         - SQL queries per page (Django's test Client and CaptureQueriesContext, a process per
           database) on the demo (<DATABASE_URL's name>_national_demo, made by load_demo when
           missing) and on the national copy, cold and warm;
         - HTML served raw or compressed, and whether deploy/nginx.conf compresses it;
         - two gunicorn instances of one worker each, driven at once, against one;
         - with --lighthouse, Lighthouse's performance score on a phone (npm package installed
           in .cache/lighthouse-<version>/, Chromium at /usr/bin/chromium);
         - with --emails (--emails-full), bench/reminders.py for 10,000 (and 100,000) volunteers.
(none)   build when missing, then run.

wrk comes from Debian (`apt-get install -y wrk`, done here when missing and run as root).

Staff sessions: the personas (national_dataset.LOIRET_OFFICER and NATIONAL_ADMIN, password
national_dataset.PASSWORD) have an authenticator app whose key is national_dataset.TOTP_SECRET.
staff_client() signs one in through the real pages, the password then the app's current code,
as a person with their phone would; the admin then opens to its session (accounts/middleware.py)
and its cookie works for gunicorn too (sessions live in the database). allauth refuses a code
used once in its period: staff_client() takes the next one, so signing in as the same persona
more than three times in 30 s fails.

Not run by `make test`: timings depend on the machine.
"""

import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET_KEY = "bench-only-not-a-secret-" + "x" * 40
# The portals' domain: the national portal answers at bench.test, the Loiret's at loiret.bench.test.
DOMAIN = "bench.test"
HOSTS = {"national": DOMAIN, "Loiret": f"loiret.{DOMAIN}"}
PUBLIC_PAGES = [
    "/",
    "/gestes/",
    "GESTE",  # the geste with the most hours, found in the database
    "/initiatives/",
    "/initiatives/?q=jardin",
    "/appel/",
    "/appel/?page=100",  # the last page when there are fewer
    "/outils/",
    "/bonnes-pratiques/",
    "/missions/",
    "/presse/",
    "/chiffres/",
]
# The open data: a download, not a page; timed whole with its size (measure_open_data).
OPEN_DATA = "/chiffres/donnees.csv"
# The staff pages timed besides every changelist: the dashboard (the admin's index), its first
# page and a later page of its communes' table sorted by hours.
STAFF_PAGES = ["/admin/", "/admin/?tri=-heures&page=2"]
OPEN_DATA_SECONDS = 10
# The lists whose filters, date drill-down and search (where they have one) are measured too,
# with the words searched: a name, an address (the follow-up log looks an address up exactly).
FILTERED_LISTS = {
    "volunteers/civichour": "martin",
    "volunteers/volunteer": "martin",
    "volunteers/delivery": "v000123@national.test",
}
LIGHTHOUSE_VERSION = "12.8.2"  # the last one for Debian's Node.js 20
LIGHTHOUSE_PAGES = ["/", "/gestes/", "/missions/", "/initiatives/"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)

# The targets of issue 15.
THROUGHPUT, THROUGHPUT_FLOOR = 0.67, 0.5
COLD_FACTOR = 3
STAFF_MS = 300
EMAIL_RATIO = 0.5
LIGHTHOUSE_SCORE = 0.95


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "command", nargs="?", choices=["build", "run", "queries"], help="default: build and run"
    )
    parser.add_argument("--database", help="default: <DATABASE_URL's database>_national")
    parser.add_argument("--replace", action="store_true", help="build: drop an existing one")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=7, help="seconds of wrk per page")
    parser.add_argument("--staff-requests", type=int, default=15)
    parser.add_argument("--staff-seconds", type=float, default=3, help="budget per staff page")
    parser.add_argument("--redis-db", type=int, default=13, help="and the next one for queries")
    parser.add_argument("--lighthouse", action="store_true")
    parser.add_argument("--emails", action="store_true")
    parser.add_argument("--emails-full", action="store_true")
    parser.add_argument("--demo", action="store_true", help=argparse.SUPPRESS)  # queries
    return parser.parse_args()


# --- Databases and environment ----------------------------------------------------------------

# The environment as given, before Django is set up on a database of the benchmark's.
GIVEN = dict(os.environ)


def source_url():
    url = GIVEN.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not GIVEN.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark uses the real ones.")
    return urlsplit(url)


def database_url(name: str) -> str:
    return urlunsplit(source_url()._replace(path=f"/{name}"))


def redis_url(db: int) -> str:
    return urlunsplit(urlsplit(GIVEN["REDIS_URL"])._replace(path=f"/{db}"))


def own_name(suffix: str) -> str:
    """A database of the benchmark's own, named after DATABASE_URL's."""
    return source_url().path.lstrip("/") + suffix


def environment(database: str, redis_db: int, **extra) -> dict:
    return {
        **GIVEN,
        # Production settings: DEBUG records every query and would distort every figure.
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url(database),
        "REDIS_URL": redis_url(redis_db),
        "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "DJANGO_MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        "PORTAL_DOMAIN": DOMAIN,
        "DJANGO_ALLOWED_HOSTS": f".{DOMAIN},{DOMAIN},127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        **extra,
    }


def postgres(*statements: str) -> list:
    """Run statements on the server's maintenance database; the last one's rows."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        for statement in statements:
            cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else []


def exists(name: str) -> bool:
    return bool(postgres(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def drop(name: str) -> None:
    postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_database(source: str, target: str) -> None:
    """A copy made from `source` as a template (refused while anyone is connected to it)."""
    drop(target)
    for _attempt in range(20):
        try:
            postgres(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
            return
        except Exception as error:  # another helper copying it at this very moment
            if "being accessed" not in str(error):
                raise
            time.sleep(3)
    sys.exit(f"Could not copy {source}: someone stays connected to it.")


def manage(env: dict, *command: str) -> None:
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def setup_django(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heurecivique.settings")
    import django

    django.setup()


# --- Build ------------------------------------------------------------------------------------


def build(database: str, replace: bool) -> None:
    started = time.perf_counter()

    def log(step: str) -> None:
        print(f"  {time.perf_counter() - started:6.1f} s  {step}", flush=True)

    if exists(database) and not replace:
        print(f"Database {database} exists: left as it is (--replace to build it again).")
        return
    drop(database)
    postgres(f'CREATE DATABASE "{database}"')
    print(f"Building the national dataset into {database}")
    # The bulk inserts take longer than a page's statement may.
    env = environment(database, 0, DATABASE_STATEMENT_TIMEOUT="0")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_communes")
    log("migrated, communes loaded")
    setup_django(env)
    import national_dataset

    national_dataset.build(log=log)
    print(f"Built in {time.perf_counter() - started:.0f} s")


# --- Signing in as staff ------------------------------------------------------------------------


def staff_client(email: str, host: str = DOMAIN, password: str = "", secret: str = ""):
    """A Django test client signed in as a staff persona through the real pages: the
    password, then the authenticator app's current code (the next one if this one was used).
    By default the national dataset's password and key."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.test import Client
    from national_dataset import PASSWORD, TOTP_SECRET

    client = Client(HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
    response = client.post("/compte/login/", {"login": email, "password": password or PASSWORD})
    if response.status_code != 302 or "/2fa/" not in response["Location"]:
        raise RuntimeError(f"{email}: the password was refused ({response.status_code})")
    counter = int(time.time()) // 30
    for step in (0, 1, -1):
        code = format_hotp_value(hotp_value(secret or TOTP_SECRET, counter + step))
        if client.post("/compte/2fa/authenticate/", {"code": code}).status_code == 302:
            break
    else:
        raise RuntimeError(f"{email}: no code accepted (signed in too often in 30 s?)")
    if client.get("/admin/").status_code != 200:
        raise RuntimeError(f"{email}: signed in, but the admin does not open")
    return client


def personas(demo: bool) -> dict[str, tuple]:
    """{label: (email, password, authenticator key)} of the Loiret officer and national admin."""
    if demo:
        from heurecivique.management.commands.load_demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

        return {
            "Loiret": ("loiret@demo.test", DEMO_PASSWORD, DEMO_TOTP_SECRET),
            "national": ("national@demo.test", DEMO_PASSWORD, DEMO_TOTP_SECRET),
        }
    import national_dataset as data

    return {
        "Loiret": (data.LOIRET_OFFICER, data.PASSWORD, data.TOTP_SECRET),
        "national": (data.NATIONAL_ADMIN, data.PASSWORD, data.TOTP_SECRET),
    }


def changelists() -> list[str]:
    """Every changelist of the admin site, from its registry."""
    from django.contrib import admin

    return sorted(
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    )


def geste_path() -> str:
    """The page of the geste with the most hours given."""
    from django.db.models import Count

    from volunteers.models import CivicHour

    slug = (
        CivicHour.objects.filter(geste__isnull=False)
        .values("geste__slug")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("geste__slug", flat=True)
        .first()
    )
    return f"/gestes/{slug}/"


def public_pages() -> list[str]:
    return [geste_path() if page == "GESTE" else page for page in PUBLIC_PAGES]


# --- SQL queries per page (a process per database) ----------------------------------------------


def count_queries(args) -> int:
    """Print, as JSON, the queries of each public page (after flushing the cache, then again)
    and of each changelist for each persona (`queries` command, in its own process)."""
    setup_django(environment(args.database, args.redis_db + 1))
    import redis
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cache = redis.Redis.from_url(redis_url(args.redis_db + 1))
    result = {"public": {}, "staff": {}}

    def queries(client, path) -> list:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        return [len(captured), response.status_code]

    for label, host in HOSTS.items():
        client = Client(HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
        for page, path in zip(PUBLIC_PAGES, public_pages(), strict=True):
            cache.flushdb()
            cold = queries(client, path)
            result["public"][f"{label} {page}"] = [cold[0], queries(client, path)[0], cold[1]]
        cache.flushdb()
        result["public"][f"{label} {OPEN_DATA}"] = [queries(client, OPEN_DATA)[0]]
    for label, (email, password, secret) in personas(args.demo).items():
        client = staff_client(email, password=password, secret=secret)
        for path in STAFF_PAGES + changelists():
            result["staff"][f"{label} {path}"] = queries(client, path)
    print(json.dumps(result))
    return 0


def demo_database() -> str:
    """The demo (load_demo) in a PostgreSQL database of the benchmark's own, made once."""
    name = own_name("_national_demo")
    env = environment(name, 0, DATABASE_STATEMENT_TIMEOUT="0")
    if not exists(name):
        print(f"Loading the demo into {name}", flush=True)
        postgres(f'CREATE DATABASE "{name}"')
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_communes")
        manage({**env, "DJANGO_DEBUG": "true"}, "load_demo")
    else:
        manage(env, "migrate", "--noinput", "-v0")
    return name


def queries_of(database: str, args, demo: bool) -> dict:
    command = [sys.executable, __file__, "queries", "--database", database,
               "--redis-db", str(args.redis_db)] + (["--demo"] if demo else [])  # fmt: skip
    output = subprocess.run(
        command, cwd=ROOT, env=GIVEN, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- Serving and measuring over HTTP --------------------------------------------------------------


class Servers:
    """gunicorn instances, each in its own process group, all stopped on leaving (even on
    Ctrl-C or an error)."""

    def __init__(self, env: dict):
        self.env = env
        self.processes = []
        self.log = open(ROOT / "var" / "bench-gunicorn.log", "a")  # noqa: SIM115

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        self.log.close()

    def start(self, port: int, workers: int) -> int:
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "heurecivique.wsgi", "--bind",
             f"127.0.0.1:{port}", "--workers", str(workers)],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if fetch(port, DOMAIN, "/robots.txt")[0] == 200:
                    return port
            except OSError:
                pass
            if process.poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not start on port {port}: see var/bench-gunicorn.log")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes = []


def free_port() -> int:
    from tests.worker import free_port as port

    return port()


def fetch(port, host, path, cookie="", compressed=False) -> tuple[int, float, bytes, dict]:
    """One request as nginx would pass it on: status, seconds, body and headers."""
    headers = {"Host": host, "X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    if compressed:
        headers["Accept-Encoding"] = "gzip"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, elapsed, body, {k.lower(): v for k, v in response.getheaders()}


UNITS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}


def wrk(port: int, host: str, path: str, duration: int) -> dict:
    """wrk -t2 -c8 on one page: requests per second, median latency in ms, errors."""
    command = ["wrk", "-t2", "-c8", f"-d{duration}s", "--latency", "-H", f"Host: {host}",
               "-H", "X-Forwarded-Proto: https", f"http://127.0.0.1:{port}{path}"]  # fmt: skip
    output = subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=duration + 60
    ).stdout
    median = re.search(r"50%\s+([\d.]+)(us|ms|s|m)\b", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "median_ms": float(median[1]) * UNITS[median[2]],
        "errors": int(errors[1]) if errors else 0,
    }


def flush(redis_db: int) -> None:
    import redis

    redis.Redis.from_url(redis_url(redis_db)).flushdb()


class Table:
    """The one table printed at the end: a row per figure, with its target and ✓/✗, and the
    SQL queries of the page at demo and national scale where they were counted."""

    def __init__(self):
        self.rows = []

    def add(self, what, figure, target="", ok=None, sql=""):
        self.rows.append((what, figure, target, {True: "✓", False: "✗", None: ""}[ok], sql))

    def print(self):
        header = ("page or measure", "figure", "target", "", "SQL demo / national")
        widths = [max(len(str(row[i])) for row in [header, *self.rows]) for i in range(5)]
        for n, row in enumerate([header, *self.rows]):
            cells = (str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
            print("| " + " | ".join(cells) + " |")
            if n == 0:
                print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def sql(counts: dict, key: str, index: int) -> str:
    demo, national = (c.get(key) for c in counts)
    return f"{demo[index] if demo else '?'} / {national[index] if national else '?'}"


def measure_public(table, port, args, counts) -> None:
    for label, host in HOSTS.items():
        baseline = wrk(port, host, "/robots.txt", args.duration)
        table.add(f"{label} /robots.txt", f"{baseline['rate']:,.0f} req/s", "baseline")
        for page, path in zip(PUBLIC_PAGES, public_pages(), strict=True):
            key, counted = f"{label} {path}", f"{label} {page}"
            flush(args.redis_db)
            status, cold, _body, _headers = fetch(port, host, path)
            if status != 200:
                table.add(f"{key}", f"HTTP {status}", "200", False)
                continue
            fetch(port, host, path)
            # The warm latency of one request alone, as the cold one was measured: the page kept
            # (page_cache), and the page rendered again with every other cache warm (an address
            # of its own each time: a parameter the page ignores).
            alone = statistics.median(fetch(port, host, path)[1] for _ in range(5))
            separator = "&" if "?" in path else "?"
            rendered = statistics.median(
                fetch(port, host, f"{path}{separator}rendu={n}")[1] for n in range(5)
            )
            warm = wrk(port, host, path, args.duration)
            ratio = warm["rate"] / baseline["rate"]
            errors = f", {warm['errors']} errors" if warm["errors"] else ""
            table.add(
                f"{key} warm",
                f"{ratio:.3f}× ({warm['rate']:,.0f} req/s, median {warm['median_ms']:.0f} ms"
                f"{errors})",
                f"≥ {THROUGHPUT}× (never < {THROUGHPUT_FLOOR})",
                ratio >= THROUGHPUT and not warm["errors"],
                sql(counts["public"], counted, 1),
            )
            factor = cold / rendered
            table.add(
                f"{key} cold",
                f"{cold * 1000:.0f} ms = {factor:.1f}× a warm render ({rendered * 1000:.0f} ms;"
                f" kept: {alone * 1000:.0f} ms)",
                f"≤ {COLD_FACTOR}× a warm render",
                factor <= COLD_FACTOR,
                sql(counts["public"], counted, 0),
            )


def measure_open_data(table, port, counts) -> None:
    """The open data of each portal, downloaded whole: seconds, size, lines (streamed: the
    worker's memory does not grow with it)."""
    for label, host in HOSTS.items():
        status, elapsed, body, _headers = fetch(port, host, OPEN_DATA)
        if status != 200:
            table.add(f"{label} {OPEN_DATA}", f"HTTP {status}", "200", False)
            continue
        lines = body.count(b"\n")
        table.add(
            f"{label} {OPEN_DATA}",
            f"{elapsed:.2f} s, {len(body) / 1024:,.0f} KB, {lines:,} lines",
            f"≤ {OPEN_DATA_SECONDS} s",
            elapsed <= OPEN_DATA_SECONDS,
            sql(counts["public"], f"{label} {OPEN_DATA}", 0),
        )


def filter_links(html: str, search: str) -> list[str]:
    """The first choice of each filter of a changelist, its first date drill-down, a search."""
    links = []
    panel = html.partition('id="changelist-filter"')[2]
    for block in panel.split("<details")[1:]:
        hrefs = [unescape(h) for h in re.findall(r'href="(\?[^"]*)"', block)]
        if chosen := next((h for h in hrefs if re.search(r"=[^&]", h)), None):
            links.append(chosen)
    if years := re.findall(r'href="(\?[^"]*__year=[^"]*)"', html):
        links.append(unescape(years[0]))
    if 'id="searchbar"' in html:
        links.append(f"?{urlencode({'q': search})}")
    return links


def staff_median(port, cookie, path, args) -> tuple[int, float, int, str]:
    """Status, median ms of up to N requests after one (within the budget), N, the page."""
    status, _elapsed, body, _headers = fetch(port, DOMAIN, path, cookie)
    if status != 200:
        return status, 0, 0, ""
    times, started = [], time.perf_counter()
    while len(times) < args.staff_requests and (
        len(times) < 3 or time.perf_counter() - started < args.staff_seconds
    ):
        times.append(fetch(port, DOMAIN, path, cookie)[1])
    return status, statistics.median(times) * 1000, len(times), body.decode()


def measure_staff(table, port, args, counts) -> None:
    from django.conf import settings

    for label, (email, _password, _secret) in personas(demo=False).items():
        client = staff_client(email)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        for path in STAFF_PAGES + changelists():
            status, median, n, html = staff_median(port, cookie, path, args)
            key = f"{label} {path}"
            paths = [path]
            search = FILTERED_LISTS.get(path.strip("/").removeprefix("admin/"))
            if status == 200 and search:
                paths += [path + link for link in filter_links(html, search)]
            for variant in paths:
                if variant != path:
                    status, median, n, _html = staff_median(port, cookie, variant, args)
                figure = f"{median:,.0f} ms (n={n})" if status == 200 else f"HTTP {status}"
                # A list closed to this persona (403) is not a figure; any other status is wrong.
                ok = median <= STAFF_MS if status == 200 else (None if status == 403 else False)
                table.add(f"{label} staff {variant}", figure, f"≤ {STAFF_MS} ms", ok,
                          sql(counts["staff"], key, 0) if variant == path else "")  # fmt: skip


def measure_sizes(table, port) -> None:
    for path in ("/", "/initiatives/"):
        _status, _elapsed, raw, _headers = fetch(port, DOMAIN, path)
        _status, _elapsed, served, headers = fetch(port, DOMAIN, path, compressed=True)
        encoding = headers.get("content-encoding", "")
        table.add(
            f"national {path} HTML size",
            f"{len(raw) / 1024:.1f} KB raw, {len(served) / 1024:.1f} KB served to a browser "
            f"accepting gzip ({encoding or 'uncompressed'}); gzip -6 would give "
            f"{len(gzip.compress(raw, 6)) / 1024:.1f} KB",
            "compressed",
            bool(encoding),
        )
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    compressing = bool(re.search(r"^\s*gzip\s+on;", nginx, re.M))
    table.add("deploy/nginx.conf compresses HTML", "yes" if compressing else "no", "yes",
              compressing)  # fmt: skip


def measure_two_instances(table, env, args) -> None:
    """One gunicorn of one worker, then two at once (each its wrk), on the national home."""
    with Servers(env) as servers:
        first = servers.start(free_port(), 1)
        fetch(first, DOMAIN, "/")
        alone = wrk(first, DOMAIN, "/", args.duration)["rate"]
        second = servers.start(free_port(), 1)
        fetch(second, DOMAIN, "/")
        rates = run_together([(first, DOMAIN, "/"), (second, DOMAIN, "/")], args.duration)
    both = sum(rates)
    cores = os.cpu_count() or 1
    table.add(
        "two gunicorn instances vs one (1 worker each, national home)",
        f"{both / alone:.2f}× ({alone:,.0f} → {both:,.0f} req/s; {cores} cores shared with "
        "wrk, PostgreSQL and Redis)",
        "≈ 2× given spare cores",
        both / alone >= 1.8,
    )


def run_together(targets, duration) -> list[float]:
    """wrk on several servers at once; each one's requests per second."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(targets)) as pool:
        results = pool.map(lambda t: wrk(*t, duration)["rate"], targets)
    return list(results)


def measure_lighthouse(table, port) -> None:
    prefix = ROOT / ".cache" / f"lighthouse-{LIGHTHOUSE_VERSION}"
    binary = prefix / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                        "--silent", f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)  # fmt: skip
    for path in LIGHTHOUSE_PAGES:
        output = subprocess.run(
            [str(binary), f"http://127.0.0.1:{port}{path}", "--only-categories=performance",
             "--output=json", "--quiet", f"--chrome-flags={CHROME_FLAGS}",
             "--extra-headers", json.dumps({"X-Forwarded-Proto": "https"})],
            env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        try:
            score = json.loads(output.stdout)["categories"]["performance"]["score"]
        except (ValueError, KeyError, TypeError):
            table.add(f"Lighthouse {path} (phone)", "failed: " + output.stderr[-120:].strip(),
                      f"≥ {LIGHTHOUSE_SCORE}", False)  # fmt: skip
            continue
        table.add(f"Lighthouse {path} (phone, performance)", f"{score:.2f}",
                  f"≥ {LIGHTHOUSE_SCORE}", score >= LIGHTHOUSE_SCORE)  # fmt: skip


def measure_emails(table, volunteers: int) -> None:
    output = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "reminders.py"), "--volunteers", str(volunteers)],
        cwd=ROOT, env=GIVEN, capture_output=True, text=True,
    ).stdout  # fmt: skip
    sent = re.search(r"sending alone\s+[\d.]+ s\s+([\d.]+) emails/s", output)
    raw = re.search(r"raw smtplib, same sink\s+[\d.]+ s\s+([\d.]+) emails/s", output)
    if not (sent and raw):
        table.add(f"monthly emails, {volunteers:,} volunteers", "bench/reminders.py failed",
                  f"≥ {EMAIL_RATIO}× raw smtplib", False)  # fmt: skip
        return
    ratio = float(sent[1]) / float(raw[1])
    table.add(
        f"monthly emails, {volunteers:,} volunteers",
        f"{ratio:.2f}× ({float(sent[1]):,.0f} emails/s vs {float(raw[1]):,.0f} raw smtplib)",
        f"≥ {EMAIL_RATIO}× raw smtplib",
        ratio >= EMAIL_RATIO,
    )


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        sys.exit("wrk is missing: sudo apt-get install -y wrk")
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)


def run(args, database: str) -> None:
    """Measure the national dataset in `database` (on a copy): see the module's docstring."""
    started = time.perf_counter()
    ensure_wrk()
    copy = own_name("_national_run")
    print(f"Copying {database} into {copy}", flush=True)
    copy_database(database, copy)
    env = environment(copy, args.redis_db)
    table, load = Table(), os.getloadavg()[0]
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        setup_django(env)
        import national_dataset

        national_dataset.finish_dataset()
        print("Counting SQL queries (demo, then national)", flush=True)
        counts = {"public": [], "staff": []}
        for name, demo in [(demo_database(), True), (copy, False)]:
            result = queries_of(name, args, demo)
            counts["public"].append(result["public"])
            counts["staff"].append(result["staff"])
        with Servers(env) as servers:
            port = servers.start(free_port(), args.workers)
            print(f"gunicorn ({args.workers} workers) on port {port}: public pages", flush=True)
            measure_public(table, port, args, counts)
            measure_open_data(table, port, counts)
            print("Staff pages", flush=True)
            measure_staff(table, port, args, counts)
            measure_sizes(table, port)
            if args.lighthouse:
                print("Lighthouse", flush=True)
                measure_lighthouse(table, port)
        print("Two instances", flush=True)
        measure_two_instances(table, env, args)
        if args.emails or args.emails_full:
            print("Monthly emails (bench/reminders.py)", flush=True)
            for volunteers in [10_000] + ([100_000] if args.emails_full else []):
                measure_emails(table, volunteers)
    finally:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        drop(copy)
        # Other work on the machine slows every figure down: said beside them.
        table.add("machine", f"{os.cpu_count()} cores, load average {load:.1f} at the start, "
                  f"{os.getloadavg()[0]:.1f} at the end")  # fmt: skip
        elapsed = time.perf_counter() - started
        print(f"\nL'Heure Civique at national scale ({database}, {elapsed:.0f} s)\n")
        table.print()


def main() -> int:
    args = arguments()
    # Ctrl-C and SIGTERM alike unwind through the `finally`s that stop every server (also when
    # started in the background by a shell, which ignores Ctrl-C for it).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    database = args.database or own_name("_national")
    if args.command == "queries":
        return count_queries(args)
    if args.command in (None, "build"):
        build(database, args.replace)
    if args.command in (None, "run"):
        run(args, database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
