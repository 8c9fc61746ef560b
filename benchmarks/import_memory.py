"""Does an import's memory stay flat as the file grows? Imports 25%, 50% and 100% of national files and
reports each import's peak Python heap (``tracemalloc``) and the ratio to the 25% import's.

    .venv/bin/python benchmarks/import_memory.py [--json]

Files (from ``../shared/data``): DfE's national KS2 results 2019 (``dfe-2019/waiky8__england_ks2final.csv``,
16,355 rows, ``performance --dataset ks2 --year 2019``) and GIAS links (``gias-links/links_edubasealldata
20250422.csv``, 33,801 rows). Each part is the file's header and its first N rows, written to a temporary
folder; each import runs into empty tables (the previous import's rows are deleted first), after one import of
the 25% part that is not measured (the first import of a process also loads what every import needs). A ratio of 1.0
means memory flat; 4.0 means memory grows with the file.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fresh_database import ROOT, emptied, run_on_fresh_database

SHARED = next(
    (p for p in (ROOT.parent / "shared" / "data", Path("/work/shared/data")) if p.exists()), Path("shared/data")
)
FILES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("performance", "dfe-2019/waiky8__england_ks2final.csv", {"dataset": "ks2", "year": 2019}),
    ("gias-links", "gias-links/links_edubasealldata20250422.csv", {}),
)
FRACTIONS = (0.25, 0.5, 1.0)


def part_of(source: Path, fraction: float, folder: Path) -> tuple[Path, int]:
    lines = source.read_bytes().splitlines(keepends=True)
    rows = int((len(lines) - 1) * fraction)
    target = folder / f"{source.stem}_{int(fraction * 100)}pct{source.suffix}"
    target.write_bytes(b"".join(lines[: rows + 1]))
    return target, rows


def empty_tables() -> None:
    from headway.performance.models import PublishedFigure, SchoolResult
    from headway.schools.models import EstablishmentLink

    emptied(SchoolResult, PublishedFigure, EstablishmentLink)


def measure(kind: str, path: Path, options: dict[str, Any]) -> dict[str, float]:
    from headway.imports.registry import importer_for
    from headway.imports.services import run_import

    empty_tables()
    importer = importer_for(kind, **options)
    tracemalloc.start()
    started = time.perf_counter()
    result = run_import(importer, path, actor_name="benchmark")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if result.rejected:
        raise SystemExit(f"{path.name} was rejected: {result.errors[:3]}")
    return {"peak_mb": round(peak / 2**20, 1), "seconds": round(elapsed, 2), "created": result.created}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    def run(vendor: str) -> int:
        report: dict[str, Any] = {"database": vendor, "files": []}
        with tempfile.TemporaryDirectory(prefix="headway-import-memory-") as folder:
            for kind, name, options in FILES:
                parts = []
                # Once first, not measured: the first import of a process also loads what every import needs
                # (modules, the catalogue, policies), which would count as the 25% import's own.
                measure(kind, part_of(SHARED / name, FRACTIONS[0], Path(folder))[0], options)
                for fraction in FRACTIONS:
                    path, rows = part_of(SHARED / name, fraction, Path(folder))
                    parts.append({"fraction": fraction, "rows": rows, **measure(kind, path, options)})
                smallest = parts[0]["peak_mb"]
                for part in parts:
                    part["ratio_to_25pct"] = round(part["peak_mb"] / smallest, 2)
                report["files"].append({"file": name, "parts": parts})
                if not args.json:
                    print(f"{vendor}: {name}")
                    for part in parts:
                        print(
                            f"  {int(part['fraction'] * 100):>3}% ({part['rows']:>6} rows): "
                            f"peak {part['peak_mb']:>7} MB ({part['ratio_to_25pct']}x the 25% import), "
                            f"{part['seconds']} s"
                        )
        if args.json:
            print(json.dumps(report))
        return 0

    return run_on_fresh_database(run, prefix="headway-import-memory-")


if __name__ == "__main__":
    raise SystemExit(main())
