"""Small bar and trend charts and the tables behind them: the school page's performance section (a trend over
the years for each measure: the school, its LA and England) and the LA dashboard's charts. Plain functions
that turn figures into data the templates draw; no JavaScript.

One accessible pattern everywhere: a chart is inline SVG marked ``aria-hidden`` (a picture of the table that
always follows it), and the table, with a caption and units, carries every figure the chart shows. So a
chart never says anything its table does not, and screen-reader users meet each figure once.

Figures are shown as published: a figure DfE withheld is "no figure" with DfE's reason, never 0."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from headway.performance.catalogue import Measure, catalogue
from headway.performance.importers import MARKERS
from headway.performance.school_context import MeasureContext, SchoolPerformance, YearFigure, school_performance

if TYPE_CHECKING:
    from headway.performance.standards import StandardFlag
    from headway.schools.models import Establishment

# Formatting figures -------------------------------------------------------------------------------------------

#: What a column of each unit holds, for table headers.
UNIT_LABELS = {
    "percent": "%",
    "score": "score",
    "progress": "progress score",
    "count": "number",
    "days": "days",
}
#: Markers that mean only "the cell was empty".
BLANK_MARKERS = {"", "BLANK", "-"}


def figure_text(value: float | None, measure: Measure) -> str:
    """A figure as the tables print it: ``63%``, ``104.5``, ``-0.42`` / ``+1.2`` (progress), ``1,250``.
    Empty for no figure: the caller says why (see ``missing_text``)."""
    if value is None:
        return ""
    decimals = max(measure.decimals, 0)
    if measure.unit == "percent":
        return f"{value:,.{decimals}f}%"
    if measure.unit == "progress":
        return f"{value:+.{decimals}f}" if round(value, decimals) != 0 else f"{0:.{decimals}f}"
    return f"{value:,.{decimals}f}"


def difference_text(value: float | None, measure: Measure) -> str:
    """A difference with its sign (``+3``, ``-0.25``); ``0`` when none; empty when unknown."""
    if value is None:
        return ""
    decimals = max(measure.decimals, 0)
    if round(value, decimals) == 0:
        return f"{0:.{decimals}f}"
    return f"{value:+,.{decimals}f}"


def difference_unit(measure: Measure) -> str:
    return "percentage points" if measure.unit == "percent" else UNIT_LABELS.get(measure.unit, measure.unit)


def missing_text(reason: str) -> str:
    """Why there is no figure, in words: ``no figure: suppressed`` for DfE's SUPP."""
    code = reason.strip().upper()
    if code in BLANK_MARKERS:
        return "no figure published"
    return f"no figure: {MARKERS.get(code, reason.strip().lower())}"


def value_or_reason(value: float | None, measure: Measure, reason: str = "") -> str:
    return figure_text(value, measure) if value is not None else missing_text(reason)


# Bar charts ---------------------------------------------------------------------------------------------------

#: Chart geometry in SVG user units. The SVG scales to its container (never wider than the page), so at
#: 320 CSS pixels a unit is about a pixel.
CHART_WIDTH = 320
ROW_HEIGHT = 42
LABEL_BASELINE = 15
BAR_OFFSET = 20
BAR_HEIGHT = 16
AXIS_LABEL_HEIGHT = 18
CAPTION_HEIGHT = 24


@dataclass(frozen=True)
class BarInput:
    """One bar to draw: its label (``This school``), the value (None: no bar), and the text shown with it."""

    label: str
    value: float | None
    text: str
    kind: str = "school"  # a CSS modifier: school | la | england | band | highlight
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    kind: str
    text_y: float
    bar_y: float
    x: float
    width: float
    has_value: bool
    whisker: tuple[float, float] | None = None
    whisker_y: float = 0.0
    cap_top: float = 0.0
    cap_bottom: float = 0.0


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bar_height: int
    bars: tuple[Bar, ...]
    zero_x: float | None = None  # a zero line, drawn when values run both sides of zero
    axis_top: float = 0.0
    axis_bottom: float = 0.0
    axis_label_y: float = 0.0
    caption: str = ""  # drawn above the bars, e.g. the year
    caption_y: float = 0.0


def _domain(values: Sequence[float], unit: str) -> tuple[float, float]:
    low, high = min([0.0, *values]), max([0.0, *values])
    if unit == "percent" and high <= 100 and low >= 0:
        return 0.0, 100.0
    if unit == "progress":
        reach = max(abs(low), abs(high), 0.5) * 1.1
        return -reach, reach
    if high == low:
        return low, low + 1
    span = high - low
    return (low - span * 0.05 if low < 0 else 0.0), (high + span * 0.05 if high > 0 else 0.0)


def bar_chart(items: Sequence[BarInput], *, unit: str, caption: str = "") -> BarChart | None:
    """Horizontal bars, one row each, labelled above the bar with their text. None when no item has a value.

    Percentages run from 0 to 100; progress scores run both ways from a zero line (national average), with
    the confidence interval drawn as a whisker; other figures run from zero to just past the largest."""
    values = [v for item in items for v in (item.value, item.lower, item.upper) if v is not None]
    if not any(item.value is not None for item in items):
        return None
    low, high = _domain(values, unit)

    def x(value: float) -> float:
        return round((min(max(value, low), high) - low) / (high - low) * CHART_WIDTH, 1)

    zero = x(0.0)
    offset = CAPTION_HEIGHT if caption else 0
    bars = []
    for index, item in enumerate(items):
        top = offset + index * ROW_HEIGHT
        bar_y = top + BAR_OFFSET
        label = f"{item.label}: {item.text}"
        if item.value is None:
            bars.append(Bar(label, item.kind, top + LABEL_BASELINE, bar_y, zero, 0.0, has_value=False))
            continue
        end = x(item.value)
        start, width = min(zero, end), abs(end - zero)
        whisker = None
        if item.lower is not None and item.upper is not None:
            whisker = (x(item.lower), x(item.upper))
        middle = bar_y + BAR_HEIGHT / 2
        bars.append(
            Bar(
                label=label,
                kind=item.kind,
                text_y=top + LABEL_BASELINE,
                bar_y=bar_y,
                x=round(start, 1),
                width=round(max(width, 1.0), 1),  # a zero figure still shows as a sliver
                has_value=True,
                whisker=whisker,
                whisker_y=middle,
                cap_top=middle - BAR_HEIGHT / 2 - 2,
                cap_bottom=middle + BAR_HEIGHT / 2 + 2,
            )
        )
    height = offset + len(items) * ROW_HEIGHT
    crosses_zero = low < 0 < high
    return BarChart(
        width=CHART_WIDTH,
        height=height + (AXIS_LABEL_HEIGHT if crosses_zero else 0),
        bar_height=BAR_HEIGHT,
        bars=tuple(bars),
        zero_x=zero if crosses_zero else None,
        axis_top=offset + BAR_OFFSET - 4,
        axis_bottom=height,
        axis_label_y=height + AXIS_LABEL_HEIGHT - 4,
        caption=caption,
        caption_y=LABEL_BASELINE,
    )


# Trend charts ---------------------------------------------------------------------------------------------------

#: A trend chart's geometry in SVG user units (it scales down with its container, like the bar charts).
TREND_WIDTH = 400
TREND_LEGEND_ROW = 20
TREND_PLOT_LEFT = 52
TREND_PLOT_RIGHT = 384
TREND_PLOT_HEIGHT = 130
TREND_AXIS_GAP = 22
#: How many of the latest years a school's page draws and tabulates.
CHART_YEARS = 5


@dataclass(frozen=True)
class TrendPoint:
    """One year of one line: where it is drawn (``y`` None: no figure that year, so no point)."""

    year: int
    x: float
    y: float | None

    @property
    def left(self) -> float:
        """Where a square marker's corner goes."""
        return round(self.x - 4, 1)

    @property
    def top(self) -> float:
        return round((self.y or 0.0) - 4, 1)


@dataclass(frozen=True)
class TrendSeries:
    """One line (this school, its LA or England): its points, and the runs of consecutive years with figures
    drawn joined (an SVG ``points`` list each). A missing year or a year with no figure breaks the line."""

    label: str
    kind: str  # a CSS modifier: school | la | england
    points: tuple[TrendPoint, ...]
    runs: tuple[str, ...]
    legend_y: float  # the baseline of its label in the legend

    @property
    def legend_mark(self) -> TrendPoint:
        """Where its marker goes in the legend (in the middle of a short sample of its line)."""
        return TrendPoint(0, TREND_PLOT_LEFT + 14, self.legend_y - 5)


@dataclass(frozen=True)
class AxisTick:
    text: str
    position: float

    @property
    def text_y(self) -> float:
        """The baseline of a y-axis label, centred on its grid line."""
        return round(self.position + 4, 1)


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    series: tuple[TrendSeries, ...]
    years: tuple[AxisTick, ...]  # the x axis: each year and its x
    ticks: tuple[AxisTick, ...]  # the y axis: each value's label and its y
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    year_label_y: float
    zero_y: float | None = None  # a zero line, for figures either side of zero (progress scores)

    @property
    def legend_line_end(self) -> float:
        return self.plot_left + 28

    @property
    def legend_text_x(self) -> float:
        return self.plot_left + 36

    @property
    def tick_text_x(self) -> float:
        return self.plot_left - 6


@dataclass(frozen=True)
class TrendInput:
    """One line to draw: its label, CSS kind and a value (or None) for each year."""

    label: str
    kind: str
    values: Sequence[tuple[int, float | None]]


def _tick_text(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.1f}"
    if text in {"-0", "-0.0"}:
        text = text[1:]
    return f"{text}%" if unit == "percent" else text


def _trend_domain(values: Sequence[float], unit: str) -> tuple[float, float]:
    """The scale of a trend chart: progress scores both ways from zero (as the bar charts); other figures from
    a round number below the lowest to one above the highest (so a change of a few points shows), never below
    zero for figures that cannot be, nor past 100%."""
    if unit == "progress":
        return _domain(values, unit)
    low, high = min(values), max(values)
    raw = (high - low) / 4 or abs(high) / 10 or 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude)
    bottom, top = math.floor(low / step) * step, math.ceil(high / step) * step
    if bottom == low:
        bottom -= step
    if top == high:
        top += step
    if low >= 0:
        bottom = max(bottom, 0.0)
    if unit == "percent":
        top = min(top, 100.0) if high <= 100 else top
    return float(bottom), float(top)


def trend_chart(lines: Sequence[TrendInput], *, unit: str) -> TrendChart | None:
    """Lines over the years, one per input (this school, its LA, England), on one scale (``_trend_domain``).
    Years run left to right at even spacing by year, so a year with no figures shows as a gap; a line joins
    only consecutive years that both have a figure. None when no line has a figure."""
    values = [value for line in lines for _, value in line.values if value is not None]
    years = sorted({year for line in lines for year, _ in line.values})
    if not values or not years:
        return None
    low, high = _trend_domain(values, unit)
    legend_height = len(lines) * TREND_LEGEND_ROW
    top = float(legend_height + 12)
    bottom = top + TREND_PLOT_HEIGHT
    first, last = years[0], years[-1]
    span = TREND_PLOT_RIGHT - TREND_PLOT_LEFT

    def x(year: int) -> float:
        if first == last:
            return round(TREND_PLOT_LEFT + span / 2, 1)
        return round(TREND_PLOT_LEFT + (year - first) / (last - first) * span, 1)

    def y(value: float) -> float:
        share = (min(max(value, low), high) - low) / (high - low)
        return round(bottom - share * TREND_PLOT_HEIGHT, 1)

    series = []
    for index, line in enumerate(lines):
        points = tuple(
            TrendPoint(year, x(year), y(value) if value is not None else None) for year, value in sorted(line.values)
        )
        runs: list[list[TrendPoint]] = []
        previous: TrendPoint | None = None
        for point in points:
            if point.y is None:
                previous = None
                continue
            if previous is not None and point.year == previous.year + 1:
                runs[-1].append(point)
            else:
                runs.append([point])
            previous = point
        series.append(
            TrendSeries(
                label=line.label,
                kind=line.kind,
                points=points,
                runs=tuple(" ".join(f"{p.x},{p.y}" for p in run) for run in runs if len(run) > 1),
                legend_y=float(index * TREND_LEGEND_ROW + 14),
            )
        )
    tick_values = [low, (low + high) / 2, high]
    if low < 0 < high and 0.0 not in tick_values:
        tick_values.append(0.0)
    return TrendChart(
        width=TREND_WIDTH,
        height=int(bottom + TREND_AXIS_GAP + 4),
        series=tuple(series),
        years=tuple(AxisTick(str(year), x(year)) for year in years),
        ticks=tuple(AxisTick(_tick_text(value, unit), y(value)) for value in sorted(set(tick_values))),
        plot_left=TREND_PLOT_LEFT,
        plot_right=TREND_PLOT_RIGHT,
        plot_top=top,
        plot_bottom=bottom,
        year_label_y=bottom + TREND_AXIS_GAP,
        zero_y=y(0.0) if low < 0 < high else None,
    )


def measure_trend_chart(context: MeasureContext, *, la_name: str) -> TrendChart | None:
    """A measure's trend for a school page: the school's figures over its years, with its LA's and England's
    (not for counts, which have no comparison). A withheld figure is a gap, never 0."""
    measure = context.measure
    lines = [TrendInput("This school", "school", [(f.year, f.value) for f in context.years])]
    if measure.unit != "count":
        lines.append(TrendInput(la_name, "la", [(f.year, f.la) for f in context.years]))
        lines.append(TrendInput("England", "england", [(f.year, f.national) for f in context.years]))
    return trend_chart(lines, unit=measure.unit)


# The school profile's performance section ---------------------------------------------------------------------

KEY_STAGE_TITLES = {
    "EYFS": "Early years foundation stage",
    "phonics": "Phonics screening check",
    "KS1": "Key stage 1",
    "KS2": "Key stage 2",
    "KS4": "Key stage 4",
    "KS5": "16 to 18",
    "context": "Pupils and attendance",
}
KEY_STAGE_ORDER = ("EYFS", "phonics", "KS1", "KS2", "KS4", "KS5", "context")
TREND_WORDS = {"up": "Up", "down": "Down", "level": "Level"}


@dataclass(frozen=True)
class YearRow:
    """One year of a measure's table. Every ``*_text`` is a figure or the reason there is none."""

    year: int
    school_text: str
    school_missing: bool
    pupils: int | None
    la_text: str
    england_text: str
    difference_text: str
    significance: str
    interval_text: str


@dataclass(frozen=True)
class MeasurePanel:
    measure: Measure
    anchor: str
    unit_label: str
    difference_unit: str
    chart: TrendChart | None
    rows: tuple[YearRow, ...]
    trend: str
    shows_significance: bool
    has_comparison: bool

    @property
    def first_year(self) -> int:
        return self.rows[0].year

    @property
    def last_year(self) -> int:
        return self.rows[-1].year


@dataclass(frozen=True)
class KeyStageGroup:
    key_stage: str
    title: str
    panels: tuple[MeasurePanel, ...]


@dataclass(frozen=True)
class GapRow:
    label: str
    year: int
    disadvantaged_text: str
    national_other_text: str
    gap_text: str


@dataclass(frozen=True)
class StandardTag:
    year: int
    text: str
    colour: str  # GOV.UK tag modifier: red (flagged) or green (met)


@dataclass(frozen=True)
class StandardRow:
    rule: str
    tags: tuple[StandardTag, ...]


@dataclass(frozen=True)
class PerformanceSection:
    la_name: str
    groups: tuple[KeyStageGroup, ...] = ()
    gaps: tuple[GapRow, ...] = ()
    standards: tuple[StandardRow, ...] = ()
    flagged: tuple[StandardTag, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.groups


def _significance_text(figure: YearFigure) -> str:
    return figure.significance.capitalize() if figure.significance else ""


def _interval_text(figure: YearFigure, measure: Measure) -> str:
    if figure.lower is None or figure.upper is None:
        return ""
    return f"{figure_text(figure.lower, measure)} to {figure_text(figure.upper, measure)}"


def comparison_chart(context: MeasureContext, *, la_name: str) -> BarChart | None:
    """The latest year: this school, its LA and England, as bars (no chart for counts, or with no figure)."""
    latest = context.latest
    measure = context.measure
    if latest is None or measure.unit == "count":
        return None
    items = [
        BarInput(
            "This school",
            latest.value,
            value_or_reason(latest.value, measure, latest.missing_reason),
            "school",
            latest.lower,
            latest.upper,
        ),
        BarInput(la_name, latest.la, value_or_reason(latest.la, measure), "la"),
        BarInput("England", latest.national, value_or_reason(latest.national, measure), "england"),
    ]
    if latest.la is None and latest.national is None:
        return None
    return bar_chart(items, unit=measure.unit, caption=str(latest.year))


def measure_panel(context: MeasureContext, *, la_name: str) -> MeasurePanel:
    measure = context.measure
    rows = tuple(
        YearRow(
            year=figure.year,
            school_text=value_or_reason(figure.value, measure, figure.missing_reason),
            school_missing=figure.value is None,
            pupils=figure.pupils,
            la_text=value_or_reason(figure.la, measure),
            england_text=value_or_reason(figure.national, measure),
            difference_text=difference_text(figure.difference_from_national, measure),
            significance=_significance_text(figure),
            interval_text=_interval_text(figure, measure),
        )
        for figure in context.years
    )
    return MeasurePanel(
        measure=measure,
        anchor="measure-" + measure.code.replace(".", "-"),
        unit_label=UNIT_LABELS.get(measure.unit, measure.unit),
        difference_unit=difference_unit(measure),
        chart=measure_trend_chart(context, la_name=la_name),
        rows=rows,
        trend=TREND_WORDS.get(context.trend, ""),
        shows_significance=any(f.lower is not None and f.upper is not None for f in context.years),
        has_comparison=measure.unit != "count",
    )


def _gap_rows(performance: SchoolPerformance) -> tuple[GapRow, ...]:
    reasons = {
        (context.measure.code, figure.year): figure.missing_reason
        for context in performance.measures
        for figure in context.years
    }
    rows = []
    for gap in performance.gaps:
        measure = gap.measure
        label = measure.label
        if measure.of in catalogue().measures:
            label = catalogue().get(measure.of).label
        rows.append(
            GapRow(
                label=label,
                year=gap.year,
                disadvantaged_text=value_or_reason(
                    gap.disadvantaged, measure, reasons.get((measure.code, gap.year), "")
                ),
                national_other_text=value_or_reason(gap.national_other, measure),
                gap_text=difference_text(gap.gap, measure),
            )
        )
    return tuple(rows)


def standard_tag(flag: StandardFlag) -> StandardTag:
    """``Below floor standard 2019`` (red), ``Coasting 2018`` (red), ``Met floor standard 2018`` (green)."""
    if flag.kind == "coasting":
        text = f"Coasting {flag.year}" if flag.outcome == "below" else f"Not coasting {flag.year}"
    else:
        text = f"Below floor standard {flag.year}" if flag.outcome == "below" else f"Met floor standard {flag.year}"
    return StandardTag(year=flag.year, text=text, colour="red" if flag.outcome == "below" else "green")


def _standard_rows(flags: Sequence[StandardFlag]) -> tuple[StandardRow, ...]:
    by_rule: dict[str, list[StandardTag]] = {}
    for flag in flags:
        by_rule.setdefault(flag.rule, []).append(standard_tag(flag))
    return tuple(StandardRow(rule, tuple(sorted(tags, key=lambda t: t.year))) for rule, tags in by_rule.items())


def performance_section(performance: SchoolPerformance, *, la_name: str) -> PerformanceSection:
    """Measures grouped by key stage (in the catalogue's order), each with its chart and table; the
    disadvantaged gaps; and the floor and coasting standards, flagged years first."""
    grouped: dict[str, list[MeasurePanel]] = {}
    for context in performance.measures:
        grouped.setdefault(context.measure.key_stage, []).append(measure_panel(context, la_name=la_name))
    order = [*KEY_STAGE_ORDER, *sorted(set(grouped) - set(KEY_STAGE_ORDER))]
    groups = tuple(
        KeyStageGroup(stage, KEY_STAGE_TITLES.get(stage, stage), tuple(grouped[stage]))
        for stage in order
        if stage in grouped
    )
    standards = _standard_rows(performance.standards)
    flagged = tuple(
        sorted(
            (standard_tag(flag) for flag in performance.standards if flag.outcome == "below"),
            key=lambda tag: (-tag.year, tag.text),
        )
    )
    return PerformanceSection(
        la_name=la_name, groups=groups, gaps=_gap_rows(performance), standards=standards, flagged=flagged
    )


def school_performance_section(establishment: Establishment, *, years: int = CHART_YEARS) -> PerformanceSection:
    """The school page's performance section: each measure's last ``years`` years with figures, its trend chart
    and table (one call of ``school_performance``, so a fixed number of queries)."""
    authority = establishment.local_authority
    performance = school_performance(
        urn=establishment.urn,
        la_code=authority.code,
        phase=establishment.phase,
        special="special" in establishment.type_name.lower(),
        years=years,
    )
    return performance_section(performance, la_name=authority.name)
