"""Hostile: the same file imported twice at the same moment, by separate processes on the same database (SQLite
file or PostgreSQL). The database lets exactly one start; the others get a clear refusal, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.helpers import FIXTURES

pytestmark = pytest.mark.django_db(transaction=True)

GIAS = FIXTURES / "gias" / "valid" / "hampshire_extract_sample.csv"
RACERS = 4

#: Each process waits for the same moment, then records a running job for the same file.
RACE = """
import os, sys, time
import django
django.setup()
from headway.imports import jobs
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
try:
    job = jobs.begin(kind="gias", options={}, file_name="same.csv", sha256="a" * 64, user=None,
                     actor_name=sys.argv[2], background=False)
except jobs.AlreadyImporting as refusal:
    print("refused", refusal.job.actor_name if refusal.job else "-", refusal.message)
else:
    print("started", sys.argv[2])
"""


def _database_url(tmp_path: Path) -> str:
    """This test's database for another process: a file copy of SQLite's in-memory test database, or
    PostgreSQL's test database itself."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        return f"sqlite:///{copy}"
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgresql://{s['USER']}{password}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def _environment(tmp_path: Path) -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {
        **os.environ,
        "HEADWAY_DATABASE_URL": _database_url(tmp_path),
        "HEADWAY_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "headway.settings",
        "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }


def _count(env: dict[str, str], sql: str) -> int:
    script = (
        "import django; django.setup()\nfrom django.db import connection\n"
        f"c = connection.cursor(); c.execute({sql!r}); print(c.fetchone()[0])"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    return int(done.stdout.strip())


def test_only_one_of_several_simultaneous_starts_of_the_same_file_begins(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    start = time.time() + 8  # every process has set Django up by then
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, str(start), f"racer-{n}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(RACERS)
    ]
    outcomes = [racer.communicate(timeout=120) for racer in racers]
    for racer, (_, err) in zip(racers, outcomes, strict=True):
        assert racer.returncode == 0, err
    lines = [out.strip() for out, _ in outcomes]
    started = [line.split()[1] for line in lines if line.startswith("started")]
    assert len(started) == 1, lines
    refused = [line for line in lines if line.startswith("refused")]
    assert len(refused) == RACERS - 1, lines
    assert all(line.split()[1] == started[0] and "is already being imported" in line for line in refused), lines
    assert _count(env, "SELECT COUNT(*) FROM imports_importjob WHERE status = 'running'") == 1


def test_two_imports_of_the_same_file_at_once_never_crash(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    commands = [
        subprocess.Popen(
            [sys.executable, "-m", "headway", "import", "gias", str(GIAS)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [command.communicate(timeout=300) for command in commands]
    codes = sorted(command.returncode for command in commands)
    for _, err in outcomes:
        assert "Traceback" not in err and "IntegrityError" not in err, err
    # Both ran (one after the other) or one was refused (exit 3) with the reason; never exit 1.
    assert codes in ([0, 0], [0, 3]), (codes, outcomes)
    if codes == [0, 3]:
        assert any("is already being imported" in err for _, err in outcomes)
    assert _count(env, "SELECT COUNT(*) FROM schools_establishment") == 18
    assert _count(env, "SELECT COUNT(*) FROM imports_importjob WHERE status IN ('waiting', 'running')") == 0
