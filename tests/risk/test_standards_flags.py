"""The floor, coasting and "significantly below" evidence of a round, worked out for every school at once
(``headway.risk.evidence._data_flags``, with Polars), equals what the school page's rule-by-rule reading
(``headway.performance.standards.school_standards``) gives each school in its latest year of results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from headway.performance.models import SchoolResult
from headway.performance.standards import Figure, school_standards
from headway.risk.evidence import _data_flags, _standards_needed, results_available
from headway.schools.models import Establishment
from tests.risk.test_risk_model import load_barnsley_walsall

pytestmark = pytest.mark.django_db


def one_by_one(as_of: dt.date) -> dict[int, tuple[bool, bool, int]]:
    """Each school's flags, read one school and one rule at a time, as the school page reads them."""
    progress, needed = _standards_needed()
    years = [year for year in range(as_of.year - 4, as_of.year + 1) if results_available(year, as_of)]
    flags: dict[int, tuple[bool, bool, int]] = {}
    for school in Establishment.objects.all():
        results = SchoolResult.objects.filter(urn=school.urn, measure__in=needed, year__in=years)
        by_year: dict[int, dict[str, Figure]] = {}
        for result in results:
            by_year.setdefault(result.year, {})[result.measure] = Figure(result.value, result.upper)
        with_values = [r.year for r in results if r.value is not None]
        if not with_values:
            continue
        latest = max(with_values)
        outcomes = [f for f in school_standards(by_year) if f.year == latest]
        below = sum(
            1 for r in results if r.year == latest and r.measure in progress and r.upper is not None and r.upper < 0
        )
        flags[school.pk] = (
            any(f.kind == "floor" and f.outcome == "below" for f in outcomes),
            any(f.kind == "coasting" and f.outcome == "below" for f in outcomes),
            below,
        )
    return flags


def add(urn: int, year: int, measure: str, value: str | None, upper: str | None = None) -> None:
    run = SchoolResult.objects.first().source_import  # type: ignore[union-attr]
    SchoolResult.objects.update_or_create(
        urn=urn,
        year=year,
        measure=measure,
        defaults={
            "value": None if value is None else Decimal(value),
            "upper": None if upper is None else Decimal(upper),
            "missing_reason": "" if value is not None else "SUPP",
            "source_import": run,
        },
    )


def test_every_school_gets_the_flags_its_own_reading_gives() -> None:
    load_barnsley_walsall()
    primaries = list(
        SchoolResult.objects.filter(measure="ks2.rwm_exp", year=2018).order_by("urn").values_list("urn", flat=True)
    )
    secondaries = list(
        SchoolResult.objects.filter(measure="ks4.p8", year=2018).order_by("urn").values_list("urn", flat=True)
    )
    # Edges the real rows may not have: a figure exactly at the threshold (not below it), a coasting school
    # with one year missing, a progress score below 0 with its upper limit below 0 ("significantly below"),
    # a school whose latest year has only a suppressed figure (its latest year is the one before).
    add(primaries[0], 2018, "ks2.rwm_exp", "65")
    add(primaries[0], 2018, "ks2.read_prog", "-5.0001")
    for year in (2016, 2017, 2018):
        add(primaries[1], year, "ks2.rwm_exp", "50")
        add(primaries[1], year, "ks2.mat_prog", "-6", upper="-0.5")
    add(primaries[2], 2016, "ks2.rwm_exp", "50")
    add(primaries[2], 2016, "ks2.mat_prog", "-3")
    add(primaries[2], 2018, "ks2.rwm_exp", "50")
    add(primaries[2], 2018, "ks2.mat_prog", "-3")
    SchoolResult.objects.filter(urn=primaries[2], year=2017).delete()
    for year in (2016, 2017, 2018):
        add(secondaries[0], year, "ks4.p8", "-0.6", upper="-0.1")
    SchoolResult.objects.filter(urn=secondaries[1], year=2018).exclude(measure="ks4.p8").delete()
    add(secondaries[1], 2018, "ks4.p8", None)
    urns = dict(Establishment.objects.values_list("urn", "id"))
    for as_of in (dt.date(2016, 12, 20), dt.date(2017, 12, 31), dt.date(2019, 1, 31), dt.date(2021, 12, 31)):
        expected = one_by_one(as_of)
        assert _data_flags(urns, as_of) == expected, as_of
    flags = _data_flags(urns, dt.date(2019, 1, 31))
    assert flags[urns[primaries[1]]] == (True, True, 1)  # below the floor, coasting three years, maths below
    assert flags[urns[primaries[2]]][1] is False  # 2017 is missing: not three years
    assert flags[urns[secondaries[0]]] == (True, True, 1)
    assert urns[secondaries[1]] in flags  # its latest year with a figure is 2017
    assert sum(floor for floor, _, _ in flags.values()) > 3
    assert _data_flags({}, dt.date(2019, 1, 31)) == {}
    assert _data_flags(urns, dt.date(2014, 1, 1)) == {}  # no results were out


def test_the_figures_read_are_those_of_the_years_asked_for_only() -> None:
    """The years are read as a range (issue 12: SQLite looked up every school, year and measure otherwise); a
    year inside the range that was not asked for is not read."""
    from headway.risk.evidence import _result_frame

    load_barnsley_walsall()
    urns = list(SchoolResult.objects.filter(measure="ks2.rwm_exp").values_list("urn", flat=True).distinct())
    every = _result_frame(urns, {"ks2.rwm_exp"}, [2016, 2017, 2018]).rows()
    assert {row[1] for row in every} == {2016, 2017, 2018}
    assert len(every) == SchoolResult.objects.filter(measure="ks2.rwm_exp", urn__in=urns).count()
    gap = _result_frame(urns, {"ks2.rwm_exp"}, [2016, 2018]).rows()
    assert {row[1] for row in gap} == {2016, 2018}
    assert sorted(gap) == sorted(row for row in every if row[1] != 2017)
