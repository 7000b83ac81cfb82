"""Shared fixtures: the real services the suite runs on, territories, and named personas."""

import asyncio
import os
import shutil
import tempfile
import threading
from email import message_from_bytes, policy
from functools import partial
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

from heurecivique.celery import app as celery_app
from missions.models import Association
from territories.models import Membership, Territory

from .factories import (
    CommuneFactory,
    DepartmentFactory,
    TerritoryFactory,
    UserFactory,
    VolunteerFactory,
    enrol_in_two_factor,
)
from .worker import CeleryWorker, database_url, free_port

IN_CI = os.environ.get("CI") == "true"


# --- The services ------------------------------------------------------------------------------


def _database_label() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        return f"PostgreSQL ({db.get('HOST') or 'socket'}:{db.get('PORT') or 5432})"
    return "SQLite"


def pytest_configure(config):
    # Uploaded and generated files of the tests go to a temporary folder, not var/media.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="heurecivique-media-")
    # The staff's exports too; the real workers the tests start write there (environment).
    settings.EXPORTS_ROOT = tempfile.mkdtemp(prefix="heurecivique-exports-")
    os.environ["DJANGO_EXPORTS_ROOT"] = settings.EXPORTS_ROOT
    # Accounts are made by the hundred: a fast hash (production keeps Django's default).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in-process unless a test starts a real worker (tests/volunteers/worker.py),
    # which then listens on this test process's own queue.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_default_queue = (
        f"heurecivique-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    )
    # Each xdist worker gets its own Redis database, so flushing the cache between tests never
    # touches another worker's keys (rate-limit counters, host map).
    if settings.REDIS_URL:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        index = 1 + int(worker.removeprefix("gw") or 0)
        url = urlsplit(settings.REDIS_URL)
        settings.CACHES["default"]["LOCATION"] = urlunsplit(url._replace(path=f"/{index}"))


def pytest_unconfigure(config):
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    shutil.rmtree(settings.EXPORTS_ROOT, ignore_errors=True)


def pytest_report_header(config):
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return [
        f"L'Heure Civique: database {_database_label()}, cache {cache_backend}, "
        f"Celery eager, and real workers on {settings.REDIS_URL or '(no Redis)'}"
    ]


def _check_real_services() -> list[str]:
    """In CI the suite must run on PostgreSQL and Redis: say what is missing."""
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point to PostgreSQL")
    else:
        import psycopg

        db = settings.DATABASES["default"]
        try:
            psycopg.connect(
                host=db["HOST"],
                port=db["PORT"] or 5432,
                user=db["USER"],
                password=db["PASSWORD"],
                dbname="postgres",
                connect_timeout=5,
            ).close()
        except psycopg.Error as error:
            problems.append(f"PostgreSQL unreachable: {error}")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL must be set")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5).ping()
        except redis.RedisError as error:
            problems.append(f"Redis unreachable: {error}")
    return problems


def pytest_sessionstart(session):
    if IN_CI and (problems := _check_real_services()):
        pytest.exit("CI=true but " + "; ".join(problems), returncode=1)


# The tests of real Celery workers: skipped without PostgreSQL and Redis (`make test` on
# SQLite), which fails the run when CI=true (pytest_sessionfinish).
NEEDS_REAL_SERVICES = pytest.mark.skipif(
    not settings.REDIS_URL
    or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL), as CI has",
)


def pytest_collection_modifyitems(items):
    # A test outside a transaction (a live server, a real worker) ends by emptying the tables.
    # Without serialized rollback, Django then creates the content types again under new ids,
    # and the next test that restores the migrations' data (every browser test) collides with
    # them: each such test restores that data instead, whatever ran before it.
    for item in items:
        marker = item.get_closest_marker("django_db")
        outside = {"transactional_db", "live_server"} & set(item.fixturenames) or (
            marker and marker.kwargs.get("transaction")
        )
        if outside and "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # In CI nothing may be skipped: a skipped test is a test that did not run on the real parts.
    if IN_CI and _skipped:
        session.config.get_terminal_writer().line(
            "CI=true and these tests were skipped: " + ", ".join(_skipped), red=True
        )
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # Whole pages are kept only in the tests of that cache (tests/test_page_cache.py): the
    # others read a page's context after changing rows behind the models' signals.
    settings.PUBLIC_PAGE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


class _Inbox:
    """Collects every message the SMTP server receives, parsed.

    It can also misbehave, as real servers do: `answers[address]` lists replies to give to
    RCPT TO for that address before accepting it ("451 …", "550 …"), and `stall_at = n` makes
    the n-th RCPT TO hang until `release` is set (`stalled` is set meanwhile)."""

    def __init__(self):
        self.messages = []
        self.answers = {}
        self.rcpt_count = 0
        self.stall_at = None
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_count += 1
        if self.stall_at is not None and self.rcpt_count >= self.stall_at:
            self.stall_at = None
            self.stalled.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
            return "451 4.3.0 Try again later"
        if self.answers.get(address):
            return self.answers[address].pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return [message["To"] for message in self.messages]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) that Django sends to; `.messages` holds what arrived."""
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    inbox.release.set()
    controller.stop()


# --- A real Celery worker ---------------------------------------------------------------------


@pytest.fixture
def on_redis():
    """Tasks queued by this test go to Redis, on this test process's own queue, emptied."""
    queue = celery_app.conf.task_default_queue
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    celery_app.conf.task_always_eager = False
    yield queue
    celery_app.conf.task_always_eager = True
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


@pytest.fixture
def worker(transactional_db, smtp_server, on_redis, tmp_path):
    """A worker (not started) for the test database and the test's SMTP server."""
    workers = []

    def make(concurrency=2):
        celery_worker = CeleryWorker(
            database=database_url(connection.settings_dict),
            redis_url=settings.REDIS_URL,
            queue=on_redis,
            email_port=smtp_server.port,
            concurrency=concurrency,
            log_dir=tmp_path,
        )
        workers.append(celery_worker)
        return celery_worker

    yield make
    for celery_worker in workers:
        celery_worker.stop()


# --- Territories -------------------------------------------------------------------------------


@pytest.fixture
def national(db):
    # Created by a data migration, but emptied by transactional tests (live server): recreate.
    territory, _created = Territory.objects.get_or_create(
        kind=Territory.Kind.NATIONAL, defaults={"slug": "national", "name": "France"}
    )
    return territory


@pytest.fixture
def loiret_department(db):
    return DepartmentFactory(code="45", name="Loiret", tncc=2)


@pytest.fixture
def gironde_department(db):
    return DepartmentFactory(code="33", name="Gironde", tncc=3)


@pytest.fixture
def orleans_commune(loiret_department):
    return CommuneFactory(
        insee_code="45234",
        name="Orléans",
        department=loiret_department,
        postal_codes=" 45000 45100 ",
        population=116357,
    )


@pytest.fixture
def bordeaux_commune(gironde_department):
    return CommuneFactory(
        insee_code="33063",
        name="Bordeaux",
        department=gironde_department,
        postal_codes=" 33000 33100 33200 33300 33800 ",
        population=265328,
    )


@pytest.fixture
def loiret(loiret_department):
    return TerritoryFactory(
        kind=Territory.Kind.DEPARTMENT,
        slug="loiret",
        name="Loiret",
        department=loiret_department,
        primary_color="#00587c",
        secondary_color="#f7c948",
    )


@pytest.fixture
def gironde(gironde_department):
    return TerritoryFactory(
        kind=Territory.Kind.DEPARTMENT,
        slug="gironde",
        name="Gironde",
        department=gironde_department,
        primary_color="#7a1f3d",
        secondary_color="#f3d9e2",
    )


@pytest.fixture
def orleans(loiret, orleans_commune):
    return TerritoryFactory(
        kind=Territory.Kind.COMMUNE,
        slug="orleans",
        name="Orléans",
        commune=orleans_commune,
    )


# --- Personas ----------------------------------------------------------------------------------


class SignInClient(Client):
    """`force_login` stands for a whole sign-in: for a person with an authenticator app, the
    session also records the code they would have typed, as allauth records it after its own
    sign-in. Without an authenticator, staff are still sent to enrol (accounts/middleware.py)."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        app = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if app:
            session = self.session
            record_authentication(
                SimpleNamespace(session=session), user, "mfa", id=app.pk, type=app.type
            )
            session.save()


@pytest.fixture
def client():
    return SignInClient()


class PortalClient:
    """A client's requests sent to one portal's host; everything else, its session included, is
    the wrapped client's (a login through either holds for both)."""

    REQUESTS = frozenset({"get", "post", "head", "options", "put", "patch", "delete", "trace"})

    def __init__(self, client, host):
        self._client, self._host = client, host

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if name in self.REQUESTS:
            return partial(attribute, HTTP_HOST=self._host)
        return attribute


@pytest.fixture
def portal_client(client):
    """portal_client("loiret"): the test's client, on the Loiret portal; another client (a
    persona's) can be given as the second argument."""

    def on(slug: str, base=None) -> PortalClient:
        return PortalClient(base or client, f"{slug}.localhost")

    return on


@pytest.fixture
def resident(db):
    return UserFactory(email="helene@example.org", first_name="Hélène")


def _staff(email, territory, role):
    user = UserFactory(email=email)
    Membership.objects.create(user=user, territory=territory, role=role)
    user.refresh_from_db()
    # Staff reach the admin only with a second factor (accounts/middleware.py).
    enrol_in_two_factor(user)
    return user


@pytest.fixture
def loiret_agent(loiret):
    return _staff("agent@loiret.example.org", loiret, Membership.Role.DEPARTMENT_OFFICER)


@pytest.fixture
def orleans_agent(orleans):
    return _staff("ccas@orleans.example.org", orleans, Membership.Role.COMMUNE_AGENT)


@pytest.fixture
def gironde_agent(gironde):
    return _staff("agent@gironde.example.org", gironde, Membership.Role.DEPARTMENT_OFFICER)


@pytest.fixture
def association_referent(orleans, orleans_commune):
    """The referent of « Les Restos du cœur », a partner association of Orléans: they see and
    post its missions, and nothing else."""
    user = _staff("restos@orleans.example.org", orleans, Membership.Role.ASSOCIATION_REFERENT)
    association = Association.objects.create(name="Les Restos du cœur", commune=orleans_commune)
    association.referents.add(user)
    return user


@pytest.fixture
def orleans_elected(orleans):
    """The maire's deputy for solidarity in Orléans: reads the dashboard, changes nothing."""
    return _staff("adjointe@orleans.example.org", orleans, Membership.Role.ELECTED)


@pytest.fixture
def loiret_elected(loiret):
    return _staff("vice-president@loiret.example.org", loiret, Membership.Role.ELECTED)


@pytest.fixture
def national_admin(national):
    return _staff("equipe@lheurecivique.example.org", national, Membership.Role.NATIONAL_ADMIN)


@pytest.fixture
def orleans_volunteer(resident, orleans_commune, loiret):
    return VolunteerFactory(user=resident, commune=orleans_commune)


@pytest.fixture
def volunteer_client(client, orleans_volunteer):
    client.force_login(orleans_volunteer.user)
    return client
