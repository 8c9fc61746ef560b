"""Regional averages for "at or above the London (or regional) average" targets.

Published regional figures (DfE's LA benchmarking data, LAIT) come first, through
``headway.performance.lait.regional_value`` when that module is there. Otherwise the average is computed: the
plain (not pupil-weighted) mean of the figures of the LAs in the region, and it says so."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import cast

from headway.performance.benchmarks import COMPUTED, PUBLISHED, LaFigure, la_figures
from headway.performance.catalogue import catalogue

#: Where DfE's published regional figures (LAIT) are read, when Headway has that module.
LAIT_MODULE = "headway.performance.lait"
#: London as a whole is the two halves into which DfE files its boroughs.
LONDON = "London"
LONDON_PARTS = ("Inner London", "Outer London")
#: Other spellings of a region (LAIT's region rows, older files) -> the name Headway keeps.
ALIASES = {
    "london (inner)": "Inner London",
    "london (outer)": "Outer London",
    "yorkshire and the humber": "Yorkshire and The Humber",
}
#: How LAIT's region rows spell a region, where that differs from Headway's name.
LAIT_SPELLINGS = {
    "Inner London": ("Inner London", "London (Inner)"),
    "Outer London": ("Outer London", "London (Outer)"),
    "Yorkshire and The Humber": ("Yorkshire and The Humber", "Yorkshire and the Humber"),
}


@dataclass(frozen=True)
class RegionalFigure:
    value: float | None
    source: str  # "published" | "computed"
    authorities: int = 0  # LAs with a figure, averaged when computed (0 when published)
    members: int = 0  # LAs in the region (0 when published)


def _reference_regions() -> dict[str, str]:
    from headway.schools.register import reference_local_authorities

    return {code: region for code, (_, region) in reference_local_authorities().items() if region}


@cache
def known_regions() -> tuple[str, ...]:
    """Every region name Headway accepts in a target: DfE's regions, Inner and Outer London, and London."""
    return tuple(sorted({*_reference_regions().values(), LONDON}))


def canonical_region(name: str) -> str | None:
    """The region as Headway names it, or None if there is no such region."""
    wanted = " ".join(name.split()).lower()
    if wanted in ALIASES:
        return ALIASES[wanted]
    return next((region for region in known_regions() if region.lower() == wanted), None)


def regions_by_la() -> dict[str, str]:
    """Each LA's region: the register's, else DfE's reference list of LAs."""
    from headway.schools.models import LocalAuthority

    regions = _reference_regions()
    regions.update(
        {code: region for code, region in LocalAuthority.objects.exclude(region="").values_list("code", "region")}
    )
    return regions


def _published(year: int, measure_code: str, region: str) -> float | None:
    """DfE's published figure for the region, through ``headway.performance.lait`` if Headway has it."""
    try:
        module = importlib.import_module(LAIT_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != LAIT_MODULE:
            raise
        return None
    function = getattr(module, "regional_value", None)
    if function is None:
        return None
    lookup = cast(Callable[..., float | None], function)
    for spelling in LAIT_SPELLINGS.get(region, (region,)):
        value = lookup(year=year, measure_code=measure_code, region=spelling)
        if value is not None:
            return float(value)
    return None


def regional_value(
    *, year: int, measure_code: str, region: str, figures: Sequence[LaFigure] | None = None
) -> RegionalFigure:
    """The region's figure for a measure and year: published if DfE published one, else the mean of its LAs'
    figures (``figures``: every LA's, from ``la_figures``, if the caller has them already), provided at least
    half of the region's LAs have one."""
    name = canonical_region(region) or region
    published = _published(year, measure_code, name)
    if published is not None:
        return RegionalFigure(published, PUBLISHED, 0)
    parts = set(LONDON_PARTS) if name == LONDON else {name}
    regions = regions_by_la()
    members = sum(1 for region in regions.values() if region in parts)
    every_la = figures if figures is not None else la_figures(year=year, measure_code=measure_code)
    values = [f.value for f in every_la if f.value is not None and regions.get(f.la_code) in parts]
    if not values or len(values) * 2 < members:
        # Too few of the region's LAs have a figure for their mean to stand for the region.
        return RegionalFigure(None, COMPUTED, len(values), members)
    decimals = catalogue().get(measure_code).decimals
    return RegionalFigure(round(sum(values) / len(values), decimals), COMPUTED, len(values), members)


def regional_top_quartile(
    *, year: int, measure_code: str, region: str, figures: Sequence[LaFigure] | None = None
) -> RegionalFigure:
    """The figure that marks the top quarter of the region's LAs (e.g. "London's top quartile"): the figure of
    the LA ranked at the quarter (the 8th best of 32 London boroughs with a figure), best meaning lower where
    lower is better; at least one LA. Computed from the LAs' figures, provided at least half of the region's
    LAs have one."""
    name = canonical_region(region) or region
    parts = set(LONDON_PARTS) if name == LONDON else {name}
    regions = regions_by_la()
    members = sum(1 for region in regions.values() if region in parts)
    every_la = figures if figures is not None else la_figures(year=year, measure_code=measure_code)
    values = [f.value for f in every_la if f.value is not None and regions.get(f.la_code) in parts]
    if not values or len(values) * 2 < members:
        return RegionalFigure(None, COMPUTED, len(values), members)
    measure = catalogue().get(measure_code)
    ordered = sorted(values, reverse=measure.higher_is_better)
    quarter = max(1, len(ordered) // 4)
    return RegionalFigure(round(ordered[quarter - 1], measure.decimals), COMPUTED, len(values), members)
