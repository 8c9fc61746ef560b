"""The LA performance dashboard: for one authority and year, every ranked measure with the LA's figure,
England's, the LA's rank and whether it is in the top 10%; every LA's figure for one chosen measure; how the
LA's schools spread across the national quarters of that measure; and the schools significantly below the
national average on a progress measure. "My schools" limits the school lists to an officer's caseload.

Plain functions over a handful of queries per measure (never one per school): LA figures and ranks come from
``headway.performance.benchmarks.la_figures``, significance from ``benchmarks.significance``."""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from headway.inspections.share import remembered
from headway.performance.benchmarks import COMPUTED, LaFigure, la_figures, national_value, significance
from headway.performance.catalogue import Measure, catalogue
from headway.performance.charts import BarChart, BarInput, bar_chart, figure_text, missing_text
from headway.performance.figure_store import figures_read, school_result_years
from headway.performance.models import PublishedFigure, SchoolResult
from headway.schools.models import Establishment, LocalAuthority
from headway.schools.register import reference_local_authorities
from headway.schools.selectors import caseload

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from headway.accounts.models import User

#: With fewer authorities than this having a figure, "top 10%" means nothing (1 of 1 would be in it).
TOP10_MIN_AUTHORITIES = 10
SIGNIFICANTLY_BELOW = "significantly below"
#: The four national quarters, best first, for measures where higher is better (index = band from the bottom).
QUARTER_NAMES = ("Top quarter nationally", "Second quarter", "Third quarter", "Bottom quarter nationally")


@dataclass(frozen=True)
class MeasureRank:
    """One line of the measures table: the LA against England and every other LA."""

    measure: Measure
    value_text: str
    computed: bool
    rank: int | None
    of: int
    top10: bool | None  # None: no rank, or too few authorities with a figure to speak of a top 10%
    top10_from_text: str  # the figure it takes to be in the top 10%
    england_text: str
    england_computed: bool
    value: float | None = None  # the LA's figure (what ``value_text`` prints)
    england: float | None = None


@dataclass(frozen=True)
class RankRow:
    rank: int | None
    la_code: str
    la_name: str
    value_text: str
    computed: bool
    top10: bool | None
    own: bool
    neighbour: bool


@dataclass(frozen=True)
class Band:
    label: str
    range_text: str
    schools: int


@dataclass(frozen=True)
class Distribution:
    """The LA's schools counted by the national quarter their figure falls in."""

    measure: Measure
    bands: tuple[Band, ...]
    no_figure: int
    no_figure_reasons: str
    national_schools: int
    national_authorities: int  # how many LAs those schools belong to: 1 means the quarters are only this LA's
    chart: BarChart | None

    @property
    def schools(self) -> int:
        return sum(band.schools for band in self.bands) + self.no_figure


@dataclass(frozen=True)
class BelowFigure:
    measure: Measure
    value_text: str
    interval_text: str


@dataclass(frozen=True)
class SchoolBelow:
    establishment: Establishment
    figures: tuple[BelowFigure, ...]


@dataclass(frozen=True)
class LaDashboard:
    authority: LocalAuthority
    year: int
    years: tuple[int, ...]
    measures: tuple[MeasureRank, ...]
    measure: Measure | None  # the measure of the rank table and the distribution
    measure_problem: str  # why the measure asked for was not used, if it was not
    rank_table: tuple[RankRow, ...]
    neighbours_known: bool
    distribution: Distribution | None
    below: tuple[SchoolBelow, ...]
    below_not_in_register: int
    progress_measures: tuple[Measure, ...]
    mine: bool
    caseload_size: int

    @property
    def offers_mine_filter(self) -> bool:
        """The "My schools" checkbox is offered to officers with a caseload (or when already ticked)."""
        return self.caseload_size > 0 or self.mine

    @property
    def top10_min_authorities(self) -> int:
        return TOP10_MIN_AUTHORITIES

    @property
    def own_rank(self) -> RankRow | None:
        return next((row for row in self.rank_table if row.own), None)


def dashboard_measures(year: int) -> list[Measure]:
    """Catalogue measures that are ranked (higher or lower is better) and published for ``year``."""
    return [m for m in catalogue().measures.values() if m.ranked and year in m.years]


def progress_measures(year: int) -> list[Measure]:
    """Progress measures with a confidence interval in ``year``: the ones a school can be significantly below."""
    return [
        m for m in catalogue().measures.values() if m.unit == "progress" and m.lower and m.upper and year in m.years
    ]


def dashboard_years(la_code: str | None = None) -> list[int]:
    """Years with any school or LA figure imported, latest first; with ``la_code``, only the years with results
    for that authority (its schools' results or its own published figures), so that its dashboard never opens
    on a year that has nothing of its own."""
    if la_code is None:
        years = set(school_result_years())
        figures = PublishedFigure.objects.filter(level=PublishedFigure.Level.LA)
    else:
        years = set(SchoolResult.objects.filter(la_code=la_code).values_list("year", flat=True).distinct())
        figures = PublishedFigure.objects.filter(level=PublishedFigure.Level.LA, area_code=la_code)
    years |= set(figures.values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def la_names() -> dict[str, str]:
    """Every LA code's name: DfE's reference list, overridden by the names in the register."""
    names = {code: name for code, (name, _) in reference_local_authorities().items()}
    names.update(dict(LocalAuthority.objects.values_list("code", "name")))
    return names


def statistical_neighbours_of(la_code: str) -> list[str]:
    """The LA's statistical neighbours if Headway holds any (and knows how to read them), else []."""
    try:
        from headway.performance.lait import statistical_neighbours
    except ImportError:
        return []
    return list(statistical_neighbours(la_code))


def _top10_from(figures: list[LaFigure], measure: Measure) -> float | None:
    values = [f.value for f in figures if f.top10 and f.value is not None]
    if not values:
        return None
    return min(values) if measure.higher_is_better else max(values)


def measure_rank(measure: Measure, figures: list[LaFigure], *, la_code: str, year: int) -> MeasureRank:
    own = next((f for f in figures if f.la_code == la_code), None)
    of = len(figures)
    enough = of >= TOP10_MIN_AUTHORITIES
    top10_from = _top10_from(figures, measure) if enough else None
    england, england_source = national_value(year=year, measure_code=measure.code)
    return MeasureRank(
        measure=measure,
        value_text=figure_text(own.value, measure) if own is not None and own.value is not None else "no figure",
        computed=own is not None and own.source == COMPUTED,
        rank=own.rank if own is not None else None,
        of=of,
        top10=own.top10 if own is not None and enough else None,
        top10_from_text=figure_text(top10_from, measure),
        england_text=figure_text(england, measure) or "no figure",
        england_computed=england is not None and england_source == COMPUTED,
        value=own.value if own is not None else None,
        england=england,
    )


def measure_ranks(*, la_code: str, year: int) -> tuple[dict[str, list[LaFigure]], list[MeasureRank]]:
    """Every ranked measure with figures for ``year``: all LAs' figures (by measure code) and the LA's line of
    the measures table. The dashboard page and the API both read this."""
    figures_by_measure: dict[str, list[LaFigure]] = {}
    ranks = []
    # The good-school share's schools and pupils, LA and England: worked out once; each year's published
    # figures read once and computed ones from the store.
    with remembered(), figures_read():
        for measure in dashboard_measures(year):
            figures = la_figures(year=year, measure_code=measure.code)
            if not figures:
                continue
            figures_by_measure[measure.code] = figures
            ranks.append(measure_rank(measure, figures, la_code=la_code, year=year))
    return figures_by_measure, ranks


def rank_table(measure: Measure, figures: list[LaFigure], *, la_code: str, neighbours: set[str]) -> tuple[RankRow, ...]:
    names = la_names()
    enough = len(figures) >= TOP10_MIN_AUTHORITIES
    return tuple(
        RankRow(
            rank=f.rank,
            la_code=f.la_code,
            la_name=names.get(f.la_code, f"Local authority {f.la_code}"),
            value_text=figure_text(f.value, measure),
            computed=f.source == COMPUTED,
            top10=f.top10 if enough else None,
            own=f.la_code == la_code,
            neighbour=f.la_code in neighbours,
        )
        for f in figures
    )


def _band_ranges(cuts: list[float], measure: Measure) -> list[str]:
    q1, q2, q3 = (figure_text(c, measure) for c in cuts)
    return [f"below {q1}", f"{q1} to below {q2}", f"{q2} to below {q3}", f"{q3} or above"]


def distribution(
    measure: Measure, *, year: int, la_code: str, only_urns: set[int] | None = None
) -> Distribution | None:
    """The LA's schools (state-funded; only ``only_urns`` if given) by the quarter of all schools in England
    with a figure that their figure falls in; schools with no figure counted apart, with DfE's reasons."""
    rows = list(
        SchoolResult.objects.filter(year=year, measure=measure.code)
        .exclude(school_kind="independent")
        .values_list("urn", "la_code", "value", "missing_reason")
    )
    national = [float(value) for _, _, value, _ in rows if value is not None]
    if len(national) < 4:
        return None
    cuts = statistics.quantiles(national, n=4, method="inclusive")
    counts = [0, 0, 0, 0]
    missing: Counter[str] = Counter()
    for urn, code, value, reason in rows:
        if code != la_code or (only_urns is not None and urn not in only_urns):
            continue
        if value is None:
            missing[missing_text(reason).removeprefix("no figure: ")] += 1
        else:
            counts[bisect_right(cuts, float(value))] += 1
    ranges = _band_ranges(cuts, measure)
    # Best quarter first: the highest values, or the lowest where lower is better (absence).
    order = [3, 2, 1, 0] if measure.higher_is_better else [0, 1, 2, 3]
    bands = tuple(
        Band(label=name, range_text=ranges[index], schools=counts[index])
        for name, index in zip(QUARTER_NAMES, order, strict=True)
    )
    chart = bar_chart(
        [
            BarInput(band.label, band.schools, f"{band.schools} school{'s' if band.schools != 1 else ''}", "band")
            for band in bands
        ],
        unit="count",
    )
    return Distribution(
        measure=measure,
        bands=bands,
        no_figure=sum(missing.values()),
        no_figure_reasons=", ".join(f"{reason} {count}" for reason, count in sorted(missing.items())),
        national_schools=len(national),
        national_authorities=len({code for _, code, value, _ in rows if value is not None}),
        chart=chart if any(band.schools for band in bands) else None,
    )


def significantly_below(
    *, year: int, la_code: str, visible: QuerySet[Establishment], only_urns: set[int] | None = None
) -> tuple[tuple[SchoolBelow, ...], int]:
    """The LA's schools significantly below the national average (the confidence interval of a progress score
    wholly below zero) on any progress measure in ``year``, that the user may see; and how many more there
    are that are not in the register (so cannot be shown)."""
    measures = {m.code: m for m in progress_measures(year)}
    rows = SchoolResult.objects.filter(year=year, la_code=la_code, measure__in=list(measures), upper__lt=0)
    found: dict[int, list[BelowFigure]] = {}
    for urn, code, value, lower, upper in rows.values_list("urn", "measure", "value", "lower", "upper"):
        if only_urns is not None and urn not in only_urns:
            continue
        if significance(value, lower, upper) != SIGNIFICANTLY_BELOW or value is None:
            continue
        measure = measures[code]
        interval = (
            f"{figure_text(float(lower), measure)} to {figure_text(float(upper), measure)}"
            if lower is not None and upper is not None
            else ""
        )
        found.setdefault(urn, []).append(BelowFigure(measure, figure_text(float(value), measure), interval))
    order = list(measures)
    schools = visible.filter(urn__in=list(found)).select_related("local_authority").order_by("name", "urn")
    below = tuple(
        SchoolBelow(school, tuple(sorted(found[school.urn], key=lambda f: order.index(f.measure.code))))
        for school in schools
    )
    in_register = {school.establishment.urn for school in below}
    registered = set(Establishment.objects.filter(urn__in=list(set(found) - in_register)).values_list("urn", flat=True))
    return below, len(set(found) - in_register - registered)


def la_dashboard(
    *,
    authority: LocalAuthority,
    year: int,
    measure_code: str,
    officer: User,
    visible: QuerySet[Establishment],
    mine: bool = False,
) -> LaDashboard:
    """Everything the dashboard page shows. ``measure_code`` picks the rank table's and distribution's
    measure (default: the first with figures); ``mine`` limits the school lists to ``officer``'s caseload."""
    with figures_read():
        return _la_dashboard(
            authority=authority, year=year, measure_code=measure_code, officer=officer, visible=visible, mine=mine
        )


def _la_dashboard(
    *,
    authority: LocalAuthority,
    year: int,
    measure_code: str,
    officer: User,
    visible: QuerySet[Establishment],
    mine: bool,
) -> LaDashboard:
    code = authority.code
    my_urns = set(caseload(officer).values_list("urn", flat=True))
    only = my_urns if mine else None
    figures_by_measure, ranks = measure_ranks(la_code=code, year=year)
    problem = ""
    chosen: Measure | None = None
    if measure_code in figures_by_measure:
        chosen = catalogue().get(measure_code)
    elif ranks:
        chosen = ranks[0].measure
        if measure_code:
            problem = f"There are no {year} figures to rank for “{measure_code}”. Choose a measure from the list."
    neighbours = set(statistical_neighbours_of(code))
    table = rank_table(chosen, figures_by_measure[chosen.code], la_code=code, neighbours=neighbours) if chosen else ()
    below, not_in_register = significantly_below(year=year, la_code=code, visible=visible, only_urns=only)
    return LaDashboard(
        authority=authority,
        year=year,
        years=tuple(dashboard_years(code)),
        measures=tuple(ranks),
        measure=chosen,
        measure_problem=problem,
        rank_table=table,
        neighbours_known=bool(neighbours),
        distribution=distribution(chosen, year=year, la_code=code, only_urns=only) if chosen else None,
        below=below,
        below_not_in_register=not_in_register,
        progress_measures=tuple(progress_measures(year)),
        mine=mine,
        caseload_size=len(my_urns),
    )


@dataclass(frozen=True)
class DashboardEntry:
    authority: LocalAuthority
    year: int | None  # the latest year with figures; None when nothing is imported


def dashboard_index_entries(*, authorities: QuerySet[LocalAuthority]) -> list[DashboardEntry]:
    """The authorities whose dashboards the user may open, each with the latest year that has results for it
    (not the calendar year, nor the latest year of any authority's figures)."""
    from django.db.models import Max

    ordered = list(authorities.order_by("name"))
    codes = [authority.code for authority in ordered]
    latest: dict[str, int] = {}
    for rows in (
        SchoolResult.objects.filter(la_code__in=codes).values("la_code").annotate(latest=Max("year")),
        PublishedFigure.objects.filter(level=PublishedFigure.Level.LA, area_code__in=codes)
        .values("area_code")
        .annotate(latest=Max("year")),
    ):
        for row in rows:
            code = row.get("la_code") or row["area_code"]
            latest[code] = max(latest.get(code, row["latest"]), row["latest"])
    return [DashboardEntry(authority, latest.get(authority.code)) for authority in ordered]
