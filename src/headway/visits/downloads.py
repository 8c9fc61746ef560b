"""A visit plan as a download (CSV or spreadsheet): each school of an officer's caseload with its category,
last and next visits and the year's visits planned, done and overdue, as the "My schools" page lists them
(``headway.visits.selectors.caseload_rows``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from headway.accounts.models import User
from headway.reports.downloads import Cell, Table, columns
from headway.visits.selectors import CaseloadRow

COLUMNS = columns(
    "URN",
    ("School", 40),
    "Category",
    ("Category in words", 36),
    "Last visit",
    ("Purpose of the last visit", 36),
    "Next visit",
    ("Purpose of the next visit", 36),
    "Visits planned",
    "Visits done",
    "Visits overdue",
)


def _rows(rows: list[CaseloadRow]) -> Iterator[Sequence[Cell]]:
    for row in rows:
        decision, last, upcoming = row.decision, row.last_visit, row.next_visit
        yield (
            row.establishment.urn,
            row.establishment.name,
            decision.category if decision is not None else "Not categorised",
            decision.category_label if decision is not None else None,
            last.planned_on if last is not None else None,
            last.purpose if last is not None else None,
            upcoming.planned_on if upcoming is not None else None,
            upcoming.purpose if upcoming is not None else None,
            row.planned,
            row.done,
            row.overdue,
        )


def visit_plan_table(rows: list[CaseloadRow], *, officer: User, year_label: str, area: str) -> Table:
    return Table(
        title=f"Visit plan {year_label}".replace("/", " to "),
        columns=COLUMNS,
        rows=_rows(rows),
        about=(
            ("Link officer", officer.get_full_name() or officer.get_username()),
            ("Academic year", year_label),
            ("Area", area or "All"),
        ),
    )
