"""Throwaway server processes on 127.0.0.1: Daphne running drawsite, a PostgreSQL database, a Redis.

Everything started here is stopped (and the database dropped) when its context manager exits, so a
benchmark or a fault test leaves nothing behind and never touches the project's db.sqlite3 or the
machine's shared Redis data.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ml.config import PROJECT_ROOT

HOST = "127.0.0.1"
POSTGRES_ADMIN_URL = os.environ.get("LOADTEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
POLL_S = 0.1
HEALTH_PATH = "/healthz"
# Variables of the caller's environment that must not leak into a throwaway server's configuration.
CONFIG_PREFIXES = ("DJANGO_", "RECOGNIZER_", "DATABASE_", "REDIS_")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait_port(port: int, timeout_s: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process {process.args[:3]} exited with {process.returncode} before listening")
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(POLL_S)
    raise TimeoutError(f"nothing listens on {HOST}:{port} after {timeout_s:.0f} s")


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after ``STOP_TIMEOUT_S``; only this one process (by its pid)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def base_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The caller's environment without drawsite configuration, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(CONFIG_PREFIXES)}
    env["DJANGO_ALLOWED_HOSTS"] = f"{HOST},localhost"
    env["PYTHONUNBUFFERED"] = "1"
    return env | dict(extra)


# --- PostgreSQL ---


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=2):
            return True
    except Exception:  # any failure (no server, no driver, auth) means "not available here"
        return False


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A fresh PostgreSQL database; yields its ``DATABASE_URL`` and drops it afterwards."""
    import psycopg
    from psycopg import sql

    name = f"drawsite_throwaway_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def throwaway_sqlite() -> Iterator[str]:
    """A SQLite file in a temporary folder; yields its ``DATABASE_URL``."""
    folder = tempfile.mkdtemp(prefix="drawsite-sqlite-")
    try:
        yield f"sqlite:///{folder}/db.sqlite3"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- Redis ---


def redis_available() -> bool:
    return shutil.which("redis-server") is not None


class RedisServer:
    """A private ``redis-server`` (no persistence) on a free port, restartable on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(self.port, START_TIMEOUT_S, self.process)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None


@contextmanager
def throwaway_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- Daphne ---


def migrate(env: Mapping[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=PROJECT_ROOT,
        env=dict(env),
        check=True,
        timeout=START_TIMEOUT_S * 2,
    )


@dataclass
class DaphneServer:
    """One Daphne process serving drawsite on ``port``; ``log`` collects its output."""

    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None

    @property
    def http_base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def start(self) -> None:
        command = [sys.executable, "-m", "daphne", "-b", HOST, "-p", str(self.port), "drawsite.asgi:application"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(self.http_base + HEALTH_PATH, timeout=START_TIMEOUT_S) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(POLL_S)
        raise TimeoutError(f"daphne on port {self.port} not healthy after {START_TIMEOUT_S:.0f} s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL: the process dies at once, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)


@contextmanager
def daphne_cluster(count: int, env_extra: Mapping[str, str], log_dir: Path) -> Iterator[list[DaphneServer]]:
    """``count`` Daphne processes sharing ``env_extra`` (DATABASE_URL, REDIS_URL, ...), migrated first."""
    env = base_env(env_extra)
    migrate(env)
    servers = [DaphneServer(port=free_port(), env=env, log=log_dir / f"daphne-{i}.log") for i in range(count)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()
