"""How much an import costs beside the bare minimum: reading the same file and bulk-writing the same rows.

    .venv/bin/python benchmarks/import_speed.py [--file F --dataset D --year Y] [--repeat 5] [--json]

For DfE's national KS2 file of 2019 (``../shared/data/dfe-2019/waiky8__england_ks2final.csv``, 16,355 rows) it
times, in a fresh database, side by side:

* **baseline**: ``csv.reader`` over the file, one ``SchoolResult`` per school and catalogue measure (the value
  as a Decimal, or no value with DfE's marker), written with ``bulk_create`` in one transaction (SQLite) or
  with ``COPY`` (PostgreSQL);
* **import**: ``run_import`` of the same file (every check, every notice, the import record and audit),
  into the same empty table.

and reports the ratio import / baseline (target: within 2x). It also times reading DfE's national school
information workbook (``2017-2018_england_spine.xlsx``, 26,078 rows) with openpyxl and with python-calamine, the
reader the importers use. The baseline and the import run in turn, ``--repeat`` times each, and the best of each
is kept.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fresh_database import ROOT, emptied, run_on_fresh_database

SHARED = next(
    (p for p in (ROOT.parent / "shared" / "data", Path("/work/shared/data")) if p.exists()), Path("shared/data")
)


def baseline(path: Path, dataset: str, year: int, vendor: str) -> tuple[float, int]:
    from django.db import connection, transaction

    from headway.imports.models import ImportRun
    from headway.performance.catalogue import catalogue
    from headway.performance.importers import MARKERS
    from headway.performance.models import SchoolResult

    run = ImportRun.objects.create(
        kind="bench",
        file_name=path.name,
        sha256="",
        actor_name="bench",
        started_at="2026-01-01T00:00Z",
        finished_at="2026-01-01T00:00Z",
    )
    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader)]
        positions = {h.lower(): i for i, h in enumerate(header)}
        measures = []
        for measure in catalogue().for_dataset(dataset):
            if year not in measure.years:
                continue
            found = next((positions[c.lower()] for c in measure.columns if c.lower() in positions), None)
            if found is not None:
                measures.append((measure.code, found))
        urn_at = positions["urn"]
        rows: list[tuple[Any, ...]] = []
        for cells in reader:
            urn = cells[urn_at].strip()
            if not urn.isdigit():
                continue
            for code, index in measures:
                text = cells[index].strip() if index < len(cells) else ""
                value: Decimal | None = None
                reason = ""
                if text.upper() in MARKERS:
                    reason = text.upper() or "blank"
                else:
                    try:
                        value = Decimal(text.rstrip("%"))
                    except InvalidOperation:
                        reason = "blank"
                rows.append((int(urn), year, code, value, reason))
    if vendor == "postgresql":
        table = SchoolResult._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            columns = (
                "urn, year, measure, value, missing_reason, la_code, school_kind, source_import_id, source_release,"
                " source_layout"
            )
            with cursor.connection.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for urn, y, code, value, reason in rows:
                    copy.write_row((urn, y, code, value, reason, "", "", run.pk, "", ""))
    else:
        with transaction.atomic():
            SchoolResult.objects.bulk_create(
                [
                    SchoolResult(urn=urn, year=y, measure=code, value=value, missing_reason=reason, source_import=run)
                    for urn, y, code, value, reason in rows
                ],
                batch_size=2000,
            )
    elapsed = time.perf_counter() - started
    emptied(SchoolResult)
    return elapsed, len(rows)


def full_import(path: Path, dataset: str, year: int) -> tuple[float, int]:
    from headway.imports.registry import importer_for
    from headway.imports.services import run_import
    from headway.performance.models import PublishedFigure, SchoolResult

    started = time.perf_counter()
    result = run_import(importer_for("performance", dataset=dataset, year=year), path, actor_name="benchmark")
    elapsed = time.perf_counter() - started
    if result.rejected:
        raise SystemExit(f"the import was rejected: {result.errors[:3]}")
    written = SchoolResult.objects.count()
    emptied(SchoolResult, PublishedFigure)
    return elapsed, written


def xlsx_reads(path: Path) -> dict[str, float]:
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    openpyxl_rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    openpyxl_s = time.perf_counter() - started
    started = time.perf_counter()
    calamine_rows = sum(1 for _ in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())
    calamine_s = time.perf_counter() - started
    assert openpyxl_rows == calamine_rows, (openpyxl_rows, calamine_rows)
    return {"openpyxl_s": openpyxl_s, "calamine_s": calamine_s, "rows": openpyxl_rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=SHARED / "dfe-2019" / "waiky8__england_ks2final.csv")
    parser.add_argument("--dataset", default="ks2")
    parser.add_argument("--year", type=int, default=2019)
    parser.add_argument("--xlsx", type=Path, default=SHARED / "england-2016-2018" / "2017-2018_england_spine.xlsx")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    def run(vendor: str) -> int:
        # Side by side: each baseline run is followed by an import, so that a busy moment of the machine
        # weighs on both alike; the best of each is kept.
        bare_runs, import_runs = [], []
        for _ in range(args.repeat):
            bare_runs.append(baseline(args.file, args.dataset, args.year, vendor))
            import_runs.append(full_import(args.file, args.dataset, args.year))
        bare, imported = min(bare_runs), min(import_runs)
        reads = [xlsx_reads(args.xlsx) for _ in range(min(args.repeat, 3))]
        result = {
            "database": vendor,
            "file": args.file.name,
            "rows_written": imported[1],
            "baseline_rows": bare[1],
            "baseline_s": round(bare[0], 3),
            "import_s": round(imported[0], 3),
            "ratio_import_vs_baseline": round(imported[0] / bare[0], 2),
            "xlsx_rows": reads[0]["rows"],
            "xlsx_openpyxl_s": round(min(r["openpyxl_s"] for r in reads), 3),
            "xlsx_calamine_s": round(min(r["calamine_s"] for r in reads), 3),
        }
        result["ratio_openpyxl_vs_calamine"] = round(result["xlsx_openpyxl_s"] / result["xlsx_calamine_s"], 1)
        if args.json:
            print(json.dumps(result))
        else:
            print(
                f"{vendor}: {args.file.name}: baseline (read + bulk write of {bare[1]} rows) {bare[0]:.2f} s; "
                f"import {imported[0]:.2f} s ({imported[1]} rows); ratio {result['ratio_import_vs_baseline']}x\n"
                f"{args.xlsx.name} ({result['xlsx_rows']} rows): openpyxl {result['xlsx_openpyxl_s']} s, "
                f"calamine {result['xlsx_calamine_s']} s ({result['ratio_openpyxl_vs_calamine']}x)"
            )
        return 0

    return run_on_fresh_database(run, prefix="headway-import-speed-")


if __name__ == "__main__":
    raise SystemExit(main())
