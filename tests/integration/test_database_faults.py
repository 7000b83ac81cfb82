"""A database that does not answer gives a French page within seconds, from a production-like
server (gunicorn, DEBUG off): never a worker hanging until gunicorn kills it."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from territories.models import Territory

from ..servers import Browser, WebServer, collect_static, production_env
from ..worker import database_url, free_port

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL (DATABASE_URL), as CI has",
)


@pytest.fixture(scope="module")
def static_root():
    return collect_static()


def _serve(tmp_path, static_root, database):
    web = WebServer(
        {**production_env(static_root), "DATABASE_URL": database, "REDIS_URL": "",
         "DATABASE_STATEMENT_TIMEOUT": "2000", "DATABASE_CONNECT_TIMEOUT": "2"},
        tmp_path,
    )  # fmt: skip
    web.start()
    return web


def test_a_hung_database_gives_the_french_page_within_seconds(
    transactional_db, tmp_path, static_root
):
    Territory.objects.get_or_create(kind=Territory.Kind.NATIONAL, slug="national", name="France")
    url = database_url(connection.settings_dict)
    web = _serve(tmp_path, static_root, url)
    try:
        assert Browser(web.url).get("/")[0] == 200
        # Another session holds the table of the gestes: their page's query waits on it.
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as blocker:
            blocker.execute("LOCK TABLE gestes_geste IN ACCESS EXCLUSIVE MODE")
            status, page, seconds = Browser(web.url).get("/gestes/")
            health, report, _seconds = Browser(web.url).get("/sante/")
            blocker.rollback()
        assert status == 503
        assert "Le site est momentanément indisponible" in page
        assert seconds < 10  # the statement timeout (2 s here), far from gunicorn's 30 s
        # The database answers a plain SELECT 1: only the locked pages wait.
        assert health == 200 and '"base_de_donnees": "ok"' in report
        assert Browser(web.url).get("/gestes/")[0] == 200
    finally:
        web.stop()


def test_a_refused_database_gives_the_french_page_at_once(db, tmp_path, static_root):
    closed = database_url({**connection.settings_dict, "PORT": free_port()})
    web = _serve(tmp_path, static_root, closed)
    try:
        status, page, seconds = Browser(web.url).get("/")
        assert status == 503
        assert "Le site est momentanément indisponible" in page
        assert seconds < 10
        status, report, _seconds = Browser(web.url).get("/sante/")
        assert status == 503
        assert '"base_de_donnees": "en panne"' in report
        assert '"cache": "mémoire locale"' in report
    finally:
        web.stop()
