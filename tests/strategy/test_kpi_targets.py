"""The KPI engine's targets beyond the first five kinds, one a year, gaps and "No data": each rule on both sides
of its boundary, with invented LA and England figures (tests/strategy/figures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from headway.performance.benchmarks import la_figures, la_value, national_value
from headway.schools.register import reference_local_authorities
from headway.strategy.selectors import kpi_table
from tests.strategy.figures import kpi_set, one_indicator, publish

#: Twelve LAs' Attainment 8: 302 is third (60.0 after 62.0 and 61.0).
TWELVE = {"301": 62.0, "303": 61.0, "302": 60.0, **{str(310 + n): 50.0 - n for n in range(9)}}


def _london(*, but: str = "302") -> list[str]:
    return [c for c, (_, region) in reference_local_authorities().items() if "London" in region and c != but]


@pytest.mark.parametrize(("barnet", "rank", "met"), [(60.0, 3, True), (49.5, 4, False)])
def test_top_quartile(db: None, tmp_path: Path, barnet: float, rank: int, met: bool) -> None:
    publish(year=2018, measure="ks4.att8", las={**TWELVE, "302": barnet}, england=46.0)
    kpi_set(tmp_path, one_indicator("ks4.att8", "{kind: top_quartile}"))
    (row,) = kpi_table(la_code="302", year=2018)
    assert (row.rank, row.of) == (rank, 12)
    assert row.target == "Top quartile (rank ≤ 3)"  # a quarter of 12 LAs with a figure
    assert row.met is met


@pytest.mark.parametrize(("barnet", "met"), [(51.0, True), (50.9, False)])
def test_above_national_by(db: None, tmp_path: Path, barnet: float, met: bool) -> None:
    publish(year=2018, measure="ks4.att8_looked_after", las={"302": barnet, "303": 20.0}, england=46.0)
    kpi_set(tmp_path, one_indicator("ks4.att8_looked_after", "{kind: above_national_by, value: 5}"))
    (row,) = kpi_table(la_code="302", year=2018)
    assert row.target == "At least 5 points above national"
    assert row.met is met  # 51.0 is 5.0 above 46.0; 50.9 is 4.9 above


@pytest.mark.parametrize(("barnet", "met"), [(3.5, True), (3.6, False)])
def test_above_national_by_where_lower_is_better(db: None, tmp_path: Path, barnet: float, met: bool) -> None:
    publish(year=2019, measure="absence.primary", las={"302": barnet, "303": 5.0}, england=4.0)
    kpi_set(tmp_path, one_indicator("absence.primary", "{kind: above_national_by, value: 0.5}"))
    (row,) = kpi_table(la_code="302", year=2019)
    assert row.target == "At least 0.5 points below national (lower is better)"
    assert row.met is met


@pytest.mark.parametrize(
    ("barnet", "england", "figure", "met"),
    [(96.0, 95.0, 96.0, True), (95.9, 95.0, 96.0, False), (96.5, 96.6, 96.6, False), (96.6, 96.6, 96.6, True)],
)
def test_higher_of_a_value_and_national(
    db: None, tmp_path: Path, barnet: float, england: float, figure: float, met: bool
) -> None:
    publish(year=2019, measure="absence.attendance_looked_after", las={"302": barnet, "303": 90.0}, england=england)
    kpi_set(
        tmp_path,
        one_indicator("absence.attendance_looked_after", "{kind: higher_of, value: 96, of: national}"),
    )
    (row,) = kpi_table(la_code="302", year=2019)
    assert row.target == "At or above 96.0% or national, whichever is higher"
    assert (row.comparator, row.comparator_value) == ("national", england)
    assert f"target this year: {figure:.1f}% (national: {england:.1f}%)" in row.notes
    assert row.met is met


def test_higher_of_a_value_and_the_regions_top_quartile(db: None, tmp_path: Path) -> None:
    others = _london()
    # London's 32 other boroughs at 1.0 to 4.1 (lower is better); Barnet 1.7. With Barnet, 33 figures: the
    # quarter is the 8th best, 1.6 (the 7th other borough is 1.6, Barnet's 1.7 comes after it).
    figures = {code: round(1.0 + n / 10, 1) for n, code in enumerate(sorted(others))}
    publish(year=2019, measure="neet.neet_16_17", las={**figures, "302": 1.7, "850": 9.0}, england=2.6)
    target = "{kind: higher_of, value: 1.5, of: region_top_quartile, region: London}"
    kpi_set(tmp_path, one_indicator("neet.neet_16_17", target))
    (row,) = kpi_table(la_code="302", year=2019)
    assert row.target == "At or below 1.5% or London's top quartile, whichever is higher"
    assert (row.comparator, row.comparator_value) == ("London's top quartile", 1.7)
    assert row.met is True  # the higher of 1.5 and London's 1.7 is 1.7: Barnet's 1.7 is at it
    quarter = "London's top quartile computed: the figure of the LA at the quarter, best first, of 33 of its 33 LAs"
    assert quarter in row.notes


def test_higher_of_without_its_comparator_is_no_data(db: None, tmp_path: Path) -> None:
    publish(year=2019, measure="absence.attendance_looked_after", las={"302": 99.0, "303": 90.0})  # no England
    kpi_set(tmp_path, one_indicator("absence.attendance_looked_after", "{kind: higher_of, value: 96}"))
    (row,) = kpi_table(la_code="302", year=2019)
    assert (row.met, row.met_text) == (None, "No data")  # 99.0 beats 96, but national is not known


@pytest.mark.parametrize(("this_year", "met"), [(4.9, True), (5.0, False), (5.2, False)])
def test_reduce_year_on_year_on_public_figures(db: None, tmp_path: Path, this_year: float, met: bool) -> None:
    publish(year=2022, measure="exclusions.suspensions", las={"370": 5.0, "371": 3.0})
    publish(year=2023, measure="exclusions.suspensions", las={"370": this_year, "371": 3.0})
    kpi_set(tmp_path, one_indicator("exclusions.suspensions", "{kind: reduce_year_on_year}"), la="370")
    (row,) = kpi_table(la_code="370", year=2023)
    assert (row.previous_year, row.previous, row.met) == (2022, 5.0, met)
    assert row.target == "Lower than the year before"
    # 2022's year before in the catalogue is 2019 (no comparable figures in 2020 and 2021): none imported.
    (first,) = kpi_table(la_code="370", year=2022)
    assert (first.previous_year, first.previous, first.met_text) == (2019, None, "No data")
    assert "no 2019 figure to compare with" in first.notes


def test_no_target_is_monitored_and_never_not_met(db: None, tmp_path: Path) -> None:
    publish(year=2019, measure="census.sen_support", las={"370": 11.0, "371": 13.0}, england=12.2)
    kpi_set(tmp_path, one_indicator("census.sen_support", "{kind: none}"), la="370")
    (row,) = kpi_table(la_code="370", year=2019)
    assert (row.actual, row.national, row.met, row.met_text, row.target) == (11.0, 12.2, None, "No target", "No target")
    assert row.rank is None  # context: neither higher nor lower is better


def test_targets_one_a_year(db: None, tmp_path: Path) -> None:
    for year in (2017, 2018, 2019, 2022):
        publish(year=year, measure="ks4.att8", las=TWELVE, england=46.0)
    indicators = (
        "  - key: kpi\n    label: The indicator\n    measure: ks4.att8\n    targets:\n"
        "      - {year: 2018, kind: rank_at_most, value: 2}\n"
        "      - {year: 2019, kind: top_quartile}\n"
        "      - {year: 2020, kind: value, value: 61}\n"
    )
    kpi_set(tmp_path, indicators)
    by_year = {year: kpi_table(la_code="302", year=year)[0] for year in (2017, 2018, 2019, 2022)}
    assert (by_year[2018].target, by_year[2018].target_year, by_year[2018].met) == ("Rank ≤ 2", 2018, False)
    assert (by_year[2019].target, by_year[2019].target_year, by_year[2019].met) == (
        "Top quartile (rank ≤ 3)",
        2019,
        True,
    )
    # After the last year listed, its target carries on ("targets for subsequent years").
    assert (by_year[2022].target, by_year[2022].target_year, by_year[2022].met) == ("At or above 61.0", 2020, False)
    # Before the first, there is none, and the table says so.
    assert (by_year[2017].target_kind, by_year[2017].met_text) == ("none", "No target")
    assert "no target for 2017 (targets are set for 2018, 2019, 2020)" in by_year[2017].notes


def test_a_gap_is_the_las_group_against_england_and_ranks_as_the_group_does(db: None, tmp_path: Path) -> None:
    publish(year=2018, measure="ks2.rwm_exp_dis", las={"302": 62.0, "303": 55.0, "304": 62.0}, england=51.0)
    publish(year=2018, measure="ks2.rwm_exp_nondis", las={"302": 78.0, "303": 70.0}, england=71.0)
    figures = {
        f.la_code: (f.value, f.rank, f.source) for f in la_figures(year=2018, measure_code="ks2.rwm_exp_dis_gap")
    }
    assert figures == {"302": (-9.0, 1, "derived"), "304": (-9.0, 1, "derived"), "303": (-16.0, 3, "derived")}
    assert national_value(year=2018, measure_code="ks2.rwm_exp_dis_gap") == (-20.0, "derived")
    assert la_value(la_code="303", year=2018, measure_code="ks2.rwm_exp_dis_gap") == (-16.0, "derived")
    kpi_set(tmp_path, one_indicator("ks2.rwm_exp_dis_gap", "{kind: rank_at_most, value: 1}"))
    (row,) = kpi_table(la_code="302", year=2018)
    assert (row.actual_text, row.national_text, row.met) == ("-9 pts", "-20 pts", True)
    assert "gap: 62% (the LA's disadvantaged pupils) minus 71% (other pupils nationally)" in row.notes


def test_a_gap_without_englands_figure_is_no_data(db: None, tmp_path: Path) -> None:
    publish(year=2018, measure="ks2.rwm_exp_dis", las={"302": 62.0, "303": 55.0}, england=51.0)
    assert la_figures(year=2018, measure_code="ks2.rwm_exp_dis_gap") == []
    kpi_set(tmp_path, one_indicator("ks2.rwm_exp_dis_gap", "{kind: top_10_percent}"))
    (row,) = kpi_table(la_code="302", year=2018)
    assert (row.actual, row.met_text) == (None, "No data")


def test_a_groups_progress_8_nationally_is_not_zero_unless_published(db: None) -> None:
    # All pupils' Progress 8 is 0 in England by definition; looked-after children's is not.
    assert national_value(year=2018, measure_code="ks4.p8") == (0.0, "published")
    assert national_value(year=2018, measure_code="ks4.p8_looked_after")[0] is None
    publish(year=2018, measure="ks4.p8_looked_after", las={"302": -0.94}, england=-1.24)
    assert national_value(year=2018, measure_code="ks4.p8_looked_after") == (-1.24, "published")
