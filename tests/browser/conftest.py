"""Playwright on Debian's Chromium, against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As root in a container, without the network calls Chromium makes on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser():
    # Started and stopped around each test, not once per session: while Playwright runs, its
    # event loop makes Django give the main thread other database connections, and
    # pytest-django's own set-up and tear-down must run on the usual ones.
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is needed for the browser tests: apt-get install chromium ({CHROMIUM})"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Close those other connections while they can still be reached, so that the test
        # database can be dropped at the end.
        connections.close_all()


@pytest.fixture(autouse=True)
def _reference_data(django_db_serialized_rollback):
    """Live-server tests run in transactions that end with the tables emptied: this puts back
    what the migrations created (national portal, themes, skills) before each of them."""


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


@pytest.fixture
def portal_url(live_server):
    """The live server's address for a portal: portal_url("loiret") → http://loiret.localhost:…"""

    def url(slug=None, path="/"):
        base = live_server.url
        if slug:
            base = base.replace("://localhost", f"://{slug}.localhost")
        return base + path

    return url
