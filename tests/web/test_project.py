"""Project wiring: settings defaults, system checks, websocket route composition."""

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from drawsite import routing
from drawsite.env import env_bool, env_list

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x7Hq2-not-a-real-key-but-long-and-random-enough-0123456789abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "draw.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://draw.example.org",
    "DJANGO_HTTPS": "1",
}
CHECK_TIMEOUT_S = 60


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Start from an environment without any DJANGO_/RECOGNIZER_/DATABASE_/REDIS_ variables.
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RECOGNIZER_", "DATABASE_", "REDIS_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT_S,
    )


def test_check_is_clean_with_no_environment() -> None:
    result = manage("check", env={})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_is_clean_when_configured_for_production() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_a_missing_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", "--deploy", env=env)
    assert "drawsite.W001" in result.stderr + result.stdout


def test_websocket_routes_compose_present_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [str(pattern.pattern) for pattern in routing.websocket_urlpatterns()]
    assert "ws/draw/" in paths
    extra = types.ModuleType("extra_routes")
    extra.websocket_urlpatterns = ["sentinel"]
    monkeypatch.setitem(sys.modules, "extra_routes", extra)
    monkeypatch.setattr(routing, "APP_ROUTING_MODULES", ("recognizer.routing", "absent_app.routing", "extra_routes"))
    assert routing.websocket_urlpatterns()[-1] == "sentinel"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, False), ("", False), ("1", True), ("TRUE", True), ("yes", True), ("0", False), ("off", False)],
)
def test_env_bool(monkeypatch: pytest.MonkeyPatch, raw: str | None, expected: bool) -> None:
    if raw is None:
        monkeypatch.delenv("DRAWSITE_TEST_FLAG", raising=False)
    else:
        monkeypatch.setenv("DRAWSITE_TEST_FLAG", raw)
    assert env_bool("DRAWSITE_TEST_FLAG", False) is expected


def test_env_bool_rejects_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAWSITE_TEST_FLAG", "maybe")
    with pytest.raises(ValueError):
        env_bool("DRAWSITE_TEST_FLAG", False)


@pytest.mark.parametrize(("raw", "expected"), [("", ["a"]), ("x.org, y.org ,", ["x.org", "y.org"])])
def test_env_list(monkeypatch: pytest.MonkeyPatch, raw: str, expected: list[str]) -> None:
    monkeypatch.setenv("DRAWSITE_TEST_LIST", raw)
    assert env_list("DRAWSITE_TEST_LIST", ["a"]) == expected
