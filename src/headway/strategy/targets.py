"""What a KPI target says and whether it was met. Pure functions: the figures come from ``selectors``.

"Met" respects the measure's polarity: for absence (lower is better) "at or above national" means "better than
or equal to national", i.e. at or below it. Figures are compared at the precision DfE publishes them
(the catalogue's ``decimals``), so 46.50 and 46.5 are equal."""

from __future__ import annotations

from decimal import Decimal

from headway.performance.benchmarks import in_top_10_percent
from headway.performance.catalogue import Measure
from headway.strategy.models import TargetKind

#: What the table shows where there is no figure: an en dash.
NO_FIGURE = "\u2013"

SCOPE_LABELS = {
    "all": "All pupils",
    "disadvantaged": "Disadvantaged pupils",
    "non_disadvantaged": "Other pupils (not disadvantaged)",
}


def format_figure(value: float | Decimal | None, measure: Measure) -> str:
    """A figure as LA tables print it: 73%, 56.9, +0.58; an en dash for no figure."""
    if value is None:
        return NO_FIGURE
    number = float(value)
    if measure.unit == "progress":
        return f"{number:+.{measure.decimals}f}"
    text = f"{number:,.{measure.decimals}f}"
    return f"{text}%" if measure.unit == "percent" else text


def top_10_percent_rank(of: int) -> int:
    """The worst rank still in the top 10% when ``of`` LAs have a figure (15 of 152); 0 when none has."""
    return max((rank for rank in range(1, of + 1) if in_top_10_percent(rank, of)), default=0)


def at_or_better(actual: float, comparator: float, *, measure: Measure) -> bool:
    """``actual`` is at least as good as ``comparator``: at or above it, or at or below it when lower is better."""
    mine, theirs = round(actual, measure.decimals), round(comparator, measure.decimals)
    return mine >= theirs if measure.higher_is_better else mine <= theirs


def target_text(
    *, kind: str, measure: Measure, target_value: Decimal | None, target_region: str, of: int | None
) -> str:
    """The target as the table prints it, e.g. "Top 10% (rank ≤ 15)"."""
    lower = not measure.higher_is_better
    if kind == TargetKind.VALUE:
        return f"{'At or below' if lower else 'At or above'} {format_figure(target_value, measure)}"
    if kind == TargetKind.TOP_10_PERCENT:
        threshold = top_10_percent_rank(of or 0)
        return f"Top 10% (rank ≤ {threshold})" if threshold else "Top 10% of LAs"
    if kind == TargetKind.RANK_AT_MOST:
        return f"Rank ≤ {int(target_value or 0)}"
    if kind == TargetKind.AT_OR_ABOVE_NATIONAL:
        return "Better than or equal to national (lower is better)" if lower else "At or above national"
    if kind == TargetKind.AT_OR_ABOVE_REGION:
        average = f"the {target_region} average"
        return f"Better than or equal to {average} (lower is better)" if lower else f"At or above {average}"
    raise ValueError(f"unknown target kind {kind!r}")


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
) -> bool | None:
    """True or False; None when a figure it needs (the LA's, its rank, national or regional) is missing."""
    if actual is None:
        return None
    if kind == TargetKind.VALUE:
        return None if target_value is None else at_or_better(actual, float(target_value), measure=measure)
    if kind == TargetKind.TOP_10_PERCENT:
        return top10
    if kind == TargetKind.RANK_AT_MOST:
        return None if rank is None or target_value is None else rank <= int(target_value)
    if kind == TargetKind.AT_OR_ABOVE_NATIONAL:
        return None if national is None else at_or_better(actual, national, measure=measure)
    if kind == TargetKind.AT_OR_ABOVE_REGION:
        return None if regional is None else at_or_better(actual, regional, measure=measure)
    raise ValueError(f"unknown target kind {kind!r}")
