"""HEADWAY_LOG_FORMAT=json: one JSON object a line on standard error, for a log collector."""

from __future__ import annotations

import json
from pathlib import Path

from tests.deploy.helpers import PRODUCTION_KEY, environment, python

LOG = (
    "import django, logging; django.setup(); "
    "logging.getLogger('headway.imports').warning('Import of %s rejected', 'gias.csv'); "
    "logging.getLogger('django.request').error('Internal Server Error: /schools/')"
)


def test_json_logs_are_one_object_a_line(tmp_path: Path) -> None:
    ran = python(LOG, environment(tmp_path, HEADWAY_SECRET_KEY=PRODUCTION_KEY, HEADWAY_LOG_FORMAT="json"))
    assert ran.returncode == 0, ran.stderr
    lines = [json.loads(line) for line in ran.stderr.splitlines() if line.strip()]
    assert [(line["level"], line["logger"], line["message"]) for line in lines] == [
        ("WARNING", "headway.imports", "Import of gias.csv rejected"),
        ("ERROR", "django.request", "Internal Server Error: /schools/"),
    ]
    assert all("time" in line for line in lines)


def test_text_logs_by_default(tmp_path: Path) -> None:
    ran = python(LOG, environment(tmp_path, HEADWAY_SECRET_KEY=PRODUCTION_KEY))
    assert ran.returncode == 0, ran.stderr
    assert "WARNING headway.imports: Import of gias.csv rejected" in ran.stderr
    assert not ran.stderr.lstrip().startswith("{")


def test_an_unknown_log_format_is_refused(tmp_path: Path) -> None:
    ran = python(LOG, environment(tmp_path, HEADWAY_SECRET_KEY=PRODUCTION_KEY, HEADWAY_LOG_FORMAT="xml"))
    assert ran.returncode != 0 and "HEADWAY_LOG_FORMAT must be text or json" in ran.stderr
