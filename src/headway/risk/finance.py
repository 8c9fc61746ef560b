"""A maintained school's finances: DfE's consistent financial reporting (CFR) files, imported, and read by the
risk model as evidence of a school under strain (an in-year deficit, a shrinking income as rolls fall).

The shared national files (``financials_YYYY.csv``: ``URN, Income, Expenditure, Balance, Academic Year``) were
cut from DfE's ``england_cfrfull_YYYY.xlsx``: total income and total expenditure for the financial year that
ends in March of the year given, for LA-maintained schools only (academies file accounts returns for academic
years, which are not in these files). ``Balance`` is income less expenditure (the in-year balance, not the
school's reserves); it is checked, not stored. Reserves and staff costs are not in the files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import FloatField
from django.db.models.functions import Cast

from headway.imports.rows import Row
from headway.imports.services import Counts, ImportContext, Importer
from headway.queries import rows_for
from headway.risk.models import SchoolFinance
from headway.risk.public_dates import EvidenceKind, results_available_expr

FINANCE_SCHEMA = {"urn": pl.Int64, "year": pl.Int64, "income": pl.Float64, "expenditure": pl.Float64}

#: The features read from the finances, with their labels and kinds (see ``features.Feature``).
FINANCE_FEATURES: tuple[tuple[str, str, str], ...] = (
    ("finance_in_year_balance_pct", "In-year balance (% of income)", "signed_percent"),
    ("finance_in_year_balance_trend", "In-year balance: change on the year before (points)", "signed_percent"),
    ("finance_deficit_years", "Years in deficit of the latest three published", "number"),
    ("finance_income_change_pct", "Income: change on the year before (%)", "signed_percent"),
    ("finance_income_per_pupil", "Income per pupil on roll (pounds)", "money"),
    ("finance_years_old", "Years since the end of the latest published financial year", "years"),
)
FINANCE_FEATURE_NAMES: tuple[str, ...] = tuple(name for name, _, _ in FINANCE_FEATURES)

#: A balance further than this from zero (as a share of income) is a slip in the file, not a school's year: it
#: is imported (with a notice) but the model does not read that year. 1,400 of the 16,240 rows of 2016 are so.
IMPLAUSIBLE_BALANCE_SHARE = Decimal("0.5")


@dataclass
class FinanceRow:
    urn: int
    year: int
    income: Decimal
    expenditure: Decimal


class FinanceImporter(Importer[FinanceRow]):
    """DfE's school finance file (CFR): one row per maintained school and financial year."""

    kind = "finance"
    label = "DfE school finances (consistent financial reporting)"
    columns: Mapping[str, Sequence[str]] = {
        "urn": ("URN",),
        "income": ("Income", "Total Income"),
        "expenditure": ("Expenditure", "Total Expenditure"),
        "balance": ("Balance", "In-year balance"),
        "year": ("Academic Year", "Year", "Financial Year"),
    }
    required_columns: Sequence[str] = ("urn", "income", "expenditure")

    def __init__(self, *, year: int | None = None, **options: Any) -> None:
        super().__init__(**({"year": year} if year is not None else {}), **options)
        self.year = year

    def parse(self, row: Row) -> FinanceRow | None:
        urn = row.integer("urn", required=True, minimum=100000)
        income = row.decimal("income", places=2, required=True)
        expenditure = row.decimal("expenditure", places=2, required=True)
        balance = row.decimal("balance", places=2) if row.has("balance") else None
        year = row.integer("year", minimum=1990) if row.has("year") else None
        if year is None:
            year = self.year
            if year is None:
                row.error("year", "the file has no year: give one (--year)")
        elif self.year is not None and year != self.year:
            row.error("year", f"the row is for {year}, not {self.year}")
        if urn is None or income is None or expenditure is None or year is None:
            return None
        in_year = income - expenditure
        if balance is not None and abs(in_year - balance) > Decimal("1.00"):
            row.error("balance", f"{balance} is not income less expenditure ({in_year})")
        if income > 0 and abs(in_year) > IMPLAUSIBLE_BALANCE_SHARE * income:
            row.notice("balance", "an in-year balance above half the income: imported, but check the file")
        if row.errors:
            return None
        return FinanceRow(urn=urn, year=year, income=income, expenditure=expenditure)

    def apply(self, records: list[FinanceRow], context: ImportContext) -> Counts:
        counts = Counts()
        years = sorted({r.year for r in records})
        existing = {
            (urn, year): (pk, income, expenditure)
            for pk, urn, year, income, expenditure in SchoolFinance.objects.filter(year__in=years).values_list(
                "id", "urn", "year", "income", "expenditure"
            )
        }
        new: list[SchoolFinance] = []
        changed: list[SchoolFinance] = []
        seen: set[tuple[int, int]] = set()
        for record in records:
            key = (record.urn, record.year)
            if key in seen:
                context.notices.append(f"URN {record.urn} appears twice for {record.year}: the first row is kept")
                continue
            seen.add(key)
            old = existing.get(key)
            if old is None:
                new.append(
                    SchoolFinance(
                        urn=record.urn,
                        year=record.year,
                        income=record.income,
                        expenditure=record.expenditure,
                        source_import=context.run,
                    )
                )
            elif (old[1], old[2]) != (record.income, record.expenditure):
                changed.append(
                    SchoolFinance(
                        id=old[0],
                        urn=record.urn,
                        year=record.year,
                        income=record.income,
                        expenditure=record.expenditure,
                        source_import=context.run,
                    )
                )
            else:
                counts.unchanged += 1
        SchoolFinance.objects.bulk_create(new, batch_size=1000)
        SchoolFinance.objects.bulk_update(changed, ["income", "expenditure", "source_import"], batch_size=1000)
        counts.created, counts.updated = len(new), len(changed)
        return counts


def finance_frame(urns: Sequence[int] | None = None) -> pl.DataFrame:
    """Every school's finances (or those of ``urns``) with the day each year became public (``available``)."""
    query = SchoolFinance.objects.annotate(
        income_f=Cast("income", FloatField()), expenditure_f=Cast("expenditure", FloatField())
    )
    fields = ("urn", "year", "income_f", "expenditure_f")  # whole numbers and floats
    rows = rows_for(query, "urn", None if urns is None else set(urns), fields, as_stored=True)
    return (
        pl.DataFrame(rows, schema=FINANCE_SCHEMA, orient="row")
        .with_columns(dataset=pl.lit(str(EvidenceKind.FINANCE)))
        .with_columns(available=results_available_expr())
        .drop("dataset")
    )


def finance_features(finance: pl.DataFrame, lineage: pl.DataFrame, pupils: pl.DataFrame) -> pl.DataFrame:
    """``qid`` and ``FINANCE_FEATURE_NAMES`` for each query of ``lineage`` (``qid``, ``as_of``, ``source_urn``,
    ``generation``): the latest three financial years public before the query's day (the school's own
    before a predecessor's). ``pupils``: ``qid`` and ``pupils_on_roll`` (null where unknown)."""
    seen = (
        lineage.join(finance, left_on="source_urn", right_on="urn")
        .filter(pl.col("available") < pl.col("as_of"))  # the no-leakage rule
        .sort("generation")
        .unique(subset=["qid", "year"], keep="first")
        .filter(
            (pl.col("income") > 0)
            & ((pl.col("income") - pl.col("expenditure")).abs() <= float(IMPLAUSIBLE_BALANCE_SHARE) * pl.col("income"))
        )
        .with_columns(
            balance_pct=(pl.col("income") - pl.col("expenditure")) / pl.col("income") * 100.0,
            recency=pl.col("year").rank("ordinal", descending=True).over("qid"),
        )
        .filter(pl.col("recency") <= 3)
    )
    latest = seen.filter(pl.col("recency") == 1)
    previous = seen.filter(pl.col("recency") == 2).select(
        "qid", pl.col("balance_pct").alias("previous_pct"), pl.col("income").alias("previous_income"), "year"
    )
    deficits = seen.group_by("qid").agg((pl.col("balance_pct") < 0).sum().cast(pl.Float64).alias("deficit_years"))
    frame = (
        latest.join(previous.rename({"year": "previous_year"}), on="qid", how="left")
        .join(deficits, on="qid", how="left")
        .join(pupils, on="qid", how="left")
        .select(
            "qid",
            pl.col("balance_pct").alias("finance_in_year_balance_pct"),
            pl.when(pl.col("previous_year") == pl.col("year") - 1)
            .then(pl.col("balance_pct") - pl.col("previous_pct"))
            .alias("finance_in_year_balance_trend"),
            pl.col("deficit_years").alias("finance_deficit_years"),
            pl.when(pl.col("previous_year") == pl.col("year") - 1)
            .then((pl.col("income") / pl.col("previous_income") - 1.0) * 100.0)
            .alias("finance_income_change_pct"),
            pl.when(pl.col("pupils_on_roll") > 0)
            .then(pl.col("income") / pl.col("pupils_on_roll"))
            .alias("finance_income_per_pupil"),
            ((pl.col("as_of") - pl.date(pl.col("year"), 3, 31)).dt.total_days().cast(pl.Float64) / 365.25).alias(
                "finance_years_old"
            ),
        )
    )
    return frame.select("qid", *[pl.col(name).cast(pl.Float64) for name in FINANCE_FEATURE_NAMES])
