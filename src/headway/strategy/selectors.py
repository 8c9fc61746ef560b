"""Reading KPIs: an LA's KPI table for a year (indicator, scope, baseline, target, actual, rank, national, met),
grouped by sub-board and owner.

Actual, rank and "top 10%" come from ``headway.performance.benchmarks`` (published LA figures first, else
computed from school figures, and the row says which); rank is among all LAs with a figure, 1 = best, ties
share a rank. Where there is no public figure, an actual the LA entered itself (``LocalActual``) is shown and
marked as locally entered. The target is the year's own (``KpiTarget``) when the indicator has one a year."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
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
from headway.performance.figure_store import figures_read, published_year
from headway.performance.models import PublishedFigure, SchoolResult
from headway.strategy.definitions import local_measure
from headway.strategy.models import Comparator, KpiIndicator, KpiSet, KpiTarget, LocalActual, TargetKind
from headway.strategy.regions import RegionalFigure, regional_top_quartile, regional_value
from headway.strategy.targets import (
    SCOPE_LABELS,
    SCOPE_NOUNS,
    comparator_text,
    format_figure,
    higher_of,
    target_met,
    target_text,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from headway.schools.models import LocalAuthority

#: Where a baseline came from when the KPI set gave it.
FROM_KPI_SET = "kpi set"
#: Where a figure came from when the LA entered it itself.
LOCAL = "local"


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
    indicator_id: int | None = None
    group: str = ""
    owner: str = ""
    local: bool = False  # a figure the LA enters itself: no public figure, rank or national
    local_actual: float | None = None  # what the LA entered for the year, if anything
    local_source: str = ""
    comparator: str = ""  # a higher_of target's comparator, in words
    comparator_value: float | None = None
    previous_year: int | None = None  # a reduce_year_on_year target's year before
    previous: float | None = None

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
    def local_actual_text(self) -> str:
        return self.show(self.local_actual)

    @property
    def comparator_value_text(self) -> str:
        return self.show(self.comparator_value)

    @property
    def previous_text(self) -> str:
        return self.show(self.previous)

    @property
    def has_target(self) -> bool:
        return self.target_kind != TargetKind.NONE

    @property
    def met_text(self) -> str:
        """Met, Not met, No data (a figure the target needs is missing: never "Not met"), or No target."""
        if not self.has_target:
            return "No target"
        return "No data" if self.met is None else "Met" if self.met else "Not met"

    @property
    def takes_local_actual(self) -> bool:
        """LA staff may enter an actual for the year: a local indicator, or no public figure for the year."""
        return self.indicator_id is not None and (self.local or self.actual_source in (None, LOCAL))

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "indicator": self.indicator,
            "group": self.group,
            "owner": self.owner,
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
            "met_text": self.met_text,
            "local_actual": (
                {"value": self.local_actual, "source": self.local_source} if self.local_actual is not None else None
            ),
            "comparator": ({"of": self.comparator, "value": self.comparator_value} if self.comparator else None),
            "previous": (
                {"year": self.previous_year, "value": self.previous} if self.previous_year is not None else None
            ),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class KpiGroup:
    """The indicators one sub-board (and owner) answers for."""

    name: str
    owner: str
    rows: list[KpiRow]


def grouped(rows: list[KpiRow]) -> list[KpiGroup]:
    """Rows by (group, owner), each group where its first indicator is, indicators in the set's order."""
    found: dict[tuple[str, str], list[KpiRow]] = {}
    for row in rows:
        found.setdefault((row.group, row.owner), []).append(row)
    return [KpiGroup(name, owner, members) for (name, owner), members in found.items()]


@dataclass(frozen=True)
class KpiReport:
    """What the KPI page and download show: the set, the year, its rows and the years one can choose."""

    local_authority: LocalAuthority
    kpi_set: KpiSet | None
    year: int
    rows: list[KpiRow]
    years: list[int]
    other_sets: list[KpiSet]

    @property
    def groups(self) -> list[KpiGroup]:
        return grouped(self.rows)

    @property
    def caption(self) -> str:
        name = self.kpi_set.name if self.kpi_set is not None else "KPIs"
        return f"{name}: {self.local_authority.name}, {self.year}"

    @property
    def is_grouped(self) -> bool:
        return any(row.group or row.owner for row in self.rows)

    def as_json(self) -> dict[str, Any]:
        return {
            "la": self.local_authority.code,
            "la_name": self.local_authority.name,
            "year": self.year,
            "kpi_set": self.kpi_set.name if self.kpi_set is not None else None,
            "kpis": [row.as_json() for row in self.rows],
            "groups": [{"group": g.name, "owner": g.owner, "kpis": [r.key for r in g.rows]} for g in self.groups],
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
    """The years any of the set's measures is published for, and those the LA entered actuals for."""
    measures = catalogue().measures
    return sorted(
        {year for i in kpi_set.indicators.all() if i.measure in measures for year in measures[i.measure].years}
        | set(LocalActual.objects.filter(indicator__kpi_set=kpi_set).values_list("year", flat=True))
    )


def _last_target_year(kpi_set: KpiSet) -> int | None:
    years = [
        kpi_set.indicators.aggregate(last=Max("target_year"))["last"],
        KpiTarget.objects.filter(indicator__kpi_set=kpi_set).aggregate(last=Max("year"))["last"],
    ]
    found = [year for year in years if year is not None]
    return max(found) if found else None


def latest_kpi_year(kpi_set: KpiSet) -> int | None:
    """The year the KPI page opens at: the latest year with a figure for any of the set's measures, up to the
    set's last target year (a 2017-2020 strategy opens at its last year with results, not at today's); else the
    latest year they are published for."""
    years = kpi_years(kpi_set)
    measures = catalogue().measures
    codes: set[str] = set()
    for code in kpi_set.indicators.exclude(measure="").values_list("measure", flat=True):
        measure = measures.get(code)
        codes.add(code)
        if measure is not None and measure.is_gap:
            codes.add(measure.gap_of)
    last_target = _last_target_year(kpi_set)
    with_data = sorted(
        {
            *PublishedFigure.objects.filter(measure__in=codes, year__in=years)
            .values_list("year", flat=True)
            .distinct(),
            *SchoolResult.objects.filter(measure__in=codes, year__in=years).values_list("year", flat=True).distinct(),
            *LocalActual.objects.filter(indicator__kpi_set=kpi_set).values_list("year", flat=True),
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
    variants = {
        variant
        for (code, _), rows in published_year(year).england.items()
        if code == measure.code
        for variant, _ in rows
    }
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


@dataclass(frozen=True)
class ChosenTarget:
    """The target a year's table applies: the year's own (``KpiTarget``), the last listed for a later year, or
    the indicator's target for every year."""

    kind: str
    value: Decimal | None = None
    region: str = ""
    comparator: str = ""
    year: int | None = None


def target_for_year(indicator: KpiIndicator, year: int, year_targets: list[KpiTarget]) -> tuple[ChosenTarget, str]:
    """The target for ``year`` and, when there is none for it, a note saying so."""
    if not year_targets:
        return (
            ChosenTarget(
                indicator.target_kind,
                indicator.target_value,
                indicator.target_region,
                indicator.target_comparator,
                indicator.target_year,
            ),
            "",
        )
    by_year = {target.year: target for target in year_targets}
    chosen = by_year.get(year)
    if chosen is None:
        earlier = [target for target in year_targets if target.year < year]
        if not earlier:
            listed = ", ".join(str(t.year) for t in sorted(year_targets, key=lambda t: t.year))
            return ChosenTarget(TargetKind.NONE), f"no target for {year} (targets are set for {listed})"
        chosen = max(earlier, key=lambda t: t.year)
    return ChosenTarget(chosen.kind, chosen.value, chosen.region, chosen.comparator, chosen.year), ""


def _measure_of(indicator: KpiIndicator) -> Measure | None:
    if indicator.measure:
        return catalogue().measures.get(indicator.measure)
    return local_measure(
        label=indicator.label,
        unit=indicator.local_unit,
        polarity=indicator.local_polarity or "none",
        decimals=indicator.local_decimals,
    )


def _unknown_measure_row(indicator: KpiIndicator, chosen: ChosenTarget) -> KpiRow:
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
        target_kind=chosen.kind,
        target=TargetKind(chosen.kind).label if chosen.kind in TargetKind.values else chosen.kind,
        target_year=chosen.year,
        actual=None,
        actual_source=None,
        rank=None,
        of=None,
        national=None,
        national_source=None,
        notes=(f"{indicator.measure} is no longer in the measure catalogue",),
        indicator_id=indicator.pk,
        group=indicator.group,
        owner=indicator.owner,
    )


def _regional(chosen: ChosenTarget, *, year: int, measure: Measure, every: list[LaFigure]) -> RegionalFigure | None:
    """The regional figure a target compares with: the region's average, or its top quartile."""
    if chosen.kind == TargetKind.AT_OR_ABOVE_REGION or (
        chosen.kind == TargetKind.HIGHER_OF and chosen.comparator == Comparator.REGION
    ):
        return regional_value(year=year, measure_code=measure.code, region=chosen.region, figures=every)
    if chosen.kind == TargetKind.HIGHER_OF and chosen.comparator == Comparator.REGION_TOP_QUARTILE:
        return regional_top_quartile(year=year, measure_code=measure.code, region=chosen.region, figures=every)
    return None


def _regional_notes(chosen: ChosenTarget, regional: RegionalFigure) -> list[str]:
    what = (
        f"{chosen.region}'s top quartile"
        if chosen.comparator == Comparator.REGION_TOP_QUARTILE
        else f"{chosen.region} average"
    )
    if regional.value is not None and regional.source == COMPUTED:
        of = f"{regional.authorities} of its {regional.members} LAs"
        if chosen.comparator == Comparator.REGION_TOP_QUARTILE:
            return [f"{what} computed: the figure of the LA at the quarter, best first, of {of}"]
        return [f"{what} computed: the mean of the figures of {of} (not pupil-weighted)"]
    if regional.value is None and regional.authorities:
        return [
            f"no {what}: only {regional.authorities} of its {regional.members} LAs have a figure in the imported data"
        ]
    return []


def _gap_note(measure: Measure, *, la_code: str, year: int, figures: _Figures) -> str:
    known = catalogue().measures
    mine = figures.la(la_code, year, measure.gap_of)
    against, _, _ = figures.national(year, known[measure.gap_against])
    if mine is None or mine.value is None or against is None:
        return ""
    of_measure, against_measure = known[measure.gap_of], known[measure.gap_against]
    return (
        f"gap: {format_figure(mine.value, of_measure)} (the LA's {SCOPE_NOUNS.get(of_measure.scope, 'pupils')}) "
        f"minus {format_figure(against, against_measure)} ({SCOPE_NOUNS.get(against_measure.scope, 'pupils')} "
        "nationally)"
    )


def _previous(
    indicator: KpiIndicator,
    measure: Measure,
    *,
    la_code: str,
    year: int,
    figures: _Figures,
    actuals: dict[int, LocalActual],
) -> tuple[int | None, float | None]:
    """The year before (the measure's previous published year, or the LA's previous entry) and its figure."""
    if indicator.measure:
        earlier = [y for y in measure.years if y < year]
        previous_year = max(earlier) if earlier else None
        if previous_year is None:
            return None, None
        found = figures.la(la_code, previous_year, measure.code)
        if found is not None and found.value is not None:
            return previous_year, found.value
        entered = actuals.get(previous_year)
        return previous_year, float(entered.value) if entered is not None else None
    entered_years = [y for y in actuals if y < year]
    if not entered_years:
        return None, None
    previous_year = max(entered_years)
    return previous_year, float(actuals[previous_year].value)


def _row(
    indicator: KpiIndicator,
    *,
    la_code: str,
    year: int,
    figures: _Figures,
    year_targets: list[KpiTarget],
    actuals: dict[int, LocalActual],
) -> KpiRow:
    chosen, target_note = target_for_year(indicator, year, year_targets)
    measure = _measure_of(indicator)
    if measure is None:
        return _unknown_measure_row(indicator, chosen)
    local = not indicator.measure
    notes: list[str] = [target_note] if target_note else []
    entered = actuals.get(year)
    every: list[LaFigure] = []
    mine: LaFigure | None = None
    national: float | None = None
    national_source = ""
    if not local:
        if year not in measure.years:
            notes.append(f"{measure.label} is not published (or not comparable) for {year}")
        every = figures.las(year, measure.code)
        mine = next((f for f in every if f.la_code == la_code), None)
        national, national_source, national_note = figures.national(year, measure)
        if mine is None or mine.value is None:
            if entered is None:
                notes.append(f"no {year} figure for this LA in the imported data")
        elif measure.ranked and len(every) < partial_ranking_below():
            notes.append(f"ranked among only {len(every)} LAs with a figure in the imported data, not all of England's")
        if national_note:
            notes.append(national_note)
        if measure.is_gap and mine is not None and mine.value is not None:
            gap_note = _gap_note(measure, la_code=la_code, year=year, figures=figures)
            if gap_note:
                notes.append(gap_note)
    actual = mine.value if mine is not None else None
    actual_source = mine.source if mine is not None and actual is not None else None
    rank = mine.rank if mine is not None and actual is not None else None
    if entered is not None:
        if actual is None:
            actual, actual_source = float(entered.value), LOCAL
            notes.append(f"entered locally: {entered.source}")
        else:
            notes.append(
                f"also entered locally: {format_figure(entered.value, measure)} ({entered.source}); the table shows "
                "the public figure"
            )
    elif local:
        notes.append(f"entered locally: no figure entered for {year}")
    baseline_value: float | None = None
    baseline_source: str | None = None
    if indicator.baseline_value is not None:
        baseline_value, baseline_source = float(indicator.baseline_value), FROM_KPI_SET
    elif indicator.baseline_year is not None:
        baseline = None if local else figures.la(la_code, indicator.baseline_year, measure.code)
        baseline_entered = actuals.get(indicator.baseline_year)
        if baseline is not None and baseline.value is not None:
            baseline_value, baseline_source = baseline.value, baseline.source
        elif baseline_entered is not None:
            baseline_value, baseline_source = float(baseline_entered.value), LOCAL
        else:
            notes.append(f"baseline: no {indicator.baseline_year} figure for this LA in the imported data")
    regional = None if local else _regional(chosen, year=year, measure=measure, every=every)
    if regional is not None:
        notes.extend(_regional_notes(chosen, regional))
    comparator = ""
    comparator_value: float | None = None
    if chosen.kind == TargetKind.HIGHER_OF:
        comparator = comparator_text(chosen.comparator, chosen.region)
        comparator_value = regional.value if regional is not None else national
        figure = higher_of(chosen.value, comparator_value)
        if figure is not None:
            notes.append(
                f"target this year: {format_figure(figure, measure)} ({comparator}: "
                f"{format_figure(comparator_value, measure)})"
            )
    previous_year: int | None = None
    previous: float | None = None
    if chosen.kind == TargetKind.REDUCE_YEAR_ON_YEAR:
        previous_year, previous = _previous(
            indicator, measure, la_code=la_code, year=year, figures=figures, actuals=actuals
        )
        if previous_year is None:
            notes.append(f"no year before {year} to compare with")
        elif previous is None:
            notes.append(f"no {previous_year} figure to compare with")
        else:
            notes.append(f"{previous_year}: {format_figure(previous, measure)}")
    return KpiRow(
        order=indicator.order,
        key=indicator.key,
        indicator=indicator.label,
        measure=measure.code,
        measure_label=measure.label if not local else "Entered locally",
        scope=measure.scope,
        scope_label=SCOPE_LABELS.get(measure.scope, measure.scope) if not local else "Entered locally",
        polarity=measure.polarity,
        baseline_year=indicator.baseline_year,
        baseline_value=baseline_value,
        baseline_source=baseline_source,
        target_kind=chosen.kind,
        target=target_text(
            kind=chosen.kind,
            measure=measure,
            target_value=chosen.value,
            target_region=chosen.region,
            of=len(every),
            comparator=chosen.comparator,
        ),
        target_year=chosen.year,
        actual=actual,
        actual_source=actual_source,
        rank=rank,
        of=len(every) if every else None,
        national=national,
        national_source=national_source if national is not None else None,
        region=chosen.region,
        regional=regional.value if regional is not None else None,
        regional_source=regional.source if regional is not None and regional.value is not None else None,
        regional_authorities=regional.authorities if regional is not None else 0,
        met=target_met(
            kind=chosen.kind,
            measure=measure,
            actual=actual,
            rank=rank,
            top10=mine.top10 if mine is not None and actual_source != LOCAL else None,
            target_value=chosen.value,
            national=national,
            regional=regional.value if regional is not None else None,
            of=len(every) if every else None,
            comparator_value=comparator_value,
            previous=previous,
        ),
        notes=tuple(notes),
        measure_info=measure,
        indicator_id=indicator.pk,
        group=indicator.group,
        owner=indicator.owner,
        local=local,
        local_actual=float(entered.value) if entered is not None else None,
        local_source=entered.source if entered is not None else "",
        comparator=comparator,
        comparator_value=comparator_value,
        previous_year=previous_year,
        previous=previous,
    )


def kpi_table(*, la_code: str, year: int, kpi_set: KpiSet | None = None) -> list[KpiRow]:
    """The LA's KPI table for a year, from ``kpi_set`` (default: its current set); empty without a set."""
    chosen = kpi_set if kpi_set is not None else current_kpi_set(la_code=la_code)
    if chosen is None:
        return []
    figures = _Figures()
    indicators = chosen.indicators.prefetch_related("year_targets", "local_actuals")
    # Figures worked out from inspections (the good-school share): once per date; each year's published
    # figures read once, computed ones from the store (``headway.performance.figure_store``).
    with remembered(), figures_read():
        return [
            _row(
                indicator,
                la_code=la_code,
                year=year,
                figures=figures,
                year_targets=list(indicator.year_targets.all()),
                actuals={actual.year: actual for actual in indicator.local_actuals.all()},
            )
            for indicator in indicators
        ]


def kpi_row(*, indicator: KpiIndicator, year: int) -> KpiRow:
    """One indicator's line of the table for a year."""
    with remembered(), figures_read():
        return _row(
            indicator,
            la_code=indicator.kpi_set.local_authority.code,
            year=year,
            figures=_Figures(),
            year_targets=list(indicator.year_targets.all()),
            actuals={actual.year: actual for actual in indicator.local_actuals.all()},
        )


def indicator_for(*, authority: LocalAuthority, indicator_id: int) -> KpiIndicator | None:
    """One of the authority's indicators, with its set; None if the authority has no such indicator."""
    return (
        KpiIndicator.objects.filter(pk=indicator_id, kpi_set__local_authority=authority)
        .select_related("kpi_set", "kpi_set__local_authority")
        .first()
    )


def local_actual_of(indicator: KpiIndicator, year: int) -> LocalActual | None:
    return indicator.local_actuals.filter(year=year).first()


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


# --- a KPI set's indicators, as its page lists them -----------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator of a set as the set's page lists it: what it measures and its targets, in words."""

    indicator: KpiIndicator
    measured_by: str
    baseline: str
    targets: tuple[str, ...]


def kpi_set_indicators(kpi_set: KpiSet) -> list[IndicatorLine]:
    """The set's indicators in order, with what each measures, its baseline and its targets in words."""
    from headway.strategy.definitions import IndicatorDefinition, indicator_measure

    lines: list[IndicatorLine] = []
    measures = catalogue().measures
    for indicator in kpi_set.indicators.order_by("order", "id").prefetch_related("year_targets"):
        measure = indicator_measure(
            IndicatorDefinition(
                key=indicator.key,
                order=indicator.order,
                label=indicator.label,
                measure=indicator.measure,
                target_kind=indicator.target_kind,
                local_unit=indicator.local_unit,
                local_polarity=indicator.local_polarity,
                local_decimals=indicator.local_decimals,
            )
        )
        catalogued = measures.get(indicator.measure)
        measured_by = catalogued.label if catalogued is not None else "The LA's own figure, entered each year"
        if measure is None:
            lines.append(IndicatorLine(indicator, measured_by, "", ()))
            continue
        baseline = ""
        if indicator.baseline_year is not None:
            figure = (
                format_figure(indicator.baseline_value, measure)
                if indicator.baseline_value is not None
                else "from the published figures"
            )
            baseline = f"{indicator.baseline_year}: {figure}"
        year_targets = list(indicator.year_targets.all())
        if year_targets:
            targets = tuple(
                f"{t.year}: {_target_words(measure, t.kind, t.value, t.region, t.comparator)}" for t in year_targets
            )
        else:
            every = _target_words(
                measure,
                indicator.target_kind,
                indicator.target_value,
                indicator.target_region,
                indicator.target_comparator,
            )
            targets = (f"Every year: {every}",)
        lines.append(IndicatorLine(indicator, measured_by, baseline, targets))
    return lines


def _target_words(measure: Measure, kind: str, value: Decimal | None, region: str, comparator: str) -> str:
    return target_text(
        kind=kind, measure=measure, target_value=value, target_region=region, of=None, comparator=comparator
    )
