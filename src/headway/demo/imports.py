"""The demo's real public data (registers, links, inspections, benchmarks, neighbours, performance tables) and
its KPI sets, through the import and KPI-set services. Each reports its counts; a file already loaded reports 0
created and 0 updated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from headway.demo.data import ACTOR, DEMO_FILES, DEMO_KPI_SETS, DEMO_PERFORMANCE
from headway.imports.registry import importer_for
from headway.imports.services import run_import
from headway.strategy.definitions import kpi_set_path
from headway.strategy.services import kpi_set_load


class DemoFileRejected(Exception):
    """A shipped demo file was rejected (its summary and errors are the message)."""


def files_load(folder: Path) -> Iterator[str]:
    """The registers, links, inspections, benchmarks and neighbours, in order; one summary line each, as each
    file is loaded."""
    for kind, file_name in DEMO_FILES:
        result = run_import(importer_for(kind), folder / file_name, display_name=file_name, actor_name=ACTOR)
        if result.rejected:
            raise DemoFileRejected("\n".join([result.summary(), *result.errors]))
        yield result.summary()


def performance_load(folder: Path) -> Iterator[str]:
    """DfE's performance tables under ``folder/performance``; one summary line each, as each file is loaded."""
    for dataset, year, file_name in DEMO_PERFORMANCE:
        result = run_import(
            importer_for("performance", dataset=dataset, year=year),
            folder / "performance" / file_name,
            display_name=file_name,
            actor_name=ACTOR,
        )
        if result.rejected:
            raise DemoFileRejected("\n".join([result.summary(), *result.errors]))
        yield result.summary()


def kpi_sets_load() -> list[str]:
    """Barnet's two KPI sets and Hampshire's (the demo's configuration, copied into the configuration folder
    first); loading a set again changes nothing."""
    return [
        kpi_set_load(path=kpi_set_path(name), actor=None, actor_name=ACTOR, display_name=name).summary()
        for name in DEMO_KPI_SETS
    ]
