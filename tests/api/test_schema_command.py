"""``headway spectacular --file schema.yml`` writes a valid OpenAPI schema of every endpoint."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management import call_command

from headway.cli import main


def test_the_schema_command_writes_a_valid_schema(tmp_path: Path) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn")
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/concerns/" in schema["paths"] and "/api/v1/kpis/{la_code}/{year}/" in schema["paths"]
    assert all(set(operations) == {"get"} for operations in schema["paths"].values())  # read-only
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_the_headway_command_runs_it(tmp_path: Path) -> None:
    target = tmp_path / "schema.yml"
    main(["headway", "spectacular", "--file", str(target)])
    assert "Headway read API" in target.read_text(encoding="utf-8")
