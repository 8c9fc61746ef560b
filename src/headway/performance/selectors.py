"""What pages and commands read about performance: an LA's figure and rank, a school in context."""

from __future__ import annotations

from typing import Any

from headway.performance.benchmarks import la_figure, national_value, significance
from headway.performance.catalogue import catalogue
from headway.performance.models import SchoolResult


def la_measure(*, la_code: str, year: int, measure_code: str) -> dict[str, Any]:
    figure = la_figure(la_code=la_code, year=year, measure_code=measure_code)
    return {
        "la": la_code,
        "measure": measure_code,
        "year": year,
        "value": figure.value if figure else None,
        "rank": figure.rank if figure else None,
        "of": figure.of if figure else None,
        "top10": figure.top10 if figure else None,
        "source": figure.source if figure else None,
    }


def school_measure(*, urn: int, year: int, measure_code: str) -> dict[str, Any]:
    measure = catalogue().get(measure_code)
    result = SchoolResult.objects.filter(urn=urn, year=year, measure=measure_code).first()
    national, national_source = national_value(year=year, measure_code=measure_code)
    value = float(result.value) if result is not None and result.value is not None else None
    difference = round(value - national, measure.decimals + 1) if value is not None and national is not None else None
    return {
        "urn": str(urn),
        "measure": measure_code,
        "year": year,
        "value": value,
        "missing_reason": result.missing_reason if result is not None else "not in the imported files",
        "pupils": result.pupils if result is not None else None,
        "national": national,
        "national_source": national_source,
        "difference_from_national": difference,
        "significance": significance(result.value, result.lower, result.upper) if result is not None else "",
        "lower": float(result.lower) if result is not None and result.lower is not None else None,
        "upper": float(result.upper) if result is not None and result.upper is not None else None,
    }
