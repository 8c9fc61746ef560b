"""Reading an authority's areas: the tree (Walsall's footprints and their areas, Barnsley's clusters, Barnet's
networks), the schools of an area with those of the areas inside it, its officers, and its figures beside the
authority's (the good-school share, categories, schools in their inspection window and the KPI measures).

A school belongs to one area and so to every area above it: filtering by a footprint finds the schools of its
areas. Every function reads an authority's areas in one query and walks the tree in Python; no function makes a
query per area or per school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.db.models import QuerySet

from headway.schools.models import Area, AreaOfficer, AreaRole, Establishment, LocalAuthority

if TYPE_CHECKING:
    from headway.inspections.share import Tally
    from headway.inspections.standing import Standing

M = TypeVar("M", bound=models.Model)

#: Between an area and the area inside it, in a choice's label ("North footprint / Brownhills area").
INSIDE = " / "


@dataclass(frozen=True)
class AreaNode:
    """An area in its authority's tree: how deep it sits and the areas above it, the top first."""

    area: Area
    depth: int
    above: tuple[Area, ...]

    @property
    def label(self) -> str:
        return INSIDE.join([*(a.title for a in self.above), self.area.title])


def areas_of(local_authority: LocalAuthority | int) -> list[Area]:
    """Every area of the authority (one query)."""
    la_id = local_authority if isinstance(local_authority, int) else local_authority.pk
    return list(Area.objects.filter(local_authority_id=la_id).select_related("local_authority").order_by("name"))


def tree(areas: Sequence[Area]) -> list[AreaNode]:
    """The areas depth first: each area followed by the areas inside it, by name at every level. An area whose
    parent is not among ``areas`` is shown at the top."""
    ids = {a.pk for a in areas}
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        parent = area.parent_id if area.parent_id in ids else None
        children.setdefault(parent, []).append(area)
    nodes: list[AreaNode] = []
    seen: set[int] = set()

    def walk(parent: int | None, above: tuple[Area, ...]) -> None:
        for area in sorted(children.get(parent, []), key=lambda a: (a.name.lower(), a.pk)):
            if area.pk in seen:  # never loops, whatever the data
                continue
            seen.add(area.pk)
            nodes.append(AreaNode(area=area, depth=len(above), above=above))
            walk(area.pk, (*above, area))

    walk(None, ())
    return nodes


def area_tree(local_authority: LocalAuthority | int) -> list[AreaNode]:
    return tree(areas_of(local_authority))


def within(area_ids: Iterable[int], areas: Sequence[Area]) -> set[int]:
    """The given areas and every area inside them (at any depth), among ``areas``."""
    children: dict[int, list[int]] = {}
    for area in areas:
        if area.parent_id is not None:
            children.setdefault(area.parent_id, []).append(area.pk)
    found: set[int] = set()
    waiting = list(area_ids)
    while waiting:
        current = waiting.pop()
        if current in found:
            continue
        found.add(current)
        waiting.extend(children.get(current, []))
    return found


def area_and_inside(area: Area) -> set[int]:
    """The area's id and the ids of the areas inside it (one query)."""
    return within([area.pk], areas_of(area.local_authority_id))


def in_area(queryset: QuerySet[M], area: Area | int, *, through: str = "area") -> QuerySet[M]:
    """Rows whose school is in the area or an area inside it. ``through`` is the path from the row to the
    school's area: ``area`` for schools, ``establishment__area`` for a school's records."""
    chosen = area if isinstance(area, Area) else Area.objects.get(pk=area)
    return queryset.filter(**{f"{through}__in": sorted(area_and_inside(chosen))})


def area_choices(local_authority: LocalAuthority | int, *, blank: str = "Any") -> list[tuple[str, str]]:
    """Every area of the authority as a select's options, each under the area it is part of."""
    return [("", blank), *[(str(node.area.pk), node.label) for node in area_tree(local_authority)]]


def area_named_in(local_authority: LocalAuthority | int, value: object) -> Area | None:
    """The authority's area whose id is ``value`` (a filter's GET parameter), or None."""
    text = str(value or "").strip()
    if not text.isdigit():
        return None
    la_id = local_authority if isinstance(local_authority, int) else local_authority.pk
    return Area.objects.filter(pk=int(text), local_authority_id=la_id).select_related("local_authority").first()


@dataclass(frozen=True)
class AreaFilter:
    """An "Area" filter for any list of an authority's schools: the options, the area chosen (with the areas
    inside it), and whether a school's area passes. Lists of other domains use it with
    ``schools/_area_filter.html``."""

    options: list[tuple[str, str]]
    chosen: Area | None = None
    ids: frozenset[int] = frozenset()

    def keeps(self, area_id: int | None) -> bool:
        return self.chosen is None or area_id in self.ids

    @property
    def value(self) -> str:
        return str(self.chosen.pk) if self.chosen is not None else ""


def area_filter_for(local_authority: LocalAuthority | int, value: object) -> AreaFilter:
    """The filter for the authority's areas, set to ``value`` (an area's id from the query string) if it is one
    of them. Two queries."""
    every = areas_of(local_authority)
    options = [("", "Any"), *[(str(node.area.pk), node.label) for node in tree(every)]]
    text = str(value or "").strip()
    chosen = next((a for a in every if text.isdigit() and a.pk == int(text)), None)
    if chosen is None:
        return AreaFilter(options=options)
    return AreaFilter(options=options, chosen=chosen, ids=frozenset(within([chosen.pk], every)))


def schools_of(area: Area, *, open_only: bool = True) -> QuerySet[Establishment]:
    """The schools of the area and of the areas inside it, by name."""
    schools = in_area(Establishment.objects.filter(local_authority_id=area.local_authority_id), area)
    if open_only:
        schools = schools.filter(status__istartswith="open")
    return schools.select_related("area").order_by("name", "urn")


def current_officers(area_ids: Iterable[int], *, on: dt.date) -> list[AreaOfficer]:
    """The officers in post for these areas on the day (one query): senior officers first, then by name."""
    return sorted(
        AreaOfficer.objects.filter(area_id__in=list(area_ids), starts_on__lte=on)
        .filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=on))
        .select_related("officer", "area"),
        key=lambda a: (
            a.role != AreaRole.SENIOR_OFFICER,
            a.area.name,
            a.officer.last_name,
            a.officer.first_name,
            a.officer.username,
        ),
    )


def full_name(user: object) -> str:
    """A person as pages name them: their full name, else their username."""
    get_full_name = getattr(user, "get_full_name", None)
    name = get_full_name() if callable(get_full_name) else ""
    return str(name or getattr(user, "username", ""))


# Figures --------------------------------------------------------------------------------------------------------


def percent(value: float | None) -> str:
    return "No figure" if value is None else f"{value:.1f}%"


@dataclass(frozen=True)
class Comparison:
    """One line of an area's figures: what it is, the area's figure and the authority's (and England's)."""

    label: str
    area: str
    authority: str
    england: str = ""
    note: str = ""


@dataclass
class AreaFigures:
    as_of: dt.date
    schools: int
    authority_schools: int
    share: list[Comparison]
    categories: list[Comparison]
    kpis: list[Comparison] = field(default_factory=list)
    kpi_title: str = ""


def _tally(schools: Sequence[Establishment], found: dict[int, Standing], pupils: dict[int, int | None]) -> Tally:
    """As ``headway.inspections.share`` counts an LA's schools, for any set of schools."""
    from headway.inspections.share import Tally

    total = Tally()
    for school in schools:
        standing = found[school.pk]
        if standing.latest is None:
            total = total + Tally(not_inspected=1)
            continue
        good = standing.good_or_better
        count = pupils[school.pk]
        total = total + Tally(
            schools=1,
            good_schools=int(good),
            pupils=count or 0,
            good_pupils=(count or 0) if good else 0,
            without_pupils=int(count is None),
        )
    return total


def share_tallies(area: Area, ids: set[int], *, as_of: dt.date) -> tuple[Tally, Tally, dict[int, Standing]]:
    """The area's and the authority's good-school share on ``as_of`` (state-funded schools open that day, as
    ``headway.inspections.share`` counts them), and every counted school's standing."""
    from headway.inspections.share import in_phase, open_schools, pupils_on_roll
    from headway.inspections.standing import standings

    counted = [
        school
        for school in open_schools(as_of).filter(local_authority_id=area.local_authority_id).order_by("urn")
        if in_phase(school, "all")
    ]
    found = standings(counted, as_of=as_of)
    pupils = pupils_on_roll(counted, as_of=as_of)
    mine = [school for school in counted if school.area_id in ids]
    return _tally(mine, found, pupils), _tally(counted, found, pupils), found


def latest_categories(school_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each school's latest confirmed (or overridden) category: id -> (category, label). One query."""
    from headway.risk.models import CategoryDecision

    latest: dict[int, tuple[str, str]] = {}
    for establishment_id, category, label in (
        CategoryDecision.objects.filter(proposal__establishment_id__in=school_ids)
        .order_by("proposal__establishment_id", "-decided_at", "-id")
        .values_list("proposal__establishment_id", "category", "category_label")
    ):
        latest.setdefault(establishment_id, (category, label))
    return latest


def _share_of(count: int, total: int) -> str:
    return f"{count} ({100 * count / total:.0f}%)" if total else "0"


def area_figures(area: Area, *, as_of: dt.date) -> AreaFigures:
    """The area's figures beside the authority's, on ``as_of``."""
    ids = area_and_inside(area)
    mine, authority, found = share_tallies(area, ids, as_of=as_of)
    open_la = list(
        Establishment.objects.filter(local_authority_id=area.local_authority_id, status__istartswith="open").only(
            "id", "area_id"
        )
    )
    in_area_ids = [s.pk for s in open_la if s.area_id in ids]
    in_window_area = sum(1 for pk in in_area_ids if pk in found and found[pk].in_window)
    in_window_la = sum(1 for standing in found.values() if standing.in_window)
    share = [
        Comparison("Schools good or better", percent(mine.schools_pct), percent(authority.schools_pct)),
        Comparison("Pupils in good or better schools", percent(mine.pupils_pct), percent(authority.pupils_pct)),
        Comparison(
            "Schools with an inspection outcome",
            str(mine.schools),
            str(authority.schools),
            note="State-funded schools open on the day; schools not yet inspected are left out of the shares.",
        ),
        Comparison(
            "Schools in their inspection window",
            _share_of(in_window_area, mine.schools + mine.not_inspected),
            _share_of(in_window_la, authority.schools + authority.not_inspected),
        ),
    ]
    categories: list[Comparison] = []
    latest = latest_categories([s.pk for s in open_la])
    labels: dict[str, str] = {}
    for category, label in latest.values():
        labels.setdefault(category, label)
    for category in sorted(labels):
        here = sum(1 for pk in in_area_ids if latest.get(pk, ("", ""))[0] == category)
        everywhere = sum(1 for value in latest.values() if value[0] == category)
        categories.append(
            Comparison(
                f"Category {category}: {labels[category]}",
                _share_of(here, len(in_area_ids)),
                _share_of(everywhere, len(open_la)),
            )
        )
    if latest:
        categories.append(
            Comparison(
                "No confirmed category",
                _share_of(sum(1 for pk in in_area_ids if pk not in latest), len(in_area_ids)),
                _share_of(sum(1 for s in open_la if s.pk not in latest), len(open_la)),
            )
        )
    figures = AreaFigures(
        as_of=as_of,
        schools=len(in_area_ids),
        authority_schools=len(open_la),
        share=share,
        categories=categories,
    )
    figures.kpi_title, figures.kpis = area_kpis(area, ids)
    return figures


def area_kpis(area: Area, ids: set[int]) -> tuple[str, list[Comparison]]:
    """The authority's KPI measures (its current KPI set, at the year its KPI page opens at) for the area's
    schools beside the authority's figure and England's. An area's figure is worked out as the authority's is
    when DfE publishes none: the pupil-weighted mean of its schools' figures (independent schools never count),
    or, for the good-school share, from Ofsted's inspections."""
    import polars as pl

    from headway.inspections.share import as_of_for_year
    from headway.performance.benchmarks import (
        inspection_figure,
        school_results_frame,
        weighted_la_values,
    )
    from headway.strategy.selectors import current_kpi_set, kpi_table, latest_kpi_year
    from headway.strategy.targets import format_figure

    authority = area.local_authority
    kpi_set = current_kpi_set(la_code=authority.code)
    if kpi_set is None:
        return "", []
    year = latest_kpi_year(kpi_set)
    if year is None:
        return kpi_set.name, []
    urns = list(
        Establishment.objects.filter(local_authority_id=authority.pk, area_id__in=ids).values_list("urn", flat=True)
    )
    rows: list[Comparison] = []
    tallies: dict[dt.date, Tally] = {}
    for row in kpi_table(la_code=authority.code, year=year, kpi_set=kpi_set):
        measure = row.measure_info
        if measure is None or measure.dataset == "local":
            continue  # a figure the LA enters for itself has no school rows to work out an area's figure from
        value: float | None
        if figure := inspection_figure(measure):
            as_of = as_of_for_year(year)
            if as_of not in tallies:
                tallies[as_of] = share_tallies(area, ids, as_of=as_of)[0]
            value = tallies[as_of].figure(figure)
        else:
            frame = school_results_frame(year=year, measures=[measure.code], la_code=authority.code)
            frame = frame.filter(pl.col("urn").is_in(urns))
            weights = None
            if measure.weight:
                weight_frame = school_results_frame(year=year, measures=[measure.weight], la_code=authority.code)
                weights = weight_frame.select("urn", pl.col("value").alias("weight"))
            table = weighted_la_values(frame, weights=weights)
            value = float(table["value"][0]) if table.height else None
        rows.append(
            Comparison(
                row.indicator,
                format_figure(round(value, measure.decimals) if value is not None else None, measure),
                row.actual_text,
                row.national_text,
            )
        )
    return f"{kpi_set.name}, {year}", rows


# The schools of an area -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaSchool:
    """A school of an area as the area page lists it."""

    school: Establishment
    standing: Standing
    category: str
    category_label: str


def area_school_rows(area: Area, *, as_of: dt.date) -> list[AreaSchool]:
    """The area's open schools (those of the areas inside it too) with their standing and latest confirmed
    category: four queries whatever the number of schools."""
    from headway.inspections.standing import standings

    schools = list(schools_of(area))
    found = standings(schools, as_of=as_of)
    categories = latest_categories([s.pk for s in schools])
    return [
        AreaSchool(
            school=school,
            standing=found[school.pk],
            category=categories.get(school.pk, ("", ""))[0],
            category_label=categories.get(school.pk, ("", ""))[1],
        )
        for school in schools
    ]
