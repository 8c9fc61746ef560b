"""Helpers for the KPI tests: invented LA and England figures, and KPI sets written as files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from headway.imports.models import ImportRun
from headway.performance.models import PublishedFigure, SchoolResult
from headway.strategy.models import KpiSet
from headway.strategy.services import kpi_set_load


def _run() -> ImportRun:
    now = timezone.now()
    return ImportRun.objects.create(
        kind="performance", file_name="invented", sha256="0" * 64, actor_name="test", started_at=now, finished_at=now
    )


def publish(
    *,
    year: int,
    measure: str,
    las: dict[str, float | None],
    england: float | None = None,
    england_variant: str = "state-funded",
) -> None:
    """Invented published figures: one per LA (None = a DfE marker instead of a value), and England's."""
    run = _run()
    rows = [
        PublishedFigure(
            level=PublishedFigure.Level.LA,
            area_code=code,
            year=year,
            measure=measure,
            value=Decimal(str(value)) if value is not None else None,
            missing_reason="" if value is not None else "SUPP",
            source=PublishedFigure.Source.PERFORMANCE_TABLES,
            source_import=run,
        )
        for code, value in las.items()
    ]
    if england is not None:
        rows.append(
            PublishedFigure(
                level=PublishedFigure.Level.ENGLAND,
                area_code="england",
                year=year,
                measure=measure,
                value=Decimal(str(england)),
                variant=england_variant,
                source=PublishedFigure.Source.PERFORMANCE_TABLES,
                source_import=run,
            )
        )
    PublishedFigure.objects.bulk_create(rows)


def school_figures(*, year: int, measure: str, schools: dict[int, tuple[str, float, int | None]]) -> None:
    """Invented school figures: URN -> (LA code, value, pupils)."""
    run = _run()
    SchoolResult.objects.bulk_create(
        SchoolResult(
            urn=urn,
            la_code=la_code,
            year=year,
            measure=measure,
            value=Decimal(str(value)),
            pupils=pupils,
            school_kind="mainstream",
            source_import=run,
        )
        for urn, (la_code, value, pupils) in schools.items()
    )


def kpi_set(folder: Path, indicators: str, *, la: str = "302", name: str = "Test strategy") -> KpiSet:
    """Load a KPI set whose ``indicators:`` list is given as YAML text."""
    path = folder / f"{name.lower().replace(' ', '-')}.yaml"
    path.write_text(f'local_authority: "{la}"\nname: {name}\nindicators:\n{indicators}', encoding="utf-8")
    return kpi_set_load(path=path, actor_name="test").kpi_set


def one_indicator(measure: str, target: str, *, baseline: str = "") -> str:
    lines = [f"  - key: kpi\n    label: The indicator\n    measure: {measure}\n    target: {target}\n"]
    if baseline:
        lines.append(f"    baseline: {baseline}\n")
    return "".join(lines)
