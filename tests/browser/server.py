"""A real Daphne process serving drawsite on 127.0.0.1 with its own SQLite database, for browser tests.

Plain ``live_server`` has no websockets; a subprocess runs exactly what ``make run`` runs.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 90.0  # the first request loads the model
POLL_INTERVAL_S = 0.2
STOP_TIMEOUT_S = 10.0
HEALTH_PATH = "/healthz"
ADMIN_USER = "reviewer"
ADMIN_PASSWORD = "draw-and-review-42"
ADMIN_EMAIL = "reviewer@example.org"
TEST_SECRET_KEY = "browser-tests-only-not-a-real-secret-0123456789abcdef"  # stable across restarts


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> None:
    """Runs ``manage.py`` with ``env``; raises with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


@dataclass
class DaphneServer:
    """``start()`` / ``stop()`` / ``restart()`` a Daphne on a fixed free port over the SQLite file ``database``."""

    database: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.database}",
            "DJANGO_SECRET_KEY": TEST_SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
            "DJANGO_DEBUG": "0",
            "DJANGO_SUPERUSER_USERNAME": ADMIN_USER,
            "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
            "DJANGO_SUPERUSER_EMAIL": ADMIN_EMAIL,
            "PYTHONUNBUFFERED": "1",
        }

    def prepare(self) -> None:
        """A migrated database with one staff user."""
        manage(self.env, "migrate", "--noinput", "--verbosity", "0")
        manage(self.env, "createsuperuser", "--noinput")

    def start(self) -> None:
        self.log_path = self.database.with_suffix(f".{self.port}.log")
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", HOST, "-p", str(self.port), "drawsite.asgi:application"],
            cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        self.wait_healthy()

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + HEALTH_PATH, timeout=STARTUP_TIMEOUT_S) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(POLL_INTERVAL_S)
        raise RuntimeError(f"daphne did not answer {HEALTH_PATH} within {STARTUP_TIMEOUT_S} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""


def serving(server: DaphneServer) -> Iterator[DaphneServer]:
    """Migrate, start and (when the caller's fixture ends) stop ``server``; for ``yield from`` in fixtures."""
    server.prepare()
    server.start()
    try:
        yield server
    finally:
        server.stop()
