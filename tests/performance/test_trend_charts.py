"""The school page's trend charts: plain data (points, joined runs, axes) for the template to draw, a line each
for the school, its LA and England; a year with no figure is a gap in the line, never a point at 0; and the table
beside each chart gives every year's figures, with DfE's reason where there is none."""

from __future__ import annotations

from headway.performance.catalogue import catalogue
from headway.performance.charts import (
    TrendInput,
    measure_panel,
    measure_trend_chart,
    trend_chart,
)
from headway.performance.school_context import MeasureContext, YearFigure

RWM = catalogue().get("ks2.rwm_exp")  # a percentage
READING = catalogue().get("ks2.read_prog")  # a progress score, either side of zero
ON_ROLL = catalogue().get("census.nor")  # a count: no LA or England comparison


def year(
    on: int, value: float | None, *, la: float | None = 60.0, national: float | None = 65.0, reason: str = ""
) -> YearFigure:
    return YearFigure(
        year=on,
        value=value,
        missing_reason=reason,
        pupils=30,
        national=national,
        la=la,
        difference_from_national=None,
        significance="",
        lower=None,
        upper=None,
    )


def test_each_line_is_drawn_over_the_years_on_one_percentage_scale() -> None:
    context = MeasureContext(RWM, [year(2017, 50.0), year(2018, 60.0), year(2019, 70.0)])
    chart = measure_trend_chart(context, la_name="Hampshire")
    assert chart is not None
    assert [s.label for s in chart.series] == ["This school", "Hampshire", "England"]
    assert [s.kind for s in chart.series] == ["school", "la", "england"]
    school = chart.series[0]
    # Years run left to right, evenly spaced; a higher figure is higher up (a smaller y).
    xs = [p.x for p in school.points]
    assert xs == sorted(xs) and xs[1] - xs[0] == xs[2] - xs[1]
    ys = [p.y for p in school.points]
    assert all(y is not None for y in ys) and ys[0] > ys[1] > ys[2]  # type: ignore[operator]
    assert len(school.runs) == 1 and school.runs[0].count(",") == 3  # one line through three points
    # The scale runs from a round number below the lowest figure to one above the highest, so a change shows.
    assert [t.text for t in chart.ticks] == ["45%", "60%", "75%"]
    assert [y.text for y in chart.years] == ["2017", "2018", "2019"]
    assert chart.zero_y is None


def test_a_missing_year_breaks_the_line_and_shows_as_a_gap() -> None:
    # No figures were published for 2020 and 2021 (no exams): the line does not join 2019 to 2022.
    context = MeasureContext(RWM, [year(2018, 60.0), year(2019, 62.0), year(2022, 55.0), year(2023, 58.0)])
    chart = measure_trend_chart(context, la_name="Hampshire")
    assert chart is not None
    school = chart.series[0]
    assert len(school.runs) == 2
    assert [y.text for y in chart.years] == ["2018", "2019", "2022", "2023"]
    by_year = {p.year: p.x for p in school.points}
    # Spaced by year, so the gap is visible: 2019 to 2022 is three times 2018 to 2019.
    assert round(by_year[2022] - by_year[2019], 1) == round(3 * (by_year[2019] - by_year[2018]), 1)


def test_a_withheld_figure_is_no_point_not_zero_and_the_table_gives_dfes_reason() -> None:
    context = MeasureContext(RWM, [year(2017, 60.0), year(2018, None, reason="SUPP"), year(2019, 64.0)])
    chart = measure_trend_chart(context, la_name="Hampshire")
    assert chart is not None
    school = chart.series[0]
    withheld = next(p for p in school.points if p.year == 2018)
    assert withheld.y is None
    assert school.runs == ()  # 2017 and 2019 are not joined across the withheld year
    assert all(len(s.runs) == 1 for s in chart.series[1:])  # the LA and England lines are whole
    panel = measure_panel(context, la_name="Hampshire")
    row = next(r for r in panel.rows if r.year == 2018)
    assert row.school_text == "no figure: suppressed" and row.school_missing
    assert "0" not in row.school_text
    assert [r.year for r in panel.rows] == [2017, 2018, 2019]  # years as rows, oldest first
    assert panel.chart == chart


def test_a_single_year_is_one_point_in_the_middle() -> None:
    context = MeasureContext(RWM, [year(2019, 63.0, la=68.0, national=65.0)])
    chart = measure_trend_chart(context, la_name="Hampshire")
    assert chart is not None
    for series in chart.series:
        assert len(series.points) == 1 and series.runs == ()
        assert series.points[0].x == round((chart.plot_left + chart.plot_right) / 2, 1)
    assert [y.text for y in chart.years] == ["2019"]


def test_progress_scores_run_both_ways_from_a_zero_line() -> None:
    context = MeasureContext(READING, [year(2018, -1.9, la=0.3, national=0.0), year(2019, 1.2, la=0.1, national=0.0)])
    chart = measure_trend_chart(context, la_name="Hampshire")
    assert chart is not None
    assert chart.zero_y is not None and chart.plot_top < chart.zero_y < chart.plot_bottom
    assert "0" in [t.text for t in chart.ticks]
    school = chart.series[0]
    assert school.points[0].y > chart.zero_y > school.points[1].y  # type: ignore[operator]


def test_the_scale_never_goes_below_zero_or_past_100_percent() -> None:
    chart = trend_chart(
        [TrendInput("This school", "school", [(2018, 2.0), (2019, 99.0)]), TrendInput("England", "england", [])],
        unit="percent",
    )
    assert chart is not None
    assert (chart.ticks[0].text, chart.ticks[-1].text) == ("0%", "100%")
    flat = trend_chart([TrendInput("This school", "school", [(2018, 0.0), (2019, 0.0)])], unit="count")
    assert flat is not None and flat.ticks[0].text == "0"
    assert all(p.y == flat.plot_bottom for p in flat.series[0].points)  # zero at the bottom of the scale


def test_a_count_has_only_the_schools_line_and_no_figures_means_no_chart() -> None:
    counted = measure_trend_chart(MeasureContext(ON_ROLL, [year(2018, 210.0), year(2019, 230.0)]), la_name="X")
    assert counted is not None and [s.label for s in counted.series] == ["This school"]
    nothing = MeasureContext(RWM, [year(2019, None, la=None, national=None, reason="NE")])
    assert measure_trend_chart(nothing, la_name="Hampshire") is None
    assert trend_chart([TrendInput("This school", "school", [])], unit="percent") is None
