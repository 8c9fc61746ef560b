"""LA, regional and national figures for a measure, every LA's rank, and a school against them.

Published figures come first (the LA and England rows of DfE's files, then DfE's LA benchmarking data);
where none is published, an LA's figure is the pupil-weighted mean of its state-funded schools' figures
(mainstream and special; independent schools never count), and says so. Measures of a dataset marked
``from_inspections`` (the good-school share) are always computed, from Ofsted's inspections, by
``headway.inspections.share``. A gap (``gap: {of, against}`` in the catalogue) is the LA's ``of`` figure minus
England's ``against`` figure, and says it is derived."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from headway.performance import figure_store
from headway.performance.catalogue import Measure, catalogue
from headway.performance.models import PublishedFigure, SchoolResult

PUBLISHED = "published"
#: A national figure is computed from school rows only when schools of this many LAs have a figure.
MIN_LAS_FOR_ENGLAND = 100
COMPUTED = "computed"
#: A gap worked out from DfE's published figures (the LA's group against England's other pupils).
DERIVED = "derived"
#: Published sources, most authoritative first: DfE's LA benchmarking data carries revised (final) figures,
#: while a performance-table file may be the provisional release.
SOURCE_ORDER = (PublishedFigure.Source.LAIT, PublishedFigure.Source.PERFORMANCE_TABLES)

if TYPE_CHECKING:
    import polars as pl  # imported where used: a page that never computes a figure does not load it


@dataclass(frozen=True)
class LaFigure:
    la_code: str
    value: float | None
    source: str  # "published" | "computed"
    rank: int | None
    of: int
    top10: bool | None


def school_results_frame(*, year: int, measures: list[str], la_code: str | None = None) -> pl.DataFrame:
    """School figures of one year as a frame: urn, la_code, measure, value, pupils, school_kind."""
    import polars as pl
    from django.db.models import FloatField
    from django.db.models.functions import Cast

    from headway.queries import stored_frame

    results = SchoolResult.objects.filter(year=year, measure__in=measures).annotate(value_f=Cast("value", FloatField()))
    if la_code is not None:
        results = results.filter(la_code=la_code)
    # the figures cast to floats in the query, read as the driver gives them (no conversion value by value)
    return stored_frame(
        results,
        ("urn", "la_code", "measure", "value_f", "pupils", "school_kind"),
        {
            "urn": pl.Int64,
            "la_code": pl.Utf8,
            "measure": pl.Utf8,
            "value": pl.Float64,
            "pupils": pl.Int64,
            "school_kind": pl.Utf8,
        },
    )


def weighted_la_values(frame: pl.DataFrame, *, weights: pl.DataFrame | None = None) -> pl.DataFrame:
    """Pupil-weighted mean per LA of one measure's school figures: la_code, value, pupils, schools.

    ``frame`` has la_code, value, pupils (and school_kind); ``weights`` (urn, weight) replaces ``pupils``
    when the measure is weighted by another measure (absence by pupils on roll)."""
    import polars as pl

    data = frame.filter(
        pl.col("value").is_not_null() & (pl.col("la_code") != "") & (pl.col("school_kind") != "independent")
    )
    if weights is not None:
        data = data.drop("pupils").join(weights.rename({"weight": "pupils"}), on="urn", how="left")
        data = data.with_columns(pl.col("pupils").fill_null(0))
    data = data.filter(pl.col("pupils").is_not_null() & (pl.col("pupils") > 0))
    return (
        data.group_by("la_code")
        .agg(
            ((pl.col("value") * pl.col("pupils")).sum() / pl.col("pupils").sum()).alias("value"),
            pl.col("pupils").sum().alias("pupils"),
            pl.len().alias("schools"),
        )
        .sort("la_code")
    )


def rank_values(values: dict[str, float], *, higher_is_better: bool) -> dict[str, int]:
    """1 = best; equal values share the better rank (1, 2, 2, 4)."""
    ordered = sorted(values.values(), reverse=higher_is_better)
    first_position: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {code: first_position[value] for code, value in values.items()}


def in_top_10_percent(rank: int, of: int) -> bool:
    """Top 10% of LAs: rank 15 or better of 152; otherwise the best tenth of those with a value."""
    return rank <= math.floor(of / 10)


def published_la_values(*, year: int, measure: str) -> dict[str, float]:
    """LA figures from one published source, so that a ranking never mixes releases (LAIT's revised
    figures with a provisional file's): the source covering most LAs, the more authoritative on a tie."""
    by_source: dict[str, dict[str, float]] = {}
    if figure_store.current_book() is not None:  # one page: the year's published figures are read once
        published = figure_store.published_year(year)
        for source in SOURCE_ORDER:
            by_source[source] = dict(published.la.get((measure, source), {}))
    for source in SOURCE_ORDER:
        if source in by_source:
            continue
        by_source[source] = {
            code: float(value)
            for code, value in PublishedFigure.objects.filter(
                level=PublishedFigure.Level.LA, year=year, measure=measure, source=source, value__isnull=False
            ).values_list("area_code", "value")
            if value is not None
        }
    best = max(SOURCE_ORDER, key=lambda source: (len(by_source[source]), -SOURCE_ORDER.index(source)))
    return by_source[best]


def inspection_figure(measure: Measure) -> str:
    """The good-school share figure (``schools_pct`` or ``pupils_pct``) a measure worked out from inspections
    names; '' for a measure read from published files."""
    return measure.columns[0] if catalogue().datasets[measure.dataset].from_inspections else ""


def _settings_tallies(*, as_of: dt.date, la_code: str | None = None) -> dict[str, tuple[int, int]]:
    """Early years settings' tallies (``headway.earlyyears.selectors.settings_tallies``): once per date inside
    ``figure_store.figures_read`` (the LA figures and England's read the same)."""
    from headway.earlyyears.selectors import settings_tallies

    book = figure_store.current_book()
    if book is None:
        return settings_tallies(as_of=as_of, la_code=la_code)
    key = (as_of, la_code)
    if key not in book.settings:
        book.settings[key] = settings_tallies(as_of=as_of, la_code=la_code)
    return book.settings[key]


def _settings_values(*, year: int, measure: Measure, la_code: str | None = None) -> dict[str, float]:
    """Each LA's share of inspected active early years settings that are good or better, as on 31 August."""
    from headway.inspections.share import as_of_for_year

    found = _settings_tallies(as_of=as_of_for_year(year), la_code=la_code)
    return {
        code: round(100 * good / inspected, measure.decimals) for code, (inspected, good) in found.items() if inspected
    }


def _inspection_values(*, year: int, measure: Measure, la_code: str | None = None) -> dict[str, float]:
    """LA figures of a measure worked out from inspections (``headway.inspections.share``), as on 31 August
    of ``year``, for the measure's phase."""
    from headway.inspections.share import as_of_for_year, tallies

    figure = inspection_figure(measure)
    if figure == "settings_pct":
        return _settings_values(year=year, measure=measure, la_code=la_code)
    every = tallies(as_of=as_of_for_year(year), phase=measure.phase, la_code=la_code)
    found = {code: t.figure(figure) for code, t in every.items()}
    return {code: round(value, measure.decimals) for code, value in found.items() if value is not None}


def _inspection_national(*, year: int, measure: Measure) -> float | None:
    from headway.inspections.share import Tally, as_of_for_year, tallies

    if inspection_figure(measure) == "settings_pct":
        every = _settings_tallies(as_of=as_of_for_year(year))
        if len(every) < MIN_LAS_FOR_ENGLAND:
            return None
        inspected = sum(i for i, _ in every.values())
        good = sum(g for _, g in every.values())
        return round(100 * good / inspected, measure.decimals) if inspected else None

    by_la = tallies(as_of=as_of_for_year(year), phase=measure.phase)
    if sum(1 for t in by_la.values() if t.schools) < MIN_LAS_FOR_ENGLAND:
        return None  # a handful of LAs' schools are not England
    value = sum(by_la.values(), Tally()).figure(inspection_figure(measure))
    return round(value, measure.decimals) if value is not None else None


def _weights(weight_frame: pl.DataFrame | None) -> pl.DataFrame | None:
    import polars as pl

    return None if weight_frame is None else weight_frame.select("urn", pl.col("value").alias("weight"))


def values_from_frame(frame: pl.DataFrame, weight_frame: pl.DataFrame | None, measure: Measure) -> dict[str, float]:
    """Every LA's pupil-weighted figure from one measure's school rows (and its weight measure's, if any)."""
    table = weighted_la_values(frame, weights=_weights(weight_frame))
    return {code: round(value, measure.decimals) for code, value in table.select("la_code", "value").iter_rows()}


def national_from_frame(frame: pl.DataFrame, weight_frame: pl.DataFrame | None, measure: Measure) -> float | None:
    """England's pupil-weighted figure from one measure's school rows; None from fewer than
    ``MIN_LAS_FOR_ENGLAND`` LAs' schools."""
    import polars as pl

    if frame.filter(pl.col("value").is_not_null())["la_code"].n_unique() < MIN_LAS_FOR_ENGLAND:
        return None  # a handful of LAs' schools are not England
    frame = frame.with_columns(pl.lit("england").alias("la_code"))
    table = weighted_la_values(frame, weights=_weights(weight_frame))
    if table.is_empty():
        return None
    return round(float(table["value"][0]), measure.decimals)


def computed_la_values(*, year: int, measure: Measure) -> dict[str, float]:
    """Every LA's figure worked out from its schools (stored once per change of the school results, see
    ``headway.performance.figure_store``), or from inspections."""
    if inspection_figure(measure):
        return _inspection_values(year=year, measure=measure)
    return dict(figure_store.computed_year(year).la.get(measure.code, {}))


def _gap_values(*, year: int, measure: Measure) -> dict[str, tuple[float, str]]:
    """Every LA's gap: its ``gap_of`` figure minus England's ``gap_against`` figure; none without England's."""
    against, against_source = national_value(year=year, measure_code=measure.gap_against)
    if against is None:
        return {}
    return {
        figure.la_code: (
            round(figure.value - against, measure.decimals),
            COMPUTED if COMPUTED in (figure.source, against_source) else DERIVED,
        )
        for figure in la_figures(year=year, measure_code=measure.gap_of)
        if figure.value is not None
    }


def la_figures(*, year: int, measure_code: str) -> list[LaFigure]:
    """Every LA's figure for a measure in a year (published first, else computed), with rank and top 10%."""
    book = figure_store.current_book()
    if book is not None and (year, measure_code) in book.la_figures:
        return book.la_figures[(year, measure_code)]
    figures = _la_figures(year=year, measure_code=measure_code)
    if book is not None:
        book.la_figures[(year, measure_code)] = figures
    return figures


def _la_figures(*, year: int, measure_code: str) -> list[LaFigure]:
    measure = catalogue().get(measure_code)
    values: dict[str, tuple[float, str]]
    if measure.is_gap:
        values = _gap_values(year=year, measure=measure)
    else:
        published = published_la_values(year=year, measure=measure_code)
        computed = computed_la_values(year=year, measure=measure)
        values = {code: (value, COMPUTED) for code, value in computed.items()}
        values.update({code: (value, PUBLISHED) for code, value in published.items()})
    ranks = (
        rank_values({c: v for c, (v, _) in values.items()}, higher_is_better=measure.higher_is_better)
        if measure.ranked
        else {}
    )
    of = len(values)
    return [
        LaFigure(
            la_code=code,
            value=value,
            source=source,
            rank=ranks.get(code),
            of=of,
            top10=in_top_10_percent(ranks[code], of) if code in ranks else None,
        )
        for code, (value, source) in sorted(values.items(), key=lambda item: (ranks.get(item[0], 0), item[0]))
    ]


def la_figure(*, la_code: str, year: int, measure_code: str) -> LaFigure | None:
    return next((f for f in la_figures(year=year, measure_code=measure_code) if f.la_code == la_code), None)


def national_value(*, year: int, measure_code: str, variant: str = "") -> tuple[float | None, str]:
    """England's figure: published if any (the ``variant`` asked for, e.g. "pri" for the primary row of the
    census, else state-funded schools), else pupil-weighted from school rows. A gap's is England's ``gap_of``
    figure minus England's ``gap_against`` figure."""
    measure = catalogue().get(measure_code)
    if measure.is_gap:
        mine, mine_source = national_value(year=year, measure_code=measure.gap_of, variant=variant)
        against, against_source = national_value(year=year, measure_code=measure.gap_against, variant=variant)
        if mine is None or against is None:
            return None, DERIVED
        source = COMPUTED if COMPUTED in (mine_source, against_source) else DERIVED
        return round(mine - against, measure.decimals), source
    published = _published_national(year=year, measure_code=measure_code, variant=variant)
    if published is not None:
        return published, PUBLISHED
    if inspection_figure(measure):
        return _inspection_national(year=year, measure=measure), COMPUTED
    if measure.unit == "progress" and measure.scope == "all":
        # DfE's progress scores are relative to all pupils nationally: England is 0 by definition (not for a
        # group of pupils: disadvantaged pupils' Progress 8 is below 0).
        return 0.0, PUBLISHED
    return figure_store.computed_for(year, figure_store.ENGLAND).england.get(measure_code), COMPUTED


#: England rows that stand for the whole of England when no phase (``variant``) is asked for.
WHOLE_ENGLAND = ("", "state-funded", "nat")


def _published_national(*, year: int, measure_code: str, variant: str) -> float | None:
    """England's published figure from the most authoritative source with one: the ``variant`` asked for if
    published, else the whole of England's; None if none is published."""
    book = figure_store.current_book()
    for source in SOURCE_ORDER:
        if book is not None:
            rows = figure_store.published_year(year).england.get((measure_code, source), [])
            # A phase's row (census and absence are published by phase only) answers only for that phase.
            chosen = next((v for each, v in rows if each == variant), None) if variant else None
            if chosen is None:
                chosen = next((v for each, v in rows if each in WHOLE_ENGLAND), None)
            if chosen is not None:
                return chosen
            continue
        figures = PublishedFigure.objects.filter(
            level=PublishedFigure.Level.ENGLAND, year=year, measure=measure_code, source=source, value__isnull=False
        )
        # A phase's row (census and absence are published by phase only) answers only for that phase.
        figure = (figures.filter(variant=variant).first() if variant else None) or figures.filter(
            variant__in=WHOLE_ENGLAND
        ).first()
        if figure is not None and figure.value is not None:
            return float(figure.value)
    return None


def significance(value: Decimal | None, lower: Decimal | None, upper: Decimal | None) -> str:
    """For progress scores with a confidence interval (national average 0)."""
    if value is None or lower is None or upper is None:
        return ""
    if lower > 0:
        return "significantly above"
    if upper < 0:
        return "significantly below"
    return "in line"


def la_value(*, la_code: str, year: int, measure_code: str) -> tuple[float | None, str]:
    """One LA's figure without ranking every LA: published if any, else pupil-weighted from its schools (a
    gap: its ``gap_of`` figure minus England's ``gap_against``)."""
    measure = catalogue().get(measure_code)
    if measure.is_gap:
        mine, mine_source = la_value(la_code=la_code, year=year, measure_code=measure.gap_of)
        against, against_source = national_value(year=year, measure_code=measure.gap_against)
        if mine is None or against is None:
            return None, DERIVED
        source = COMPUTED if COMPUTED in (mine_source, against_source) else DERIVED
        return round(mine - against, measure.decimals), source
    published = published_la_values(year=year, measure=measure_code)
    if la_code in published:
        return published[la_code], PUBLISHED
    if inspection_figure(measure):
        return _inspection_values(year=year, measure=measure, la_code=la_code).get(la_code), COMPUTED
    return figure_store.computed_for(year, la_code).la.get(measure_code, {}).get(la_code), COMPUTED
