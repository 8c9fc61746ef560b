"""Inspections on the same day: the model's history and context features must not depend on the order in which the
inspections happen to be read (the register is read in no particular order: ``headway.queries.rows_for``)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from headway.risk import features as F
from headway.risk.public_dates import inspection_available_expr
from headway.risk.sources import INSPECTION_SCHEMA, RESULT_SCHEMA, SCHOOL_SCHEMA, Evidence

SCHOOL, PREDECESSOR, NEIGHBOUR = 1, 2, 3
SAME_DAY = dt.date(2018, 5, 9)
AS_OF = dt.date(2020, 12, 31)


def evidence(inspections: list[tuple[int, int, dt.date, int]]) -> Evidence:
    """Three schools of one LA (the second the first's predecessor), with graded inspections
    (id, urn, start date, grade) in the order given."""
    schools = pl.DataFrame(
        [
            (urn, urn + 100000, "370", "Secondary", "Academy - converter", "Academy", "academy", None, None)
            for urn in (SCHOOL, PREDECESSOR, NEIGHBOUR)
        ],
        schema=SCHOOL_SCHEMA,
        orient="row",
    ).with_columns(urn=pl.col("id"))
    rows = [(pk, urn, day, day, grade, 0, "graded", True, grade > 2) for pk, urn, day, grade in inspections]
    return Evidence(
        schools=schools,
        inspections=pl.DataFrame(rows, schema=INSPECTION_SCHEMA, orient="row").with_columns(
            available=inspection_available_expr()
        ),
        results=pl.DataFrame(schema=RESULT_SCHEMA).with_columns(
            dataset=pl.lit(None, dtype=pl.Utf8), available=pl.lit(None, dtype=pl.Date)
        ),
        lineage=pl.DataFrame(
            [(SCHOOL, PREDECESSOR, 1, dt.date(2015, 9, 1))],
            schema={"urn": pl.Int64, "source_urn": pl.Int64, "generation": pl.Int64, "linked_on": pl.Date},
            orient="row",
        ),
    )


def features(inspections: list[tuple[int, int, dt.date, int]]) -> list[dict[str, float | None]]:
    queries = F.queries_frame([(SCHOOL, AS_OF), (NEIGHBOUR, AS_OF)])
    built = F.build_features(evidence(inspections), queries, families=["history", "context"])
    return built.drop("qid").to_dicts()


def test_on_the_same_day_the_schools_own_inspection_is_its_latest_grade_in_whatever_order_they_are_read() -> None:
    inspections = [
        (10, PREDECESSOR, dt.date(2014, 1, 15), 3),
        (11, PREDECESSOR, SAME_DAY, 2),  # the predecessor's last inspection, the day the school's first took place
        (12, SCHOOL, SAME_DAY, 1),
        (13, NEIGHBOUR, SAME_DAY, 4),  # recorded twice on the same day: the later record is the latest
        (14, NEIGHBOUR, SAME_DAY, 2),
    ]
    found = features(inspections)
    school, neighbour = found
    assert school["latest_grade"] == 1
    assert school["latest_grade_of_predecessor"] == 0
    assert school["previous_grade"] == 2
    assert school["grade_before_previous"] == 3
    assert neighbour["latest_grade"] == 2
    assert neighbour["previous_grade"] == 4
    # the LA's share below good counts each school's latest outcome: the neighbour's later record (grade 2)
    assert school["la_below_good_share"] == 0.0
    for reordered in (
        list(reversed(inspections)),
        inspections[2:] + inspections[:2],
        inspections[1::2] + inspections[::2],
    ):
        assert features(reordered) == found
