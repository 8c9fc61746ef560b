"""The school list as a download (CSV or spreadsheet): the schools the page finds, with its filters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import QuerySet

from headway.reports.downloads import Cell, Table, columns
from headway.schools.models import Establishment

COLUMNS = columns(
    "URN",
    ("School", 40),
    ("Local authority", 24),
    ("Area", 24),
    "Phase",
    ("Type", 30),
    "Maintained or academy",
    "Status",
    "Town",
    "Postcode",
    "Pupils",
    "Free school meals (%)",
    ("Latest graded inspection", 30),
    "Date of latest graded inspection",
)


def _rows(schools: QuerySet[Establishment]) -> Iterator[Sequence[Cell]]:
    for school in schools.iterator(chunk_size=2000):
        graded = getattr(school, "latest_grade", None) is not None
        yield (
            school.urn,
            school.name,
            school.local_authority.name,
            school.area.name if school.area is not None else None,
            school.phase,
            school.type_name,
            school.get_governance_display(),
            school.status,
            school.town,
            school.postcode,
            school.number_on_roll,
            school.percentage_fsm,
            getattr(school, "latest_grade_label", None) if graded else "No graded inspection",
            getattr(school, "latest_grade_date", None) if graded else None,
        )


def schools_table(schools: QuerySet[Establishment], *, filters: str) -> Table:
    """``schools`` as the school list finds them (``headway.schools.selectors.filter_establishments``)."""
    return Table(title="Schools", columns=COLUMNS, rows=_rows(schools), about=(("Filters", filters),))
