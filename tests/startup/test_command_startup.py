"""A ``headway`` command starts without the pages: it imports no view, nor the heavy libraries only some pages,
downloads and the risk model use, while ``headway check`` still checks the URL configuration (and so imports
every view). How long starting takes is measured in ``benchmarks/command_startup.py``, not here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from headway import cli

#: Libraries a command must not load unless it uses them.
HEAVY = ("polars", "fpdf", "openpyxl", "docx", "lightgbm", "sklearn", "ortools", "joblib")


def imported(tmp_path: Path, *arguments: str) -> tuple[set[str], str]:
    """Every module ``python -m headway ARGUMENTS`` imported, as ``-X importtime`` lists them, and its output."""
    env = {
        **os.environ,
        "HEADWAY_VAR_DIR": str(tmp_path),
        "HEADWAY_SECRET_KEY": "headway-tests-only-secret-key-not-for-any-real-server-0123456789",
        "DJANGO_SETTINGS_MODULE": "headway.settings",
    }
    env.pop("HEADWAY_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "headway", *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "cumulative" not in line
    }
    return modules, done.stdout


def views(modules: set[str]) -> set[str]:
    return {name for name in modules if name.startswith("headway.") and name.rsplit(".", 1)[1].endswith("views")}


def test_a_command_imports_no_view_and_no_heavy_library(tmp_path: Path) -> None:
    modules, output = imported(tmp_path, "config", "where")
    assert output.strip().endswith("config")  # the command ran: it says where the configuration is
    assert "django.core.checks.urls" in modules  # with the system checks
    assert not views(modules)
    assert not {name for name in modules if name.split(".")[0] in HEAVY}


def test_check_still_checks_the_url_configuration(tmp_path: Path) -> None:
    modules, output = imported(tmp_path, "check")
    assert "no issues" in output
    assert {"headway.schools.views", "headway.visits.views", "headway.risk.views"} <= modules
    # the pages themselves load the heavy libraries only when they make a chart, a workbook or a PDF
    assert not {name for name in modules if name.split(".")[0] in ("polars", "fpdf", "openpyxl")}


def test_only_the_commands_that_serve_or_check_pages_keep_the_url_checks(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.checks import urls
    from django.core.checks.registry import registry

    before = set(registry.registered_checks)
    try:
        cli.main(["headway", "check"])
        assert "no issues" in capsys.readouterr().out
        assert urls.check_url_config in registry.registered_checks
        cli.main(["headway", "config", "where"])
        assert urls.check_url_config not in registry.registered_checks
    finally:
        registry.registered_checks.update(before)


def test_leaving_out_the_url_checks_keeps_every_other_check() -> None:
    from django.core.checks import urls
    from django.core.checks.registry import registry

    before = set(registry.registered_checks)
    try:
        cli.without_url_checks()
        removed = before - registry.registered_checks
        assert removed == {urls.check_url_config, urls.check_url_namespaces_unique, urls.check_custom_error_handlers}
        assert urls.check_url_settings in registry.registered_checks
    finally:
        registry.registered_checks.update(before)


def test_a_round_ranked_by_the_previous_grade_rule_loads_no_lightgbm(tmp_path: Path) -> None:
    # LightGBM, with scikit-learn and SciPy, took 1.5-2.5 s to import: the first round in each worker (and every
    # round started from the command line) paid it, though the shipped ranking reads only a model's metadata.
    # The rule's path is imported here; ``tests/risk/test_risk_model.py`` shows it never reads a model file.
    code = "from headway.risk import evidence, model, ranking, services; print('imported')"
    modules, output = imported(tmp_path, "shell", "--no-imports", "-c", code)
    assert output.strip() == "imported"
    assert "headway.risk.model" in modules
    assert not {name for name in modules if name.split(".")[0] in ("lightgbm", "sklearn", "scipy", "joblib")}
