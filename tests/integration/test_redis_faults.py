"""Redis is an accelerator, never a dependency of reading a page: the site under gunicorn, with
a redis-server of the test's own killed or frozen, still serves, signs in, signs up and logs
hours; what had to be sent waits in the database and goes out once Redis is back."""

import datetime
import re
import uuid

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu import Connection

from heurecivique.cache import ResilientRedisCache
from heurecivique.celery import app as celery_app
from heurecivique.models import OutgoingEmail
from territories.models import Territory
from tests.factories import PASSWORD, VolunteerFactory
from volunteers.models import CivicHour

from ..public_pages import public_paths
from ..servers import Browser, RedisServer, WebServer
from ..worker import CeleryWorker, database_url, wait_for

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL (DATABASE_URL), as CI has: the site runs in another process",
)

PUBLIC_PAGES = ["/", "/robots.txt", "/gestes/", "/initiatives/", "/outils/", "/appel/",
                "/bonnes-pratiques/", "/presse/"]  # fmt: skip
NEW_PASSWORD = "Solidarite-de-quartier-2026"


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site(transactional_db, redis_server, smtp_server, tmp_path):
    """The site under gunicorn on the test's Redis and SMTP server, with a volunteer."""
    Territory.objects.get_or_create(kind=Territory.Kind.NATIONAL, slug="national", name="France")
    volunteer = VolunteerFactory(user__email="helene@example.org")
    # The server has production's hashers, not the fast one of the test process.
    volunteer.user.password = PBKDF2PasswordHasher().encode(PASSWORD, "sel", iterations=1000)
    volunteer.user.save(update_fields=["password"])
    env = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": redis_server.url,
        "CELERY_QUEUE": f"faults-{uuid.uuid4().hex[:8]}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "REDIS_TIMEOUT": "0.5",
    }
    web = WebServer(env, tmp_path)
    web.start()
    web.volunteer = volunteer
    web.tmp_path = tmp_path
    yield web
    web.stop()


def test_with_redis_killed_the_site_serves_and_loses_nothing(site, redis_server, smtp_server):
    pages = sorted({*PUBLIC_PAGES, *public_paths(Client())})
    redis_server.kill()
    visitor = Browser(site.url)
    for path in pages:
        status, page, _seconds = visitor.get(path)
        assert status == 200, (path, page[:500])

    # The load balancer sees the database up and the cache down.
    status, report, _seconds = visitor.get("/sante/")
    assert status == 200
    assert '"cache": "en panne"' in report and '"base_de_donnees": "ok"' in report

    # A volunteer signs in and logs an hour.
    volunteer = Browser(site.url)
    status, _page, _seconds = volunteer.submit(
        reverse("account_login"), {"login": "helene@example.org", "password": PASSWORD}
    )
    assert status == 302
    status, _page, _seconds = volunteer.submit(
        reverse("volunteers:log_hour"),
        {"done_on": timezone.localdate().isoformat(), "minutes": "60", "note": "Courses"},
        form_page=reverse("volunteers:dashboard"),
    )
    assert status == 302
    assert CivicHour.objects.filter(volunteer=site.volunteer, note="Courses").exists()

    # A newcomer signs up: the account exists, its confirmation email waits in the database.
    newcomer = Browser(site.url)
    status, _page, _seconds = newcomer.submit(
        reverse("account_signup"),
        {"email": "jeanne@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert status == 302
    [waiting] = OutgoingEmail.objects.filter(to=["jeanne@example.org"])
    assert waiting.status == OutgoingEmail.Status.QUEUED
    assert smtp_server.messages == []

    # Redis is back; a minute later, beat runs the sweeper, and a worker sends the email.
    redis_server.start()
    worker = CeleryWorker(
        database=site.env["DATABASE_URL"],
        redis_url=redis_server.url,
        queue=site.env["CELERY_QUEUE"],
        email_port=smtp_server.port,
        log_dir=site.tmp_path,
    )
    worker.start()
    try:
        OutgoingEmail.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=2))
        celery_app.conf.task_always_eager = False  # this process publishes for real
        try:
            with Connection(redis_server.url) as broker:
                celery_app.send_task(
                    "heurecivique.tasks.requeue_emails",
                    queue=site.env["CELERY_QUEUE"],
                    connection=broker,
                )
        finally:
            celery_app.conf.task_always_eager = True
        wait_for(lambda: smtp_server.messages, 60, "the confirmation email goes out")
        # Sent, then deleted by the worker: its commit follows the server's « 250 », so the
        # worker must still be running while we wait for it.
        wait_for(lambda: not OutgoingEmail.objects.exists(), 30, "the sent email's row is deleted")
    finally:
        worker.stop()
    [message] = smtp_server.messages
    assert message["To"] == "jeanne@example.org"
    assert re.search(r"/compte/", message.get_body(preferencelist=("plain",)).get_content())


def test_with_redis_killed_failed_logins_are_still_limited(site, redis_server):
    redis_server.kill()
    attacker = Browser(site.url)
    for _attempt in range(5):
        attacker.submit(reverse("account_login"), {"login": "helene@example.org", "password": "x"})
    status, page, _seconds = attacker.submit(
        reverse("account_login"), {"login": "helene@example.org", "password": PASSWORD}
    )
    assert "Trop de tentatives" in page
    status, _page, _seconds = attacker.get(reverse("volunteers:dashboard"))
    assert status == 302  # not signed in: sent to the login page


def test_a_frozen_redis_costs_one_short_wait_not_a_hang(site, redis_server):
    visitor = Browser(site.url)
    assert visitor.get("/")[0] == 200  # Redis holds the host map now
    redis_server.freeze()
    try:
        status, _page, first = visitor.get("/")
        assert status == 200
        # The first request pays the 0.5 s timeout once; the next ones skip Redis for a while.
        assert first < 3
        for _request in range(5):
            status, _page, seconds = visitor.get("/gestes/")
            assert status == 200 and seconds < 1
    finally:
        redis_server.thaw()


def test_what_changed_while_redis_was_away_is_not_served_stale(redis_server):
    cache = ResilientRedisCache(
        redis_server.url, {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}
    )
    cache.set("portail", "ancien nom")
    redis_server.freeze()
    try:
        cache.delete("portail")  # Redis does not answer: the deletion is kept in memory
        assert cache.get("portail") is None
    finally:
        redis_server.thaw()
    ResilientRedisCache._down_until = 0.0  # the pause is over (and this process's cache too)
    assert cache.get("portail") is None  # the deletion reached Redis before anything was read
