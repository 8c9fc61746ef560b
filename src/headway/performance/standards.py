"""Floor and coasting standards (``standards.yaml``): dated rules applied to a school's figures."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from headway.policy_files import compiled_once

STANDARDS_FILE = Path(__file__).resolve().parent / "standards.yaml"


class StandardsError(ValueError):
    pass


class Figure(NamedTuple):
    """A school's figure for one measure and year, as the standards read it (a tuple: a national round makes
    a few hundred thousand)."""

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


Holds = Callable[[Mapping[str, Figure]], "bool | None"]


def _compile(condition: Mapping[str, Any]) -> Holds:
    """The condition as a function of one year's figures: True / False, or None when a figure it needs is
    missing. Thresholds are made Decimals once, not at every school."""
    if "all" in condition or "any" in condition:
        parts = tuple(_compile(part) for part in condition.get("all", condition.get("any", [])))
        if "all" in condition:

            def every(figures: Mapping[str, Figure]) -> bool | None:
                unknown = False
                for part in parts:
                    result = part(figures)
                    if result is False:
                        return False
                    unknown = unknown or result is None
                return None if unknown else True

            return every

        def some(figures: Mapping[str, Figure]) -> bool | None:
            unknown = False
            for part in parts:
                result = part(figures)
                if result is True:
                    return True
                unknown = unknown or result is None
            return None if unknown else False

        return some
    measure = condition["measure"]
    if "upper_below" in condition:
        upper_below = Decimal(str(condition["upper_below"]))

        def upper_holds(figures: Mapping[str, Figure]) -> bool | None:
            figure = figures.get(measure)
            if figure is None or figure.upper is None:
                return None
            return figure.upper < upper_below

        return upper_holds
    below = Decimal(str(condition["below"]))

    def value_holds(figures: Mapping[str, Figure]) -> bool | None:
        figure = figures.get(measure)
        if figure is None or figure.value is None:
            return None
        return figure.value < below

    return value_holds


_COMPILED: dict[int, tuple[Mapping[str, Any], Holds]] = {}


def _holds(condition: Mapping[str, Any], figures: Mapping[str, Figure]) -> bool | None:
    """True / False, or None when a figure it needs is missing. Each condition is turned into a function once."""
    return compiled_once(_COMPILED, condition, _compile)(figures)


def evaluate(rule: Standard, figures_by_year: Mapping[int, Mapping[str, Figure]], year: int) -> StandardFlag:
    """Apply one rule to one school's figures for ``year`` (and the years before it, for coasting)."""
    met = False
    every_year_below = True
    for y in range(year - rule.consecutive_years + 1, year + 1):
        result = _holds(rule.condition, figures_by_year.get(y, _NO_FIGURES))
        if result is not True:
            every_year_below = False
        if result is False:
            met = True
    if every_year_below:
        outcome = "below"
    elif met:
        outcome = "met"
    else:
        outcome = "no data"
    return StandardFlag(rule=rule.name, kind=rule.kind, year=year, outcome=outcome)


_NO_FIGURES: Mapping[str, Figure] = {}


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
