"""The good-school share: counted by hand on a small world of three LAs (legacy grades, report cards, a closed
school, a school still to open, a converter academy inheriting its predecessor's outcome), the rank with ties,
the phase filter, and the catalogue measures that put the share in KPI tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from headway.inspections.models import Framework, Inspection, InspectionKind, Judgement
from headway.inspections.share import (
    UnknownAuthority,
    as_of_for_year,
    census_year,
    good_school_share,
    in_phase,
    tallies,
)
from headway.performance.benchmarks import la_figures, national_value
from headway.performance.catalogue import catalogue
from headway.schools.models import Establishment, EstablishmentLink, Governance, LocalAuthority
from headway.strategy.selectors import kpi_table
from tests.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.strategy.figures import kpi_set, one_indicator, school_figures

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 12, 31)
RC_AREAS = (
    "Inclusion",
    "Curriculum and teaching",
    "Achievement",
    "Attendance and behaviour",
    "Leadership and governance",
)


def graded(school: Establishment, on: dt.date, grade: int) -> Inspection:
    return Inspection.objects.create(
        establishment=school,
        start_date=on,
        framework=Framework.EIF_2019 if on >= dt.date(2019, 9, 1) else Framework.CIF_2015,
        kind=InspectionKind.GRADED,
        source="ofsted_history",
        overall_effectiveness=grade,
    )


def report_card(school: Establishment, on: dt.date, *, lowest: int, safeguarding: bool) -> Inspection:
    inspection = Inspection.objects.create(
        establishment=school,
        start_date=on,
        framework=Framework.REPORT_CARD_2025,
        kind=InspectionKind.REPORT_CARD,
        source="ofsted_mi",
        safeguarding_met=safeguarding,
    )
    for area in RC_AREAS:
        grade = lowest if area == "Achievement" else 4
        Judgement.objects.create(inspection=inspection, area=area, scale=Judgement.Scale.REPORT_CARD, grade=grade)
    return inspection


def school(la: LocalAuthority, pupils: int, *, phase: str = "Primary", **fields: object) -> Establishment:
    return EstablishmentFactory(local_authority=la, number_on_roll=pupils, phase=phase, **fields)


@dataclass
class World:
    a: LocalAuthority
    b: LocalAuthority
    c: LocalAuthority
    converter: Establishment
    predecessor: Establishment
    closed: Establishment
    still_to_open: Establishment
    uninspected: Establishment
    independent: Establishment


def build_world() -> World:
    """Three LAs. Authority A ("801", North East), on 31 December 2025:

    counted (11 schools, 2,790 pupils), good or better marked *:
      * good (100)  * outstanding (200)  requires improvement (300)
      * report card at the expected standard or above, safeguarding met (150)
      report card with an area that needs attention (250)
      report card at the expected standard but safeguarding not met (50)
      * a school converting on 1 January 2026, still open (120)
      * a converter academy with no inspection of its own, predecessor good (80)
      secondary, inadequate (600)   * all-through, good (900)   * special school, good (40)
    good: 7 schools (63.6%), 1,590 pupils (57.0%). Not counted: a school closed in July 2025 (outstanding, 1,000
    pupils), the academy opening on 1 January 2026 (500), a school never inspected (70), an independent school.

    B ("802", North East): secondary good (1,000), primary requires improvement (500): 50.0% of schools.
    C ("803", London): four primaries of 100, two good: 50.0%. D ("804"): one school never inspected.
    """
    a = LocalAuthorityFactory(code="801", name="Authority A", region="North East")
    b = LocalAuthorityFactory(code="802", name="Authority B", region="North East")
    c = LocalAuthorityFactory(code="803", name="Authority C", region="London")
    d = LocalAuthorityFactory(code="804", name="Authority D", region="London")

    graded(school(a, 100), dt.date(2022, 5, 10), 2)
    graded(school(a, 200), dt.date(2013, 6, 1), 1)
    graded(school(a, 300), dt.date(2024, 2, 1), 3)
    report_card(school(a, 150), dt.date(2025, 11, 20), lowest=3, safeguarding=True)
    report_card(school(a, 250), dt.date(2025, 11, 25), lowest=2, safeguarding=True)
    report_card(school(a, 50), dt.date(2025, 12, 2), lowest=3, safeguarding=False)
    predecessor_open = school(a, 120, close_date=dt.date(2026, 1, 1))
    graded(predecessor_open, dt.date(2021, 3, 3), 2)
    still_to_open = school(a, 500, open_date=dt.date(2026, 1, 1), status="Proposed to open")
    EstablishmentLink.objects.create(urn=still_to_open.urn, linked_urn=predecessor_open.urn, link_type="Predecessor")
    predecessor = school(a, 0, status="Closed", close_date=dt.date(2024, 8, 31))
    graded(predecessor, dt.date(2019, 3, 14), 2)
    converter = school(
        a, 80, open_date=dt.date(2024, 9, 1), type_name="Academy converter", governance=Governance.ACADEMY
    )
    # GIAS records the link from the predecessor's side ("Successor") too; either is enough.
    EstablishmentLink.objects.create(urn=predecessor.urn, linked_urn=converter.urn, link_type="Successor")
    graded(school(a, 600, phase="Secondary"), dt.date(2023, 10, 4), 4)
    graded(school(a, 900, phase="All-through"), dt.date(2022, 1, 20), 2)
    graded(school(a, 40, phase="", type_name="Community special school"), dt.date(2020, 1, 20), 2)
    closed = school(a, 1000, status="Closed", close_date=dt.date(2025, 7, 31))
    graded(closed, dt.date(2012, 1, 1), 1)
    uninspected = school(a, 70)
    independent = school(a, 300, governance=Governance.INDEPENDENT, type_name="Other independent school")
    graded(independent, dt.date(2022, 1, 1), 2)

    graded(school(b, 1000, phase="Secondary"), dt.date(2022, 1, 1), 2)
    graded(school(b, 500), dt.date(2022, 1, 1), 3)
    for grade in (1, 2, 3, 4):
        graded(school(c, 100), dt.date(2023, 1, 1), grade)
    school(d, 100)
    return World(a, b, c, converter, predecessor, closed, still_to_open, uninspected, independent)


def test_the_share_is_counted_as_the_rules_say() -> None:
    build_world()
    result = good_school_share("801", as_of=AS_OF)
    assert (result.la.schools, result.la.good_schools) == (11, 7)
    assert (result.la.pupils, result.la.good_pupils) == (2790, 1590)
    assert result.la.not_inspected == 1  # the school never inspected is left out of the denominator
    assert result.schools_pct == 63.6
    assert result.pupils_pct == 57.0
    # Region: A and B; England: A, B and C.
    assert result.region == "North East"
    assert result.as_json()["region_schools_pct"] == round(100 * 8 / 13, 1)
    assert result.as_json()["region_pupils_pct"] == round(100 * (1590 + 1000) / (2790 + 1500), 1)
    assert result.as_json()["england_schools_pct"] == round(100 * 10 / 17, 1)
    assert result.as_json()["england_pupils_pct"] == round(100 * (1590 + 1000 + 200) / (2790 + 1500 + 400), 1)


def test_the_converter_counts_with_its_predecessors_outcome_until_its_own_inspection() -> None:
    world = build_world()
    before = good_school_share("801", as_of=AS_OF).la
    graded(world.converter, dt.date(2025, 10, 1), 3)
    after = good_school_share("801", as_of=AS_OF).la
    assert after.schools == before.schools
    assert after.good_schools == before.good_schools - 1
    assert after.good_pupils == before.good_pupils - 80


def test_a_school_is_counted_only_while_open() -> None:
    world = build_world()
    # On 31 July 2025 the closed school was still open (closing date after the day) and counts; on 1 January
    # 2026 the academy has opened (inheriting its predecessor's good) and the predecessor has closed.
    on_closing_day = good_school_share("801", as_of=dt.date(2025, 7, 31)).la
    assert world.closed.close_date == dt.date(2025, 7, 31)
    assert on_closing_day.schools == 11 - 3  # no report cards before November 2025; the closed school ...
    earlier = good_school_share("801", as_of=dt.date(2025, 7, 30)).la
    assert earlier.schools == on_closing_day.schools + 1  # ... counts the day before it closed
    assert earlier.good_pupils == on_closing_day.good_pupils + 1000
    opened = good_school_share("801", as_of=dt.date(2026, 1, 1)).la
    assert (opened.schools, opened.good_schools) == (11, 7)
    assert opened.good_pupils == 1590 - 120 + 500


def test_status_decides_only_where_a_date_is_missing() -> None:
    world = build_world()
    # On 1 January 2020 the outstanding school, the predecessor (closed in 2024, whatever its status says now)
    # and the school that closed in July 2025 were open with an outcome.
    assert good_school_share("801", as_of=dt.date(2020, 1, 1)).la.schools == 3
    # The register says closed and gives no date: it does not count.
    Establishment.objects.filter(pk=world.closed.pk).update(close_date=None)
    assert good_school_share("801", as_of=dt.date(2020, 1, 1)).la.schools == 2
    # No opening date and "proposed to open": not open yet; no opening date and open: open.
    Establishment.objects.filter(pk=world.still_to_open.pk).update(open_date=None)
    assert good_school_share("801", as_of=dt.date(2020, 1, 1)).la.schools == 2
    Establishment.objects.filter(pk=world.still_to_open.pk).update(status="Open")
    assert good_school_share("801", as_of=dt.date(2020, 1, 1)).la.schools == 2  # its predecessor: no outcome yet
    assert good_school_share("801", as_of=AS_OF).la.schools == 12


def test_rank_among_las_with_ties() -> None:
    build_world()
    a, b, c = (good_school_share(code, as_of=AS_OF) for code in ("801", "802", "803"))
    assert (a.schools_pct, b.schools_pct, c.schools_pct) == (63.6, 50.0, 50.0)
    assert (a.rank, b.rank, c.rank) == (1, 2, 2)
    assert a.of == b.of == c.of == 3  # D has no school with an outcome: not ranked
    d = good_school_share("804", as_of=AS_OF)
    assert d.rank is None and d.schools_pct is None and d.la.not_inspected == 1
    # Pupils: A 57.0%, B 66.7%, C 50.0%.
    assert (a.pupils_rank, b.pupils_rank, c.pupils_rank) == (2, 1, 3)


def test_phase_filter() -> None:
    build_world()
    primary = good_school_share("801", as_of=AS_OF, phase="primary")
    # good, outstanding, RI, three report cards, the converting school and the converter: not the secondary,
    # the all-through or the special school.
    assert (primary.la.schools, primary.la.good_schools) == (8, 5)
    assert primary.la.not_inspected == 1
    assert (primary.rank, primary.of) == (1, 3)  # A 62.5%, C 50%, B 0%
    secondary = good_school_share("801", as_of=AS_OF, phase="secondary")
    assert (secondary.la.schools, secondary.la.good_schools) == (2, 1)  # inadequate and all-through
    assert (secondary.rank, secondary.of) == (2, 2)  # B 100%, A 50%, C none
    assert secondary.as_json()["england_schools_pct"] == round(100 * 2 / 3, 1)
    with pytest.raises(ValueError, match="unknown phase"):
        good_school_share("801", as_of=AS_OF, phase="nursery")


@pytest.mark.parametrize(
    ("phase", "type_name", "primary", "secondary", "all_"),
    [
        ("Primary", "Community school", True, False, True),
        ("Middle deemed primary", "Community school", True, False, True),
        ("Middle deemed secondary", "Foundation school", False, True, True),
        ("All-through", "Academy converter", False, True, True),
        ("", "Community special school", False, False, True),
        ("Secondary", "Academy - Converter special school", False, False, True),
        ("Nursery", "Local authority nursery school", False, False, True),
        ("16 plus", "Academy 16-19 converter", False, False, False),
    ],
)
def test_which_phase_a_school_counts_in(phase: str, type_name: str, primary: bool, secondary: bool, all_: bool) -> None:
    one = Establishment(phase=phase, type_name=type_name)
    assert (in_phase(one, "primary"), in_phase(one, "secondary"), in_phase(one, "all")) == (primary, secondary, all_)


def test_unknown_la() -> None:
    with pytest.raises(UnknownAuthority, match="no local authority '999'"):
        good_school_share("999", as_of=AS_OF)


def test_pupils_come_from_the_census_of_the_year_when_imported() -> None:
    world = build_world()
    assert census_year(dt.date(2019, 2, 28)) == 2019 and census_year(dt.date(2019, 1, 10)) == 2018
    school_figures(year=2026, measure="census.nor", schools={world.converter.urn: ("801", 180.0, None)})
    before = tallies(as_of=AS_OF)["801"]
    after = tallies(as_of=dt.date(2026, 2, 1))["801"]
    assert after.good_pupils == before.good_pupils - 120 + 500 - 80 + 180
    # Before any census is imported, the register's number on roll is used; a school with neither is counted
    # as a school only.
    Establishment.objects.filter(pk=world.converter.pk).update(number_on_roll=None)
    without = tallies(as_of=AS_OF)["801"]
    assert without.without_pupils == 1 and without.schools == 11 and without.pupils == 2790 - 80


def test_catalogue_measures_give_kpi_figures_as_on_31_august(tmp_path: Path) -> None:
    build_world()
    year = 2026
    day = as_of_for_year(year)
    assert day == min(dt.date(2026, 8, 31), dt.date.today())
    assert as_of_for_year(2019, today=dt.date(2026, 12, 1)) == dt.date(2019, 8, 31)
    assert as_of_for_year(2027, today=dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)
    assert catalogue().datasets["inspections"].from_inspections
    expected = good_school_share("801", as_of=day)
    figures = {f.la_code: f for f in la_figures(year=year, measure_code="inspections.good_or_better")}
    assert figures["801"].value == expected.schools_pct
    assert (figures["801"].rank, figures["801"].of) == (expected.rank, expected.of)
    pupils = {f.la_code: f for f in la_figures(year=year, measure_code="inspections.good_or_better_pupils")}
    assert pupils["801"].value == expected.pupils_pct
    # Three LAs are not England: no national figure (as for figures computed from school results).
    assert national_value(year=year, measure_code="inspections.good_or_better") == (None, "computed")

    kpis = kpi_set(
        tmp_path, one_indicator("inspections.good_or_better", "{kind: top_10_percent, year: 2026}"), la="801"
    )
    [row] = kpi_table(la_code="801", year=year, kpi_set=kpis)
    assert row.actual == expected.schools_pct and row.actual_source == "computed"
    assert (row.rank, row.of) == (expected.rank, 3)


def test_importing_a_file_as_the_inspections_dataset_is_refused() -> None:
    from headway.performance.importers import PerformanceImporter

    with pytest.raises(ValueError, match="unknown dataset 'inspections'"):
        PerformanceImporter(dataset="inspections", year=2019)
