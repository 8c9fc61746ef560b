"""Figures worked out once, not on every page: the pupil-weighted LA and England figures Headway computes from
school results are stored (``ComputedFigure``) and reused until the school results change; and inside
``figures_read()`` (one page or table) each year's published LA and England figures are read in one query.

A year's stored figures carry the fingerprint of its school results (its newest result's id and the newest
import that wrote one of them: an import that adds, replaces or removes figures changes it, and imports are one
transaction, so a page never sees half an import). After an import that wrote school results the years it
wrote are refreshed (``headway.performance.refresh``, ``refresh_computed_figures``); any page that finds a
fingerprint changed (a figure written another way, a year never refreshed) works the year out again and
stores it, so a stored figure always equals the one the school results give now. Figures worked out from
inspections (the good-school share) are not stored: they change with the date and with every inspection (see
``headway.inspections.share``). See docs/performance-figures.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from headway.performance.catalogue import Measure, catalogue
from headway.performance.models import ComputedFigure, ComputedFigureSet, PublishedFigure, SchoolResult

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from headway.performance.benchmarks import LaFigure

ENGLAND = "england"


@dataclass
class Computed:
    """One year's computed figures: every LA's (by measure, then LA code) and England's (by measure)."""

    la: dict[str, dict[str, float]] = field(default_factory=dict)
    england: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Published:
    """One year's published LA figures by (measure, source), each LA's value; and England's rows by
    (measure, source) as (variant, value) in the order they were written."""

    la: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    england: dict[tuple[str, str], list[tuple[str, float]]] = field(default_factory=dict)


@dataclass
class _Book:
    #: The school results' fingerprint by year (None: of every year).
    versions: dict[int | None, str] = field(default_factory=dict)
    computed: dict[int, Computed] = field(default_factory=dict)
    #: Years read for a few areas only (a school's LA and England): the areas and their figures.
    partial: dict[int, tuple[frozenset[str], Computed]] = field(default_factory=dict)
    published: dict[int, Published] = field(default_factory=dict)
    la_figures: dict[tuple[int, str], list[LaFigure]] = field(default_factory=dict)
    #: Early years settings' tallies by (date, LA code or None): see ``benchmarks._settings_tallies``.
    settings: dict[tuple[dt.date, str | None], dict[str, tuple[int, int]]] = field(default_factory=dict)


_book: ContextVar[_Book | None] = ContextVar("performance_figures_book", default=None)


@contextmanager
def figures_read() -> Iterator[None]:
    """Inside this block (one page, table or download) each year's figures are read once. Nested blocks share
    the outer one."""
    if _book.get() is not None:
        yield
        return
    token = _book.set(_Book())
    try:
        yield
    finally:
        _book.reset(token)


def current_book() -> _Book | None:
    return _book.get()


def school_results_version(year: int | None = None) -> str:
    """The fingerprint of a year's school results (of every year's if None): the newest result's id and the
    newest import that wrote one. Any import that adds, replaces or removes a result of the year changes it."""
    results = SchoolResult.objects.all() if year is None else SchoolResult.objects.filter(year=year)
    found = results.aggregate(last=Max("id"), run=Max("source_import_id"))
    return f"{found['last'] or 0}:{found['run'] or 0}"


def stored_measures() -> list[Measure]:
    """Measures whose LA and England figures are worked out from school results (not gaps, not inspections)."""
    from headway.performance.benchmarks import inspection_figure

    return [m for m in catalogue().measures.values() if not m.is_gap and not inspection_figure(m)]


def compute_year(year: int) -> Computed:
    """Every stored measure's LA and England figures for ``year`` from its school results (one read)."""
    import polars as pl

    from headway.performance.benchmarks import national_from_frame, school_results_frame, values_from_frame

    measures = stored_measures()
    codes = sorted({m.code for m in measures} | {m.weight for m in measures if m.weight})
    frame = school_results_frame(year=year, measures=codes)
    present = set(frame["measure"].unique().to_list())
    result = Computed()
    for measure in measures:
        if measure.code not in present:
            continue
        rows = frame.filter(pl.col("measure") == measure.code)
        weight_rows = frame.filter(pl.col("measure") == measure.weight) if measure.weight else None
        result.la[measure.code] = values_from_frame(rows, weight_rows, measure)
        result.england[measure.code] = national_from_frame(rows, weight_rows, measure)
    return result


def _store(year: int, version: str, computed: Computed) -> None:
    rows = [
        ComputedFigure(year=year, measure=code, area_code=la, value=value)
        for code, values in computed.la.items()
        for la, value in values.items()
    ]
    rows += [
        ComputedFigure(year=year, measure=code, area_code=ENGLAND, value=value)
        for code, value in computed.england.items()
    ]
    try:
        with transaction.atomic():
            ComputedFigure.objects.filter(year=year).delete()
            ComputedFigure.objects.bulk_create(rows, batch_size=2000)
            ComputedFigureSet.objects.update_or_create(
                year=year, defaults={"version": version, "computed_at": timezone.now()}
            )
    except IntegrityError:
        pass  # another page stored the same figures at the same moment: theirs are as good


def _read(year: int) -> Computed:
    return _read_rows(ComputedFigure.objects.filter(year=year)).get(year, Computed())


def _read_rows(rows: QuerySet[ComputedFigure]) -> dict[int, Computed]:
    found: dict[int, Computed] = {}
    for year, code, area, value in rows.values_list("year", "measure", "area_code", "value"):
        computed = found.setdefault(year, Computed())
        if area == ENGLAND:
            computed.england[code] = value
        elif value is not None:
            computed.la.setdefault(code, {})[area] = value
    return found


def _version(book: _Book | None, year: int | None) -> str:
    if book is not None and year in book.versions:
        return book.versions[year]
    version = school_results_version(year)
    if book is not None:
        book.versions[year] = version
    return version


def _versions(book: _Book | None, years: list[int]) -> dict[int, str]:
    """Several years' fingerprints (as ``school_results_version``) in one query, however many years."""
    wanted = [year for year in years if book is None or year not in book.versions]
    found = {year: "0:0" for year in wanted}
    if wanted:
        rows = (
            SchoolResult.objects.filter(year__in=wanted)
            .order_by()
            .values("year")
            .annotate(last=Max("id"), run=Max("source_import_id"))
        )
        for row in rows:
            found[row["year"]] = f"{row['last'] or 0}:{row['run'] or 0}"
    if book is not None:
        for year, version in found.items():
            book.versions[year] = version
        return {year: book.versions[year] for year in years}
    return found


def _fresh(years: list[int], book: _Book | None) -> set[int]:
    """Those of ``years`` whose stored figures were worked out from the school results there are now."""
    versions = _versions(book, years)
    stored = ComputedFigureSet.objects.filter(year__in=years).values_list("year", "version")
    return {year for year, version in stored if versions.get(year) == version}


def preload(years: list[int], *, areas: list[str]) -> None:
    """Inside ``figures_read``: read the computed figures of ``areas`` (LA codes, "england") and the published
    figures of several years at once (a school's profile shows three years). Years whose stored figures are
    out of date are worked out as ``computed_year`` does."""
    book = _book.get()
    if book is None or not years:
        return
    wanted = sorted(set(years) - set(book.computed) - set(book.partial))
    if wanted:
        fresh = _fresh(wanted, book)
        found = _read_rows(ComputedFigure.objects.filter(year__in=sorted(fresh), area_code__in=areas)) if fresh else {}
        for year in wanted:
            if year in fresh:
                book.partial[year] = (frozenset(areas), found.get(year, Computed()))
            else:
                computed_year(year)
    missing = sorted(set(years) - set(book.published))
    if missing:
        for year, published in _published_rows(missing).items():
            book.published[year] = published


def computed_for(year: int, area: str) -> Computed:
    """``year``'s computed figures, holding at least ``area``'s (an LA code or "england")."""
    book = _book.get()
    if book is not None and year not in book.computed and year in book.partial:
        areas, computed = book.partial[year]
        if area in areas:
            return computed
    return computed_year(year)


def refresh_computed_figures(year: int | None = None, *, years: list[int] | None = None) -> list[int]:
    """Work out and store the computed figures of ``year`` (or ``years``; every year with school results if
    neither) whose school results changed since they were stored; the years refreshed."""
    if years is None:
        years = (
            [year] if year is not None else sorted(set(SchoolResult.objects.values_list("year", flat=True).distinct()))
        )
    fresh = _fresh(years, None)
    done = []
    for each in sorted(set(years) - fresh):
        _store(each, school_results_version(each), compute_year(each))
        done.append(each)
    return done


def computed_year(year: int) -> Computed:
    """``year``'s computed figures: stored ones while the school results are unchanged, else worked out now
    (and stored)."""
    book = _book.get()
    if book is not None and year in book.computed:
        return book.computed[year]
    version = _version(book, year)
    if ComputedFigureSet.objects.filter(year=year, version=version).exists():
        computed = _read(year)
    else:
        computed = compute_year(year)
        _store(year, version, computed)
    if book is not None:
        book.computed[year] = computed
    return computed


def published_year(year: int) -> Published:
    """``year``'s published LA and England figures with a value, read in one query (once per block)."""
    book = _book.get()
    if book is not None and year in book.published:
        return book.published[year]
    published = _published_rows([year])[year]
    if book is not None:
        book.published[year] = published
    return published


def _published_rows(years: list[int]) -> dict[int, Published]:
    found = {year: Published() for year in years}
    rows = (
        PublishedFigure.objects.filter(
            year__in=years,
            level__in=[PublishedFigure.Level.LA, PublishedFigure.Level.ENGLAND],
            value__isnull=False,
        )
        .order_by("id")
        .values_list("year", "level", "area_code", "measure", "source", "variant", "value")
    )
    for year, level, area, code, source, variant, value in rows:
        if value is None:
            continue
        if level == PublishedFigure.Level.LA:
            found[year].la.setdefault((code, source), {})[area] = float(value)
        else:
            found[year].england.setdefault((code, source), []).append((variant, float(value)))
    return found


#: Years with school results, by the school results' fingerprint (see ``school_result_years``).
_YEARS: dict[str, list[int]] = {}


def school_result_years() -> list[int]:
    """Every year with a school result. Reading them scans every result, so outside a transaction the answer
    is kept by this server process while the school results' fingerprint is unchanged (inside one, an import
    or a test, it is read afresh: that transaction may see rows no other will)."""
    from django.db import connection

    if connection.in_atomic_block:
        return sorted(set(SchoolResult.objects.values_list("year", flat=True).distinct()))
    version = _version(_book.get(), None)
    if version not in _YEARS:
        _YEARS.clear()
        _YEARS[version] = sorted(set(SchoolResult.objects.values_list("year", flat=True).distinct()))
    return list(_YEARS[version])
