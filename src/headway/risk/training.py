"""Which schools were open on a day, and the examples a model trained on a cut date may learn from.

A school is open on a day when the register says it had opened (or does not say when) and had not closed,
and its URN already existed: a converter or sponsored academy's URN starts on the day of its GIAS
predecessor link, so a URN whose first predecessor link is later than the day was not yet a school then
(its predecessor was, under its own URN). The national spine gives opening dates only for schools opened
from 2017, so without this every later academy would count as open years before it existed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import polars as pl

from headway.schools.models import Governance

if TYPE_CHECKING:
    from headway.risk.sources import Evidence

#: Establishments the model is about: state-funded schools (not independent schools or colleges).
OUT_OF_SCOPE_TYPE_GROUPS = {
    "independent school",
    "independent schools",
    "college",
    "colleges",
    "universities",
    "welsh schools",
    "online provider",
}

TRAINING_SCHEMA = {
    "qid": pl.Int64,
    "establishment_id": pl.Int64,
    "as_of": pl.Date,
    "inspection_id": pl.Int64,
    "inspected": pl.Int64,
    "label": pl.Int64,
}


def in_scope(type_group: str, governance: str) -> bool:
    """A state-funded school: maintained, academy, free school, special school, PRU or nursery."""
    return governance != Governance.INDEPENDENT and type_group.strip().lower() not in OUT_OF_SCOPE_TYPE_GROUPS


def scoped_ids(evidence: Evidence) -> set[int]:
    """Ids of the state-funded schools in the evidence."""
    return {
        pk
        for pk, group, governance in evidence.schools.select("id", "type_group", "governance").iter_rows()
        if in_scope(group or "", governance or "")
    }


def open_schools(evidence: Evidence, *, on: dt.date, la_code: str | None = None) -> pl.DataFrame:
    """State-funded schools open on a day: opened on or before it (or not known), not closed by it, and
    under a URN that existed then (no first predecessor link after the day)."""
    schools = evidence.schools.join(evidence.started, on="urn", how="left").filter(
        (pl.col("open_date").is_null() | (pl.col("open_date") <= on))
        & (pl.col("close_date").is_null() | (pl.col("close_date") > on))
        & (pl.col("started_on").is_null() | (pl.col("started_on") <= on))
    )
    if la_code is not None:
        schools = schools.filter(pl.col("la_code") == la_code)
    keep = [
        in_scope(group or "", governance or "")
        for group, governance in schools.select("type_group", "governance").iter_rows()
    ]
    schools = schools.filter(pl.Series(keep, dtype=pl.Boolean)) if keep else schools
    return schools.drop("started_on")


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` earlier (the 28th at most where the month is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, 28) if day.day > 28 else day.day)


def training_queries(
    evidence: Evidence,
    *,
    until: dt.date,
    since: dt.date | None = None,
    design: str = "window",
    horizon_months: int = 24,
    step_months: int = 6,
) -> pl.DataFrame:
    """The examples a model trained on ``until`` may learn from, each a query (``qid``, ``establishment_id``,
    ``as_of``) with ``inspected`` (1 = a graded or report-card inspection in the example's window), ``label``
    (1 = that inspection was below good) and the ``inspection_id`` they rest on (null for none). Only
    outcomes public on or before ``until`` are used, and only state-funded schools.

    ``design="window"``: snapshots every ``step_months`` back from ``until`` less the horizon (to ``since``):
    every school open on the snapshot day, with its first judging inspection in the following
    ``horizon_months``: what a ranking of every open school is judged on.
    ``design="inspection"``: every judging inspection (started on or after ``since``) as of its own start
    date, labelled with its outcome: the probability that the next inspection, whenever it comes, is below good."""
    if design == "inspection":
        return _inspection_training_queries(evidence, until=until, since=since)
    if design != "window":
        raise ValueError(f"unknown training design {design!r}: window or inspection")
    known = evidence.inspections.filter(pl.col("judging") & (pl.col("available") <= until))
    first_day = until + dt.timedelta(days=1)
    snapshot = months_before(first_day, horizon_months)
    frames = []
    while since is None or snapshot >= since:
        window_end = min(months_before(snapshot, -horizon_months), first_day)
        schools = open_schools(evidence, on=snapshot).select(pl.col("id").alias("establishment_id"), "urn")
        if schools.is_empty():
            break
        first = (
            known.filter((pl.col("start_date") >= snapshot) & (pl.col("start_date") < window_end))
            .sort("start_date", "inspection_id")
            .group_by("urn", maintain_order=True)
            .first()
            .select("urn", "inspection_id", pl.col("below_good").cast(pl.Int64).alias("label"))
        )
        frames.append(
            schools.join(first, on="urn", how="left").select(
                "establishment_id",
                pl.lit(snapshot, dtype=pl.Date).alias("as_of"),
                "inspection_id",
                pl.col("inspection_id").is_not_null().cast(pl.Int64).alias("inspected"),
                pl.col("label").fill_null(0),
            )
        )
        snapshot = months_before(snapshot, step_months)
        if since is None and snapshot.year < 2005:
            break
    if not frames:
        return pl.DataFrame(schema=TRAINING_SCHEMA)
    rows = pl.concat(frames).sort("as_of", "establishment_id")
    return rows.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("qid"), *list(TRAINING_SCHEMA)[1:])


def _inspection_training_queries(evidence: Evidence, *, until: dt.date, since: dt.date | None) -> pl.DataFrame:
    ids = scoped_ids(evidence)
    rows = evidence.inspections.filter(
        pl.col("judging") & (pl.col("available") <= until) & (pl.col("start_date") < until)
    )
    if since is not None:
        rows = rows.filter(pl.col("start_date") >= since)
    rows = rows.join(evidence.schools.select(pl.col("id").alias("establishment_id"), "urn"), on="urn")
    rows = rows.filter(pl.col("establishment_id").is_in(list(ids))).sort(
        "start_date", "establishment_id", "inspection_id"
    )
    return rows.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("qid"),
        "establishment_id",
        pl.col("start_date").alias("as_of"),
        "inspection_id",
        pl.lit(1, dtype=pl.Int64).alias("inspected"),
        pl.col("below_good").cast(pl.Int64).alias("label"),
    )
