#!/usr/bin/env python3
"""Rebuild the LAIT demo files in data/demo/ from the shared copy of DfE's LA benchmarking data.

Usage (with the project's virtual environment, which has polars and PyYAML):
    .venv/bin/python data/build_lait_demo.py [SHARED_DATA_DIR] [--out OUT_DIR]

SHARED_DATA_DIR defaults to ../shared/data relative to the repository root, and OUT_DIR to data/demo/.

* ``lait_benchmarks_headway.parquet``: the rows of ``dfe-lait/bds_long_0.parquet`` whose ``Short Desc`` is one
  of ``DEMO_ITEMS`` (catalogue items, ``lait:`` in ``src/headway/performance/catalogue.yaml``, that the demo's
  dashboard and KPI table read): every LA, region and England, every year, the same seven columns with the
  same types, in the source's row order. The catalogue maps many more items (groups of pupils, absence by
  phase, NEET, exclusions); the demo keeps to three so that it stays small and quick to load. Import the whole
  of ``bds_long_0.parquet`` (``headway import benchmarks``) for the others.
* ``sn_may_2025.xlsx``: a byte-for-byte copy of ``dfe-lait/sn_may_2025.xlsx``.

See data/README.md for provenance and licence.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import polars as pl
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO_ROOT / ".." / "shared" / "data"
DEFAULT_OUT = REPO_ROOT / "data" / "demo"
CATALOGUE = REPO_ROOT / "src" / "headway" / "performance" / "catalogue.yaml"

BENCHMARKS = "dfe-lait/bds_long_0.parquet"
NEIGHBOURS = "dfe-lait/sn_may_2025.xlsx"
OUT_BENCHMARKS = "lait_benchmarks_headway.parquet"
OUT_NEIGHBOURS = "sn_may_2025.xlsx"


#: The LAIT items the demo carries: KS2 reading, writing and maths, Attainment 8 and Progress 8.
DEMO_ITEMS = ("AVG_Attain8_Score", "AVG_Prog8_Score", "KS2RWM_Expected_STD")


def catalogue_items() -> list[str]:
    measures = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["measures"]
    return sorted({m["lait"] for m in measures if m.get("lait")})


def build(shared: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    known = catalogue_items()
    items = sorted(DEMO_ITEMS)
    assert set(items) <= set(known), f"not catalogue items: {sorted(set(items) - set(known))}"
    source = pl.read_parquet(shared / BENCHMARKS)
    cut = source.filter(pl.col("Short Desc").is_in(items))
    assert cut.schema == source.schema
    cut.write_parquet(out / OUT_BENCHMARKS, compression="zstd", statistics=True)
    print(f"{OUT_BENCHMARKS}: {cut.height} rows ({', '.join(items)}) of {source.height}")
    shutil.copyfile(shared / NEIGHBOURS, out / OUT_NEIGHBOURS)
    print(f"{OUT_NEIGHBOURS}: copied")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("shared", nargs="?", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    arguments = parser.parse_args()
    build(arguments.shared.resolve(), arguments.out.resolve())


if __name__ == "__main__":
    main()
