"""What a KPI target says and whether it was met. Pure functions: the figures come from ``selectors``.

"Met" respects the measure's polarity: for absence (lower is better) "at or above national" means "better than
or equal to national", i.e. at or below it. Figures are compared at the precision DfE publishes them
(the catalogue's ``decimals``), so 46.50 and 46.5 are equal. Where a figure a target needs is missing (the LA's,
its rank, national, the region's, last year's) the answer is None: the table says "No data", never "Not met"."""

from __future__ import annotations

import math
from decimal import Decimal

from headway.performance.benchmarks import in_top_10_percent
from headway.performance.catalogue import Measure
from headway.strategy.models import Comparator, TargetKind

#: What the table shows where there is no figure: an en dash.
NO_FIGURE = "\u2013"

SCOPE_LABELS = {
    "all": "All pupils",
    "disadvantaged": "Disadvantaged pupils",
    "non_disadvantaged": "Other pupils (not disadvantaged)",
    "sen_support": "Pupils with SEN support",
    "ehc_plan": "Pupils with an EHC plan",
    "looked_after": "Children looked after",
    "asian": "Asian pupils",
    "black": "Black pupils",
    "chinese": "Chinese pupils",
    "mixed": "Pupils of mixed ethnicity",
    "white": "White pupils",
}


#: Which pupils, as a gap's note names them ("62% (the LA's disadvantaged pupils) minus 71% (other pupils
#: nationally)").
SCOPE_NOUNS = {
    "all": "all pupils",
    "disadvantaged": "disadvantaged pupils",
    "non_disadvantaged": "other pupils",
    "sen_support": "pupils with SEN support",
    "ehc_plan": "pupils with an EHC plan",
    "looked_after": "children looked after",
    "asian": "Asian pupils",
    "black": "Black pupils",
    "chinese": "Chinese pupils",
    "mixed": "pupils of mixed ethnicity",
    "white": "White pupils",
}


def format_figure(value: float | Decimal | None, measure: Measure) -> str:
    """A figure as LA tables print it: 73%, 56.9, +0.58, -9 pts, 0.00; an en dash for no figure."""
    if value is None:
        return NO_FIGURE
    number = float(value)
    signed = measure.unit in ("progress", "difference", "points")
    if signed and round(number, measure.decimals) == 0:
        number = 0.0  # no sign on nothing (nor -0.0)
        signed = False
    if measure.unit in ("progress", "difference"):
        return f"{number:+.{measure.decimals}f}" if signed else f"{number:.{measure.decimals}f}"
    if measure.unit == "points":
        return f"{number:+.{measure.decimals}f} pts" if signed else f"{number:.{measure.decimals}f} pts"
    text = f"{number:,.{measure.decimals}f}"
    return f"{text}%" if measure.unit == "percent" else text


def top_10_percent_rank(of: int) -> int:
    """The worst rank still in the top 10% when ``of`` LAs have a figure (15 of 152); 0 when none has."""
    return max((rank for rank in range(1, of + 1) if in_top_10_percent(rank, of)), default=0)


def top_quartile_rank(of: int) -> int:
    """The worst rank still in the top quarter when ``of`` LAs have a figure (38 of 152, 37 of 150)."""
    return math.floor(of / 4)


def at_or_better(actual: float, comparator: float, *, measure: Measure) -> bool:
    """``actual`` is at least as good as ``comparator``: at or above it, or at or below it when lower is better."""
    mine, theirs = round(actual, measure.decimals), round(comparator, measure.decimals)
    return mine >= theirs if measure.higher_is_better else mine <= theirs


def strictly_better(actual: float, comparator: float, *, measure: Measure) -> bool:
    """``actual`` is better than ``comparator`` at the published precision (lower, when lower is better)."""
    mine, theirs = round(actual, measure.decimals), round(comparator, measure.decimals)
    return mine > theirs if measure.higher_is_better else mine < theirs


def comparator_text(comparator: str, region: str) -> str:
    """What a ``higher_of`` target compares its value with, in words."""
    if comparator == Comparator.REGION:
        return f"the {region} average"
    if comparator == Comparator.REGION_TOP_QUARTILE:
        return f"{region}'s top quartile"
    return "national"


def _points(value: Decimal | None) -> str:
    number = float(value or 0)
    return f"{number:g} point{'' if number == 1 else 's'}"


def target_text(
    *,
    kind: str,
    measure: Measure,
    target_value: Decimal | None,
    target_region: str,
    of: int | None,
    comparator: str = "",
) -> str:
    """The target as the table prints it, e.g. "Top 10% (rank ≤ 15)"."""
    lower = not measure.higher_is_better
    at = "At or below" if lower else "At or above"
    if kind == TargetKind.VALUE:
        return f"{at} {format_figure(target_value, measure)}"
    if kind == TargetKind.TOP_10_PERCENT:
        threshold = top_10_percent_rank(of or 0)
        return f"Top 10% (rank ≤ {threshold})" if threshold else "Top 10% of LAs"
    if kind == TargetKind.TOP_QUARTILE:
        threshold = top_quartile_rank(of or 0)
        return f"Top quartile (rank ≤ {threshold})" if threshold else "Top quartile of LAs"
    if kind == TargetKind.RANK_AT_MOST:
        return f"Rank ≤ {int(target_value or 0)}"
    if kind == TargetKind.AT_OR_ABOVE_NATIONAL:
        return "Better than or equal to national (lower is better)" if lower else "At or above national"
    if kind == TargetKind.AT_OR_ABOVE_REGION:
        average = f"the {target_region} average"
        return f"Better than or equal to {average} (lower is better)" if lower else f"At or above {average}"
    if kind == TargetKind.ABOVE_NATIONAL_BY:
        if lower:
            return f"At least {_points(target_value)} below national (lower is better)"
        return f"At least {_points(target_value)} above national"
    if kind == TargetKind.HIGHER_OF:
        figure = format_figure(target_value, measure)
        return f"{at} {figure} or {comparator_text(comparator, target_region)}, whichever is higher"
    if kind == TargetKind.REDUCE_YEAR_ON_YEAR:
        return "Lower than the year before"
    if kind == TargetKind.NONE:
        return "No target"
    raise ValueError(f"unknown target kind {kind!r}")


def higher_of(value: Decimal | None, comparator: float | None) -> float | None:
    """A ``higher_of`` target's figure: the higher of its value and the comparator; None without both."""
    if value is None or comparator is None:
        return None
    return max(float(value), comparator)


def target_met(
    *,
    kind: str,
    measure: Measure,
    actual: float | None,
    rank: int | None,
    top10: bool | None,
    target_value: Decimal | None,
    national: float | None,
    regional: float | None,
    of: int | None = None,
    comparator_value: float | None = None,
    previous: float | None = None,
) -> bool | None:
    """True or False; None when there is no target, or a figure it needs (the LA's, its rank, national, the
    region's, the comparator, last year's) is missing."""
    if kind == TargetKind.NONE or actual is None:
        return None
    if kind == TargetKind.VALUE:
        return None if target_value is None else at_or_better(actual, float(target_value), measure=measure)
    if kind == TargetKind.TOP_10_PERCENT:
        return top10
    if kind == TargetKind.TOP_QUARTILE:
        return None if rank is None or not of else rank <= top_quartile_rank(of)
    if kind == TargetKind.RANK_AT_MOST:
        return None if rank is None or target_value is None else rank <= int(target_value)
    if kind == TargetKind.AT_OR_ABOVE_NATIONAL:
        return None if national is None else at_or_better(actual, national, measure=measure)
    if kind == TargetKind.AT_OR_ABOVE_REGION:
        return None if regional is None else at_or_better(actual, regional, measure=measure)
    if kind == TargetKind.ABOVE_NATIONAL_BY:
        if national is None or target_value is None:
            return None
        better_by = actual - national if measure.higher_is_better else national - actual
        return round(better_by, measure.decimals) >= float(target_value)
    if kind == TargetKind.HIGHER_OF:
        figure = higher_of(target_value, comparator_value)
        return None if figure is None else at_or_better(actual, figure, measure=measure)
    if kind == TargetKind.REDUCE_YEAR_ON_YEAR:
        return None if previous is None else strictly_better(actual, previous, measure=measure)
    raise ValueError(f"unknown target kind {kind!r}")
