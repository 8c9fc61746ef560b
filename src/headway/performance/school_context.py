"""A school's published figures in context: trend, LA and national figures, significance, gaps, standards."""

from __future__ import annotations

from dataclasses import dataclass, field

from headway.performance import figure_store
from headway.performance.benchmarks import la_value, national_value, significance
from headway.performance.catalogue import Measure, catalogue
from headway.performance.figure_store import figures_read
from headway.performance.models import SchoolResult
from headway.performance.standards import Figure, StandardFlag, school_standards

TREND_YEARS = 3


@dataclass(frozen=True)
class YearFigure:
    year: int
    value: float | None
    missing_reason: str
    pupils: int | None
    national: float | None
    la: float | None
    difference_from_national: float | None
    significance: str
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class MeasureContext:
    measure: Measure
    years: list[YearFigure]  # oldest first, at most the years asked for (TREND_YEARS unless said)

    @property
    def latest(self) -> YearFigure | None:
        return self.years[-1] if self.years else None

    @property
    def trend(self) -> str:
        """Up, down or level over the years shown, in the measure's own direction (not better/worse)."""
        values = [y.value for y in self.years if y.value is not None]
        if len(values) < 2:
            return ""
        change = values[-1] - values[0]
        step = 10**-self.measure.decimals
        if abs(change) < step:
            return "level"
        return "up" if change > 0 else "down"


@dataclass(frozen=True)
class Gap:
    """Disadvantaged pupils at the school against other pupils nationally (DfE's headline gap)."""

    measure: Measure
    year: int
    disadvantaged: float | None
    national_other: float | None

    @property
    def gap(self) -> float | None:
        if self.disadvantaged is None or self.national_other is None:
            return None
        return round(self.disadvantaged - self.national_other, self.measure.decimals + 1)


@dataclass
class SchoolPerformance:
    urn: int
    la_code: str
    measures: list[MeasureContext] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    standards: list[StandardFlag] = field(default_factory=list)


def _float(value: object) -> float | None:
    return float(value) if value is not None else None  # type: ignore[arg-type]


PHASE_VARIANTS = {
    "primary": "pri",
    "middle deemed primary": "pri",
    "secondary": "sec",
    "middle deemed secondary": "sec",
}


def school_performance(
    *, urn: int, la_code: str, phase: str = "", special: bool = False, years: int = TREND_YEARS
) -> SchoolPerformance:
    """Every catalogue measure the school has figures for, its last ``years`` years with LA and national
    figures, the disadvantaged gap and the floor and coasting standards that applied. Each year's LA and
    England figures are read once (``figure_store.figures_read``), whatever the number of measures."""
    with figures_read():
        return _school_performance(urn=urn, la_code=la_code, phase=phase, special=special, shown_years=years)


def _school_performance(*, urn: int, la_code: str, phase: str, special: bool, shown_years: int) -> SchoolPerformance:
    results = list(SchoolResult.objects.filter(urn=urn).order_by("measure", "year"))
    by_measure: dict[str, list[SchoolResult]] = {}
    for result in results:
        by_measure.setdefault(result.measure, []).append(result)
    shown = {row.year for rows in by_measure.values() for row in rows[-shown_years:]}
    figure_store.preload(sorted(shown), areas=[la_code, figure_store.ENGLAND])
    performance = SchoolPerformance(urn=urn, la_code=la_code)
    known = catalogue().measures
    variant = "spe" if special else PHASE_VARIANTS.get(phase.lower(), "")
    for code, measure in known.items():
        rows = by_measure.get(code, [])[-shown_years:]
        if not rows:
            continue
        years = []
        for row in rows:
            # A count (pupils on roll) has no meaningful national comparison.
            national = (
                None
                if measure.unit == "count"
                else national_value(year=row.year, measure_code=code, variant=variant)[0]
            )
            la, _ = la_value(la_code=la_code, year=row.year, measure_code=code) if la_code else (None, "")
            value = _float(row.value)
            years.append(
                YearFigure(
                    year=row.year,
                    value=value,
                    missing_reason=row.missing_reason,
                    pupils=row.pupils,
                    national=national,
                    la=la,
                    difference_from_national=(
                        round(value - national, measure.decimals + 1)
                        if value is not None and national is not None
                        else None
                    ),
                    significance=significance(row.value, row.lower, row.upper),
                    lower=_float(row.lower),
                    upper=_float(row.upper),
                )
            )
        performance.measures.append(MeasureContext(measure=measure, years=years))
    for measure in known.values():
        if measure.scope != "disadvantaged":
            continue
        others = [m for m in known.values() if m.scope == "non_disadvantaged" and m.of == measure.of]
        for row in by_measure.get(measure.code, [])[-1:]:
            national_other = national_value(year=row.year, measure_code=others[0].code)[0] if others else None
            performance.gaps.append(Gap(measure, row.year, _float(row.value), national_other))
    figures_by_year: dict[int, dict[str, Figure]] = {}
    for result in results:
        figures_by_year.setdefault(result.year, {})[result.measure] = Figure(result.value, result.upper)
    performance.standards = school_standards(figures_by_year)
    return performance
