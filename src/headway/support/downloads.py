"""Commissioned support as a download (CSV or spreadsheet): the commissions the page lists
(``headway.support.selectors.commissions_for``), with its filters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from headway.reports.downloads import Cell, Table, columns
from headway.schools.models import LocalAuthority
from headway.support.selectors import CommissionRow

COLUMNS = columns(
    ("Need", 24),
    ("What the support is", 50),
    "Status",
    "URN",
    ("School", 40),
    ("Provider", 30),
    "Starts on",
    "Ends on",
    "Days",
    "Hours",
    "Days delivered",
    "Day rate (£)",
    "Cost (£)",
    "Paid by",
    "Impact",
)


def _rows(rows: list[CommissionRow]) -> Iterator[Sequence[Cell]]:
    for row in rows:
        commission = row.commission
        yield (
            commission.need,
            commission.description,
            commission.get_status_display(),
            commission.establishment.urn,
            commission.establishment.name,
            commission.provider.name,
            commission.starts_on,
            commission.ends_on,
            commission.days,
            row.hours,
            row.delivered,
            commission.day_rate,
            commission.cost,
            commission.get_paid_by_display(),
            row.evaluation.get_rating_display() if row.evaluation is not None else "Not evaluated",
        )


def commissions_table(authority: LocalAuthority, rows: list[CommissionRow], *, filters: str) -> Table:
    return Table(
        title="Commissioned support",
        columns=COLUMNS,
        rows=_rows(rows),
        about=(("Local authority", authority.name), ("Filters", filters)),
    )
