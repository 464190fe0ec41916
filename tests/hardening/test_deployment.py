"""docs/deployment.md's production environment passes ``manage.py check --deploy`` (read from the doc itself)."""

import os
import re
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENT_DOC = PROJECT_ROOT / "docs" / "deployment.md"
ENV_BLOCK_MARKER = "# production environment"
CHECK_TIMEOUT_S = 120
CONFIG_PREFIXES = ("DJANGO_", "RECOGNIZER_", "DATABASE_", "REDIS_", "DRAWSITE_")


def documented_production_env() -> dict[str, str]:
    """The ``NAME=value`` lines of the code block that starts with ENV_BLOCK_MARKER."""
    text = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    block = text[text.index(ENV_BLOCK_MARKER) :].split("```", 1)[0]
    return dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(\S+)$", block, re.M))


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(CONFIG_PREFIXES)}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT_S,
    )


def test_documented_production_environment_passes_check_deploy() -> None:
    env = documented_production_env()
    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_HTTPS", "DATABASE_URL", "REDIS_URL"} <= set(env)
    result = check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_https() -> None:
    """The check is not vacuous: dropping DJANGO_HTTPS makes it fail (HSTS, SSL redirect, secure cookies)."""
    env = {k: v for k, v in documented_production_env().items() if k != "DJANGO_HTTPS"}
    result = check_deploy(env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no SECURE_HSTS_SECONDS
