"""Reading KPIs: an LA's KPI table for a year (indicator, scope, baseline, target, actual, rank, national, met).

Actual, rank and "top 10%" come from ``headway.performance.benchmarks`` (published LA figures first, else
computed from school figures, and the row says which); rank is among all LAs with a figure, 1 = best, ties
share a rank."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Max

from headway.inspections.share import remembered
from headway.performance.benchmarks import (
    COMPUTED,
    LaFigure,
    la_figures,
    national_value,
)
from headway.performance.catalogue import Measure, catalogue
from headway.performance.models import PublishedFigure, SchoolResult
from headway.strategy.models import KpiIndicator, KpiSet, TargetKind
from headway.strategy.regions import regional_value
from headway.strategy.targets import SCOPE_LABELS, format_figure, target_met, target_text

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from headway.schools.models import LocalAuthority

#: Where a baseline came from when the KPI set gave it.
FROM_KPI_SET = "kpi set"


@dataclass(frozen=True)
class KpiRow:
    """One line of the KPI table."""

    order: int
    key: str
    indicator: str
    measure: str
    measure_label: str
    scope: str
    scope_label: str
    polarity: str
    baseline_year: int | None
    baseline_value: float | None
    baseline_source: str | None  # "kpi set" | "published" | "computed" | None (no figure)
    target_kind: str
    target: str
    target_year: int | None
    actual: float | None
    actual_source: str | None  # "published" | "computed" | None
    rank: int | None
    of: int | None
    national: float | None
    national_source: str | None
    region: str = ""
    regional: float | None = None
    regional_source: str | None = None
    regional_authorities: int = 0
    met: bool | None = None
    notes: tuple[str, ...] = field(default=())
    measure_info: Measure | None = field(default=None, compare=False, repr=False)

    def show(self, value: float | None) -> str:
        """A figure of this row's measure as the table prints it."""
        return format_figure(value, self.measure_info) if self.measure_info is not None else str(value)

    @property
    def baseline_text(self) -> str:
        return self.show(self.baseline_value)

    @property
    def actual_text(self) -> str:
        return self.show(self.actual)

    @property
    def national_text(self) -> str:
        return self.show(self.national)

    @property
    def regional_text(self) -> str:
        return self.show(self.regional)

    @property
    def met_text(self) -> str:
        return "No data" if self.met is None else "Met" if self.met else "Not met"

    def as_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "measure": self.measure,
            "scope": self.scope,
            "baseline": {"year": self.baseline_year, "value": self.baseline_value, "source": self.baseline_source},
            "target": self.target,
            "target_kind": self.target_kind,
            "target_year": self.target_year,
            "actual": self.actual,
            "actual_source": self.actual_source,
            "rank": self.rank,
            "of": self.of,
            "national": self.national,
            "national_source": self.national_source,
            "regional": (
                {"region": self.region, "value": self.regional, "source": self.regional_source} if self.region else None
            ),
            "met": self.met,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class KpiReport:
    """What the KPI page and download show: the set, the year, its rows and the years one can choose."""

    local_authority: LocalAuthority
    kpi_set: KpiSet | None
    year: int
    rows: list[KpiRow]
    years: list[int]
    other_sets: list[KpiSet]

    def as_json(self) -> dict[str, Any]:
        return {
            "la": self.local_authority.code,
            "la_name": self.local_authority.name,
            "year": self.year,
            "kpi_set": self.kpi_set.name if self.kpi_set is not None else None,
            "kpis": [row.as_json() for row in self.rows],
        }


def kpi_sets_of(*, la_code: str) -> QuerySet[KpiSet]:
    """An LA's KPI sets, the most recently created first."""
    return KpiSet.objects.filter(local_authority__code=la_code).select_related("local_authority")


def current_kpi_set(*, la_code: str, name: str | None = None) -> KpiSet | None:
    """The LA's KPI set called ``name``, or its most recently created one."""
    sets = kpi_sets_of(la_code=la_code)
    if name:
        return sets.filter(name=name).first()
    return sets.order_by("-created_at", "-id").first()


def kpi_years(kpi_set: KpiSet) -> list[int]:
    """The years any of the set's measures is published for."""
    measures = catalogue().measures
    return sorted(
        {year for i in kpi_set.indicators.all() if i.measure in measures for year in measures[i.measure].years}
    )


def latest_kpi_year(kpi_set: KpiSet) -> int | None:
    """The year the KPI page opens at: the latest year with a figure for any of the set's measures, up to the
    set's last target year (a 2017-2020 strategy opens at its last year with results, not at today's); else the
    latest year they are published for."""
    years = kpi_years(kpi_set)
    codes = list(kpi_set.indicators.values_list("measure", flat=True))
    last_target = kpi_set.indicators.aggregate(last=Max("target_year"))["last"]
    with_data = sorted(
        {
            *PublishedFigure.objects.filter(measure__in=codes, year__in=years)
            .values_list("year", flat=True)
            .distinct(),
            *SchoolResult.objects.filter(measure__in=codes, year__in=years).values_list("year", flat=True).distinct(),
        }
    )
    within = [year for year in with_data if last_target is None or year <= last_target]
    if within:
        return int(within[-1])
    if with_data:
        return int(with_data[-1])
    return years[-1] if years else None


#: England rows that cover the whole of England (state-funded schools), as the importers name them; a file
#: may publish England only by phase (absence: "pri", "sec", "spe").
WHOLE_ENGLAND_VARIANTS = {"", "state-funded", "nat"}


def _national(*, year: int, measure: Measure) -> tuple[float | None, str, str]:
    """England's figure for an LA-wide KPI, and a note when DfE published England only by phase (the
    absence file: primary, secondary, special), so that ``national_value`` computed it from every school's
    figure, as the LA's own figure is."""
    value, source = national_value(year=year, measure_code=measure.code)
    variants = set(
        PublishedFigure.objects.filter(
            level=PublishedFigure.Level.ENGLAND, year=year, measure=measure.code, value__isnull=False
        ).values_list("variant", flat=True)
    )
    if source != COMPUTED or not variants or variants & WHOLE_ENGLAND_VARIANTS:
        return value, source, ""
    by_phase = f"England's figure is published only by phase ({', '.join(sorted(variants))})"
    if value is None:
        return None, COMPUTED, f"{by_phase}, so there is no national figure"
    return value, COMPUTED, f"{by_phase}: national computed from every school's figure"


def partial_ranking_below() -> int:
    """A ranking among fewer LAs than this (nine in ten of England's) is not a ranking among all LAs, and the
    table says so: the data imported covers only some authorities."""
    from headway.schools.register import reference_local_authorities

    return int(0.9 * len(reference_local_authorities()))


class _Figures:
    """Every LA's figures and England's, each measure and year read once per table."""

    def __init__(self) -> None:
        self._las: dict[tuple[int, str], list[LaFigure]] = {}
        self._national: dict[tuple[int, str], tuple[float | None, str, str]] = {}

    def las(self, year: int, code: str) -> list[LaFigure]:
        if (year, code) not in self._las:
            self._las[(year, code)] = la_figures(year=year, measure_code=code)
        return self._las[(year, code)]

    def la(self, la_code: str, year: int, code: str) -> LaFigure | None:
        return next((f for f in self.las(year, code) if f.la_code == la_code), None)

    def national(self, year: int, measure: Measure) -> tuple[float | None, str, str]:
        """England's figure, its source, and a note when it is not what ``national_value`` would give."""
        key = (year, measure.code)
        if key not in self._national:
            self._national[key] = _national(year=year, measure=measure)
        return self._national[key]


def _row(indicator: KpiIndicator, *, la_code: str, year: int, figures: _Figures) -> KpiRow:
    measure = catalogue().measures.get(indicator.measure)
    if measure is None:
        return KpiRow(
            order=indicator.order,
            key=indicator.key,
            indicator=indicator.label,
            measure=indicator.measure,
            measure_label="",
            scope="",
            scope_label="",
            polarity="",
            baseline_year=indicator.baseline_year,
            baseline_value=float(indicator.baseline_value) if indicator.baseline_value is not None else None,
            baseline_source=FROM_KPI_SET if indicator.baseline_value is not None else None,
            target_kind=indicator.target_kind,
            target=indicator.get_target_kind_display(),
            target_year=indicator.target_year,
            actual=None,
            actual_source=None,
            rank=None,
            of=None,
            national=None,
            national_source=None,
            notes=(f"{indicator.measure} is no longer in the measure catalogue",),
        )
    notes: list[str] = []
    if year not in measure.years:
        notes.append(f"{measure.label} is not published (or not comparable) for {year}")
    every = figures.las(year, measure.code)
    mine = next((f for f in every if f.la_code == la_code), None)
    if mine is None or mine.value is None:
        notes.append(f"no {year} figure for this LA in the imported data")
    elif measure.ranked and len(every) < partial_ranking_below():
        notes.append(f"ranked among only {len(every)} LAs with a figure in the imported data, not all of England's")
    national, national_source, national_note = figures.national(year, measure)
    if national_note:
        notes.append(national_note)
    baseline_value: float | None = None
    baseline_source: str | None = None
    if indicator.baseline_value is not None:
        baseline_value, baseline_source = float(indicator.baseline_value), FROM_KPI_SET
    elif indicator.baseline_year is not None:
        baseline = figures.la(la_code, indicator.baseline_year, measure.code)
        if baseline is not None and baseline.value is not None:
            baseline_value, baseline_source = baseline.value, baseline.source
        else:
            notes.append(f"baseline: no {indicator.baseline_year} figure for this LA in the imported data")
    regional = None
    if indicator.target_kind == TargetKind.AT_OR_ABOVE_REGION:
        regional = regional_value(year=year, measure_code=measure.code, region=indicator.target_region, figures=every)
        if regional.value is not None and regional.source == COMPUTED:
            notes.append(
                f"{indicator.target_region} average computed: the mean of the figures of {regional.authorities} of "
                f"its {regional.members} LAs (not pupil-weighted)"
            )
        elif regional.value is None and regional.authorities:
            notes.append(
                f"no {indicator.target_region} average: only {regional.authorities} of its {regional.members} LAs "
                "have a figure in the imported data"
            )
    actual = mine.value if mine is not None else None
    return KpiRow(
        order=indicator.order,
        key=indicator.key,
        indicator=indicator.label,
        measure=measure.code,
        measure_label=measure.label,
        scope=measure.scope,
        scope_label=SCOPE_LABELS.get(measure.scope, measure.scope),
        polarity=measure.polarity,
        baseline_year=indicator.baseline_year,
        baseline_value=baseline_value,
        baseline_source=baseline_source,
        target_kind=indicator.target_kind,
        target=target_text(
            kind=indicator.target_kind,
            measure=measure,
            target_value=indicator.target_value,
            target_region=indicator.target_region,
            of=len(every),
        ),
        target_year=indicator.target_year,
        actual=actual,
        actual_source=mine.source if mine is not None and actual is not None else None,
        rank=mine.rank if mine is not None else None,
        of=len(every) if every else None,
        national=national,
        national_source=national_source if national is not None else None,
        region=indicator.target_region,
        regional=regional.value if regional is not None else None,
        regional_source=regional.source if regional is not None and regional.value is not None else None,
        regional_authorities=regional.authorities if regional is not None else 0,
        met=target_met(
            kind=indicator.target_kind,
            measure=measure,
            actual=actual,
            rank=mine.rank if mine is not None else None,
            top10=mine.top10 if mine is not None else None,
            target_value=indicator.target_value,
            national=national,
            regional=regional.value if regional is not None else None,
        ),
        notes=tuple(notes),
        measure_info=measure,
    )


def kpi_table(*, la_code: str, year: int, kpi_set: KpiSet | None = None) -> list[KpiRow]:
    """The LA's KPI table for a year, from ``kpi_set`` (default: its current set); empty without a set."""
    chosen = kpi_set if kpi_set is not None else current_kpi_set(la_code=la_code)
    if chosen is None:
        return []
    figures = _Figures()
    with remembered():  # figures worked out from inspections (the good-school share): once per date
        return [_row(indicator, la_code=la_code, year=year, figures=figures) for indicator in chosen.indicators.all()]


def kpi_report(*, authority: LocalAuthority, year: int | None = None, set_name: str | None = None) -> KpiReport:
    """The KPI table of an authority's set (``set_name``, else its current one) for ``year`` (else the latest
    year with data), with the years and other sets one can choose."""
    kpi_set = current_kpi_set(la_code=authority.code, name=set_name)
    others = [s for s in kpi_sets_of(la_code=authority.code) if kpi_set is None or s.pk != kpi_set.pk]
    if kpi_set is None:
        return KpiReport(authority, None, year or 0, [], [], others)
    chosen_year = year if year is not None else latest_kpi_year(kpi_set) or 0
    rows = kpi_table(la_code=authority.code, year=chosen_year, kpi_set=kpi_set)
    return KpiReport(authority, kpi_set, chosen_year, rows, kpi_years(kpi_set), others)


@dataclass(frozen=True)
class KpiIndexEntry:
    local_authority: LocalAuthority
    kpi_set: KpiSet
    year: int | None


def kpi_index(*, authorities: QuerySet[LocalAuthority]) -> list[KpiIndexEntry]:
    """The authorities (of those given) that have a KPI set, each with its current set and latest year."""
    entries = []
    for authority in authorities.filter(kpi_sets__isnull=False).distinct().order_by("name"):
        kpi_set = current_kpi_set(la_code=authority.code)
        if kpi_set is not None:
            entries.append(KpiIndexEntry(authority, kpi_set, latest_kpi_year(kpi_set)))
    return entries
