"""The drawing key's update-or-create under a real race on PostgreSQL: many threads save one new key at
once (one submit, the rest disconnect saves); every round ends with exactly one row, the submit's.
Skips where PostgreSQL is not reachable on 127.0.0.1:5432 (trust auth, user postgres)."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from loadtest.servers import postgres_available, throwaway_postgres
from tests.browser.server import PROJECT_ROOT, TEST_SECRET_KEY, manage

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not reachable on 127.0.0.1:5432"),
]

PROBE_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def postgres_env() -> Iterator[dict[str, str]]:
    with throwaway_postgres() as url:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SECRET_KEY": TEST_SECRET_KEY}
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        yield env


def test_racing_saves_of_one_key_leave_one_row_the_submit(postgres_env: dict[str, str]) -> None:
    probe = subprocess.run(
        [sys.executable, "-m", "tests.web.drawing_key_probe"], cwd=PROJECT_ROOT, env=postgres_env,
        capture_output=True, text=True, timeout=PROBE_TIMEOUT_S,
    )
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout)
    assert result["vendor"] == "postgresql"
    for race in result["rounds"]:
        assert race["errors"] == []
        [row] = race["rows"]  # one row per key, however the inserts met
        assert set(race["ids"]) == {row["id"]}  # every save answered with that row
        assert (row["source"], row["strokes"], row["public"]) == ("submit", result["submitter_strokes"], True)
