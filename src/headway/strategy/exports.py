"""The KPI table as CSV rows (the command line) and as a download, CSV or an Excel workbook (board papers)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from headway.reports import downloads
from headway.reports.downloads import Cell, Column, Table
from headway.strategy.selectors import KpiReport, KpiRow

CSV_COLUMNS = (
    "indicator",
    "measure",
    "scope",
    "baseline_year",
    "baseline_value",
    "baseline_source",
    "target",
    "target_year",
    "actual",
    "actual_source",
    "rank",
    "of",
    "national",
    "national_source",
    "region",
    "regional",
    "regional_source",
    "met",
    "group",
    "owner",
    "local_actual",
    "local_source",
)

XLSX_COLUMNS = (
    ("Indicator", 60),
    ("Measure", 18),
    ("Pupils", 22),
    ("Baseline year", 10),
    ("Baseline", 10),
    ("Baseline source", 12),
    ("Target", 36),
    ("Target year", 10),
    ("Actual", 10),
    ("Actual source", 12),
    ("Rank", 8),
    ("Of", 8),
    ("National", 10),
    ("Region", 14),
    ("Regional average", 12),
    ("Regional source", 12),
    ("Met", 10),
    ("Group", 30),
    ("Owner", 30),
    ("Entered locally", 12),
    ("Notes", 60),
)


def _met(row: KpiRow) -> str:
    return row.met_text.lower()


def csv_rows(rows: list[KpiRow]) -> list[list[Any]]:
    """Header and one row per KPI (``headway kpi table --csv``); blanks for no figure, and text that a
    spreadsheet would read as a formula neutralised (headway.reports.downloads.neutralise)."""
    table: list[list[Any]] = [list(CSV_COLUMNS)]
    for row in rows:
        table.append(
            [
                row.indicator,
                row.measure,
                row.scope,
                row.baseline_year,
                row.baseline_value,
                row.baseline_source,
                row.target,
                row.target_year,
                row.actual,
                row.actual_source,
                row.rank,
                row.of,
                row.national,
                row.national_source,
                row.region,
                row.regional,
                row.regional_source,
                _met(row),
                row.group,
                row.owner,
                row.local_actual,
                row.local_source,
            ]
        )
    return [
        ["" if value is None else downloads.neutralise(value) if isinstance(value, str) else value for value in line]
        for line in table
    ]


def _xlsx_rows(report: KpiReport) -> Iterator[Sequence[Cell]]:
    for row in report.rows:
        yield (
            row.indicator,
            row.measure_label or row.measure,  # what the measure is, in words, never its catalogue code
            row.scope_label,
            row.baseline_year,
            row.baseline_value,
            row.baseline_source,
            row.target,
            row.target_year,
            row.actual,
            row.actual_source,
            row.rank,
            row.of,
            row.national,
            row.region or None,
            row.regional,
            row.regional_source,
            row.met_text,
            row.group or None,
            row.owner or None,
            row.local_actual,
            "; ".join(row.notes) or None,
        )


def download_table(report: KpiReport) -> Table:
    """The KPI table as the page shows it, for the CSV and spreadsheet downloads (headway.reports.downloads:
    headings in words, and no cell that a spreadsheet could read as a formula)."""
    kpi_set = report.kpi_set
    return Table(
        title=f"KPIs {report.year}",
        columns=tuple(Column(title, width) for title, width in XLSX_COLUMNS),
        rows=_xlsx_rows(report),
        about=(
            ("Local authority", f"{report.local_authority.name} ({report.local_authority.code})"),
            ("KPI set", kpi_set.name if kpi_set is not None else ""),
            ("Version", kpi_set.version if kpi_set is not None else ""),
            ("Year", report.year),
            ("Rank", "Among all local authorities with a figure: 1 = best; tied authorities share a rank."),
            ("Met", "No data = a figure the target needs is missing (never Not met); No target = monitored only."),
            (
                "Sources",
                "published = DfE's own LA or national figure; computed = Headway's pupil-weighted mean of "
                "the LA's school figures; derived = a gap worked out from DfE's published figures (the LA's group "
                "minus England's other pupils); local = entered by the LA itself where there is no public figure "
                "(its source is in the notes); kpi set = the baseline as the KPI set gives it.",
            ),
        ),
    )


def xlsx_bytes(report: KpiReport) -> bytes:
    """A workbook: the KPI table (bold header row, one row per KPI) and a sheet saying what it is."""
    return downloads.xlsx_bytes(download_table(report))
