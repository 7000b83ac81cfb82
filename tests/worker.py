"""A real Celery worker in a subprocess, on Redis, for the task tests and the benchmark.

It runs the project's code against the database and SMTP server it is given, listening on one
queue only, so that parallel test processes never take each other's tasks.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on, for a test server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """The URL of a Django database (the test database, for instance) for DATABASE_URL."""
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


class CeleryWorker:
    """`start()`, `kill()` (SIGKILL to the whole process group, as a crash would) and `stop()`.

    Unacknowledged messages of a killed worker come back after `visibility_timeout` seconds."""

    def __init__(
        self,
        *,
        database: str,
        redis_url: str,
        queue: str,
        email_port: int,
        concurrency: int = 2,
        visibility_timeout: int = 5,
        extra_env: dict | None = None,
        log_dir: Path | None = None,
    ):
        self.concurrency = concurrency
        self.queue = queue
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": database,
            "REDIS_URL": redis_url,
            "CELERY_QUEUE": queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{email_port}",
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "CELERY_RESTORE_INTERVAL": "1",
            "CELERY_RESTORE_THROTTLE": "1",
            "REMINDER_RETRY_DELAY": "1",
            **(extra_env or {}),
        }
        log_dir = log_dir or Path(tempfile.mkdtemp(prefix="heurecivique-worker-"))
        self.log = log_dir / f"worker-{uuid.uuid4().hex[:8]}.log"
        self.process = None

    def start(self, timeout: float = 60) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "heurecivique",
                    "worker",
                    "--queues",
                    self.queue,
                    "--concurrency",
                    str(self.concurrency),
                    "--pool",
                    "prefork",
                    "--hostname",
                    f"test-{uuid.uuid4().hex[:8]}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel",
                    "INFO",
                ],  # fmt: skip
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, to kill it whole
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker stopped:\n{self.output()}")
            with self.log.open("rb") as log:
                log.seek(offset)
                if b" ready." in log.read():
                    return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"The Celery worker did not start in {timeout} s:\n{self.output()}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:] if self.log.exists() else ""


def wait_for(condition, timeout: float, what: str, interval: float = 0.1):
    """Poll until `condition()` is true; fail saying `what` did not happen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(interval)
    raise AssertionError(f"Still not done after {timeout} s: {what}")
