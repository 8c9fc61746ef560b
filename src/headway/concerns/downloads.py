"""The register of schools causing concern as a download (CSV or spreadsheet): the lines the register page
shows (``headway.concerns.selectors.register_rows``), with its area filter."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from headway.accounts.notices import name_and_title
from headway.reports.downloads import Cell, Table, columns
from headway.schools.models import LocalAuthority

COLUMNS = columns(
    "URN",
    ("School", 40),
    "Maintained or academy",
    "On the register since",
    "Months on the register",
    ("Status", 24),
    "Removed on",
    ("Lead officer", 24),
    ("Triggers", 50),
    "Warning notice issued on",
    ("Warning notice outcome", 24),
    "Plan review due",
    "Plan review overdue",
)


def _rows(rows: list[dict[str, Any]]) -> Iterator[Sequence[Cell]]:
    for row in rows:
        concern = row["concern"]
        school = concern.establishment
        lead = concern.lead_officer
        notice = row["notice"]
        yield (
            school.urn,
            school.name,
            school.get_governance_display(),
            concern.designated_on,
            row["months"],
            concern.get_status_display(),
            concern.removed_on,
            name_and_title(lead) if lead is not None else "None",
            "; ".join(str(t.get("label") or t.get("name") or "") for t in concern.triggers) or "None recorded",
            notice.issued_on if notice is not None else None,
            notice.get_outcome_display() if notice is not None else None,
            row["review_due"],
            row["overdue"],
        )


def register_table(authority: LocalAuthority, rows: list[dict[str, Any]], *, include_removed: bool, area: str) -> Table:
    return Table(
        title="Schools causing concern",
        columns=COLUMNS,
        rows=_rows(rows),
        about=(
            ("Local authority", authority.name),
            ("Schools", "On the register now or before" if include_removed else "On the register now"),
            ("Area", area or "All"),
        ),
    )
