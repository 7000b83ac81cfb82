"""Real servers of a test's own, to break them: a Redis, the site under gunicorn, and a browser-
like HTTP client with cookies and CSRF tokens.

The site runs in a subprocess, as in production, against the test database (transactional
tests: the data must be committed for another process to read it).
"""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import redis

from .worker import ROOT, free_port, wait_for


class RedisServer:
    """A redis-server on a free port: `kill()` it as a crash would, `freeze()` it (it keeps
    its connections but answers nothing), `start()` it again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)

        def answers():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        wait_for(answers, 10, "redis-server starts")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.thaw()
            self.kill()


def collect_static() -> Path:
    """The static files, collected as `manage.py collectstatic` does for production."""
    root = Path(tempfile.mkdtemp(prefix="heurecivique-static-"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **production_env(root)},
        check=True,
        timeout=300,
    )
    return root


def production_env(static_root: Path) -> dict:
    """DEBUG off, served over plain HTTP on 127.0.0.1."""
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "tests-only-secret-key-of-a-production-like-server",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
    }


class WebServer:
    """The site under gunicorn (one sync worker, as in docker-compose.yml) with `env`."""

    def __init__(self, env: dict, log_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        self.env = {**inherited, "DJANGO_DEBUG": "true", **env}
        self.log = log_dir / f"gunicorn-{self.port}.log"
        self.process = None

    def start(self, timeout: float = 60) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "heurecivique.wsgi",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "30"],
                cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip

        def serving():
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.output()}")
            try:
                urllib.request.urlopen(f"{self.url}/sante/", timeout=2)  # noqa: S310
                return True
            except urllib.error.HTTPError:
                return True  # it answers, if only to say the database is down
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        wait_for(serving, timeout, "gunicorn serves the site")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:] if self.log.exists() else ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Requests with a cookie jar, as a browser makes them; redirects are not followed, so a
    test sees each 302. `submit()` posts a form with the CSRF token of the page it came from."""

    def __init__(self, base_url: str, headers: dict | None = None):
        self.base_url = base_url
        self.headers = headers or {}
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
        )

    def request(self, path: str, data: dict | None = None, timeout: float = 40):
        """(status, body, seconds taken)."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, body, headers=self.headers)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                status, content = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, content = error.code, error.read().decode(errors="replace")
        return status, content, time.monotonic() - started

    def get(self, path: str, **kwargs):
        return self.request(path, **kwargs)

    def submit(self, path: str, data: dict, form_page: str | None = None):
        _status, page, _seconds = self.get(form_page or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(path, {"csrfmiddlewaretoken": token, **data})
