"""When each piece of evidence became public. A prediction *as of* a day uses only evidence public strictly
before it: this is the no-leakage rule, and these dates are the only place it is decided."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import polars as pl


class EvidenceKind(StrEnum):
    INSPECTION = "inspection"
    KS2 = "ks2"
    KS4 = "ks4"
    KS5 = "ks5"
    CENSUS = "census"
    ABSENCE = "absence"
    FINANCE = "finance"


#: An inspection whose publication date is unknown counts from 30 days after it started (reports are
#: published within about 25 working days; 30 calendar days is the conservative reading used here).
INSPECTION_REPORT_LAG = dt.timedelta(days=30)

#: Evidence for year Y: (years after Y, month, day) it is taken to be public.
#: KS2: performance tables in mid-December Y (provisional data in September are not used);
#: KS4 and 16-18: late January Y+1; the January census of Y: June Y; absence for Y: March Y+1;
#: a maintained school's finances (DfE's consistent financial reporting, CFR) for the financial year that ends
#: in March Y: published in December Y, taken from 31 January Y+1, with the KS4 tables.
RESULTS_PUBLISHED: dict[EvidenceKind, tuple[int, int, int]] = {
    EvidenceKind.KS2: (0, 12, 15),
    EvidenceKind.KS4: (1, 1, 31),
    EvidenceKind.KS5: (1, 1, 31),
    EvidenceKind.CENSUS: (0, 6, 30),
    EvidenceKind.ABSENCE: (1, 3, 31),
    EvidenceKind.FINANCE: (1, 1, 31),
}


def available_from(
    kind: EvidenceKind | str,
    *,
    year: int | None = None,
    start_date: dt.date | None = None,
    publication_date: dt.date | None = None,
) -> dt.date:
    """The day a piece of evidence became public. It may be used for a prediction *as of* a later day only.

    An inspection: its publication date if known (and not before it started), else 30 days after it
    started. Results and finances (``year`` = the summer, or the financial year's end, they belong to):
    see ``RESULTS_PUBLISHED``."""
    kind = EvidenceKind(kind)
    if kind == EvidenceKind.INSPECTION:
        if start_date is None:
            raise ValueError("an inspection needs its start date")
        if publication_date is not None and publication_date >= start_date:
            return publication_date
        return start_date + INSPECTION_REPORT_LAG
    if year is None:
        raise ValueError(f"{kind} evidence needs its year")
    years_after, month, day = RESULTS_PUBLISHED[kind]
    return dt.date(year + years_after, month, day)


def inspection_available_expr() -> pl.Expr:
    """``available_from`` for a frame of inspections (start_date, publication_date)."""
    return (
        pl.when(pl.col("publication_date").is_not_null() & (pl.col("publication_date") >= pl.col("start_date")))
        .then(pl.col("publication_date"))
        .otherwise(pl.col("start_date") + pl.duration(days=INSPECTION_REPORT_LAG.days))
    )


def results_available_expr() -> pl.Expr:
    """``available_from`` for a frame of results or finances (dataset, year)."""
    expr: pl.Expr = pl.lit(None, dtype=pl.Date)
    for kind, (years_after, month, day) in RESULTS_PUBLISHED.items():
        expr = (
            pl.when(pl.col("dataset") == str(kind))
            .then(pl.date(pl.col("year") + years_after, month, day))
            .otherwise(expr)
        )
    return expr
