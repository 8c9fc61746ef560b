"""Floor and coasting standards (``standards.yaml``): dated rules applied to a school's figures."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

STANDARDS_FILE = Path(__file__).resolve().parent / "standards.yaml"


class StandardsError(ValueError):
    pass


@dataclass(frozen=True)
class Figure:
    value: Decimal | None
    upper: Decimal | None = None


@dataclass(frozen=True)
class Standard:
    name: str
    kind: str  # floor | coasting
    key_stage: str
    years: tuple[int, ...]
    condition: Mapping[str, Any]
    consecutive_years: int = 1
    source: str = ""


@dataclass(frozen=True)
class StandardFlag:
    rule: str
    kind: str
    year: int
    outcome: str  # "below" (flagged) | "met" | "no data"


def _check_condition(condition: Any, where: str, known: set[str] | None = None) -> None:
    if not isinstance(condition, dict) or len(condition) == 0:
        raise StandardsError(f"{where}: a condition must be a mapping")
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        parts = condition[key]
        if not isinstance(parts, list) or not parts:
            raise StandardsError(f"{where}: '{key}' must list conditions")
        for part in parts:
            _check_condition(part, where, known)
        return
    if "measure" not in condition or not ({"below", "upper_below"} & set(condition)):
        raise StandardsError(f"{where}: a condition needs 'measure' and 'below' or 'upper_below'")
    if known is not None and condition["measure"] not in known:
        raise StandardsError(
            f"{where}: {condition['measure']!r} is not a measure of the catalogue (performance/catalogue.yaml), "
            "so the rule could never be decided"
        )


def load_standards(path: Path = STANDARDS_FILE) -> list[Standard]:
    """The dated floor and coasting rules, each measure checked against the catalogue."""
    from headway.performance.catalogue import catalogue

    known = set(catalogue().measures)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise StandardsError(f"{path}: not valid YAML: {exc}") from exc
    rules = []
    for index, rule in enumerate((data or {}).get("rules", []), start=1):
        where = f"{path}: rule {index}"
        for key in ("name", "kind", "key_stage", "years", "flag_when"):
            if key not in rule:
                raise StandardsError(f"{where}: missing '{key}'")
        if rule["kind"] not in {"floor", "coasting"}:
            raise StandardsError(f"{where}: kind must be floor or coasting")
        _check_condition(rule["flag_when"], where, known)
        rules.append(
            Standard(
                name=rule["name"],
                kind=rule["kind"],
                key_stage=rule["key_stage"],
                years=tuple(rule["years"]),
                condition=rule["flag_when"],
                consecutive_years=int(rule.get("consecutive_years", 1)),
                source=rule.get("source", ""),
            )
        )
    return rules


@cache
def standards() -> tuple[Standard, ...]:
    return tuple(load_standards())


def _holds(condition: Mapping[str, Any], figures: Mapping[str, Figure]) -> bool | None:
    """True / False, or None when a figure it needs is missing."""
    if "all" in condition or "any" in condition:
        results = [_holds(part, figures) for part in condition.get("all", condition.get("any", []))]
        if "all" in condition:
            if any(result is False for result in results):
                return False
            return None if any(result is None for result in results) else True
        if any(result is True for result in results):
            return True
        return None if any(result is None for result in results) else False
    figure = figures.get(condition["measure"])
    if "upper_below" in condition:
        if figure is None or figure.upper is None:
            return None
        return figure.upper < Decimal(str(condition["upper_below"]))
    if figure is None or figure.value is None:
        return None
    return figure.value < Decimal(str(condition["below"]))


def evaluate(rule: Standard, figures_by_year: Mapping[int, Mapping[str, Figure]], year: int) -> StandardFlag:
    """Apply one rule to one school's figures for ``year`` (and the years before it, for coasting)."""
    results = [
        _holds(rule.condition, figures_by_year.get(y, {})) for y in range(year - rule.consecutive_years + 1, year + 1)
    ]
    if all(result is True for result in results):
        outcome = "below"
    elif any(result is False for result in results):
        outcome = "met"
    else:
        outcome = "no data"
    return StandardFlag(rule=rule.name, kind=rule.kind, year=year, outcome=outcome)


def school_standards(figures_by_year: Mapping[int, Mapping[str, Figure]]) -> list[StandardFlag]:
    """Every rule that applied in a year the school has figures for, with its outcome."""
    flags = []
    for rule in standards():
        for year in rule.years:
            if year in figures_by_year:
                flag = evaluate(rule, figures_by_year, year)
                if flag.outcome != "no data":
                    flags.append(flag)
    return flags
