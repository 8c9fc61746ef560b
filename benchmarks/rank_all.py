"""Benchmark: every LA's value and rank for every catalogue measure of a year.

Loads DfE's school information file (to place schools in LAs) and the 2019 performance-table files of the
shared data folder into a fresh database, then times ``headway.performance.benchmarks.la_figures`` for every
catalogue measure published in 2019, against a plain Polars group-by (pupil-weighted mean and rank per LA) of
the same school rows already in memory. Prints a table and, with ``--json``, one JSON object on the last line.

    .venv/bin/python benchmarks/rank_all.py [--shared ../shared/data] [--repeat 3] [--json] [--baseline FILE]

Without ``HEADWAY_DATABASE_URL`` a SQLite database in a temporary directory is used and removed.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from fresh_database import run_on_fresh_database

ROOT = Path(__file__).resolve().parent.parent
FILES_2019 = (
    ("ks2", "waiky8__england_ks2final.csv"),
    ("ks4", "kspdev__england_ks4provisional.csv"),
    ("ks5", "waiky8__england_ks5final.csv"),
    ("census", "kspdev__england_census.csv"),
    ("absence", "kspdev__england_abs.csv"),
    ("ks4-destinations", "kspdev__england_ks4-pupdest.csv"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--year", type=int, default=2019)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--baseline", type=Path, help="an earlier --json result to compare with")
    args = parser.parse_args()

    return run_on_fresh_database(lambda database: run(args, database), prefix="headway-rank-bench-")


def run(args: argparse.Namespace, database: str) -> int:
    import polars as pl

    from headway.imports.registry import importer_for
    from headway.imports.services import run_import
    from headway.performance.benchmarks import la_figures, school_results_frame
    from headway.performance.catalogue import catalogue

    started = time.perf_counter()
    spine = run_import(
        importer_for("spine"), args.shared / "england-2016-2018" / "2017-2018_england_spine.xlsx", actor_name="bench"
    )
    assert not spine.rejected, spine.errors[:3]
    for dataset, name in FILES_2019:
        result = run_import(
            importer_for("performance", dataset=dataset, year=args.year),
            args.shared / "dfe-2019" / name,
            actor_name="bench",
        )
        assert not result.rejected, result.errors[:3]
    load_seconds = time.perf_counter() - started
    measures = [m for m in catalogue().measures.values() if args.year in m.years and m.ranked]

    def headway_all() -> int:
        return sum(len(la_figures(year=args.year, measure_code=m.code)) for m in measures)

    frame = school_results_frame(year=args.year, measures=[m.code for m in measures])

    def polars_all() -> int:
        grouped = (
            frame.filter(pl.col("value").is_not_null() & pl.col("pupils").is_not_null() & (pl.col("la_code") != ""))
            .group_by("measure", "la_code")
            .agg(((pl.col("value") * pl.col("pupils")).sum() / pl.col("pupils").sum()).alias("value"))
            .with_columns(pl.col("value").rank("min", descending=True).over("measure").alias("rank"))
        )
        return grouped.height

    def polars_with_read() -> int:
        nonlocal frame
        frame = school_results_frame(year=args.year, measures=[m.code for m in measures])
        return polars_all()

    def best(function: object) -> tuple[float, int]:
        times = []
        count = 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            count = function()  # type: ignore[operator]
            times.append(time.perf_counter() - start)
        return min(times), count

    headway_seconds, rows = best(headway_all)
    polars_seconds, polars_rows = best(polars_all)
    read_seconds, _ = best(polars_with_read)
    result = {
        "year": args.year,
        "measures": len(measures),
        "la_rows": rows,
        "school_rows": frame.height,
        "headway_la_figures_s": round(headway_seconds, 4),
        "polars_group_by_s": round(polars_seconds, 4),
        "ratio_vs_polars": round(headway_seconds / polars_seconds, 1) if polars_seconds else None,
        "polars_read_and_group_by_s": round(read_seconds, 4),
        "ratio_vs_polars_with_read": round(headway_seconds / read_seconds, 2) if read_seconds else None,
        "database": database,
        "load_s": round(load_seconds, 1),
    }
    print(f"rank_all: {len(measures)} measures, {rows} LA figures from {frame.height} school rows ({database})")
    print(f"  headway la_figures (DB read, published first, rank)  {headway_seconds:8.3f} s")
    print(f"  polars group-by + rank of the rows in memory          {polars_seconds:8.3f} s  ({polars_rows} rows)")
    print(f"  the same, reading the rows from the database first    {read_seconds:8.3f} s")
    print(f"  ratio vs polars in memory {result['ratio_vs_polars']}x;", end=" ")
    print(f"vs polars with the read {result['ratio_vs_polars_with_read']}x")
    if args.baseline and args.baseline.exists():
        baseline = json.loads(args.baseline.read_text().strip().splitlines()[-1])
        print(f"  vs baseline: {headway_seconds / baseline['headway_la_figures_s']:.2f}x the time")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
