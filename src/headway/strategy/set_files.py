"""A KPI set written out as a KPI-set file (``definitions``' format), so that a set made on the pages can be kept,
changed and loaded again with ``headway kpi load``: loading the file it gives changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from headway.strategy.models import KpiIndicator, KpiSet, TargetKind


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    plain = value.normalize()
    return int(plain) if plain == plain.to_integral_value() else float(plain)


def _target(kind: str, value: Decimal | None, region: str, comparator: str, year: int | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if year is not None:
        found["year"] = year
    found["kind"] = kind
    if value is not None:
        found["value"] = _number(value)
    if region:
        found["region"] = region
    if comparator:
        found["of"] = comparator
    return found


def _indicator(indicator: KpiIndicator) -> dict[str, Any]:
    found: dict[str, Any] = {"key": indicator.key, "label": indicator.label}
    if indicator.group:
        found["group"] = indicator.group
    if indicator.owner:
        found["owner"] = indicator.owner
    if indicator.measure:
        found["measure"] = indicator.measure
    else:
        local: dict[str, Any] = {"unit": indicator.local_unit, "polarity": indicator.local_polarity}
        if indicator.local_decimals is not None:
            local["decimals"] = indicator.local_decimals
        found["local"] = local
    if indicator.baseline_year is not None:
        baseline: dict[str, Any] = {"year": indicator.baseline_year}
        if indicator.baseline_value is not None:
            baseline["value"] = _number(indicator.baseline_value)
        found["baseline"] = baseline
    year_targets = list(indicator.year_targets.all())
    if year_targets and indicator.target_kind == TargetKind.NONE:
        found["targets"] = [_target(t.kind, t.value, t.region, t.comparator, t.year) for t in year_targets]
    else:
        found["target"] = _target(
            indicator.target_kind,
            indicator.target_value,
            indicator.target_region,
            indicator.target_comparator,
            indicator.target_year,
        )
    actuals = [actual for actual in indicator.local_actuals.all() if actual.source.strip()]
    if actuals:
        found["actuals"] = [{"year": a.year, "value": _number(a.value), "source": a.source} for a in actuals]
    if indicator.notes:
        found["notes"] = indicator.notes
    return found


def kpi_set_file(kpi_set: KpiSet) -> str:
    """The set as a KPI-set file's text (YAML)."""
    data: dict[str, Any] = {"local_authority": kpi_set.local_authority.code, "name": kpi_set.name}
    if kpi_set.version:
        data["version"] = kpi_set.version
    if kpi_set.notes:
        data["notes"] = kpi_set.notes
    indicators = kpi_set.indicators.order_by("order", "id").prefetch_related("year_targets", "local_actuals")
    data["indicators"] = [_indicator(indicator) for indicator in indicators]
    heading = (
        f"# {kpi_set.name}: the KPI set of {kpi_set.local_authority.name}, downloaded from Headway.\n"
        "# Load it again (after changing it, or on another Headway) with:  headway kpi load FILE\n"
    )
    return heading + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
