#!/usr/bin/env python3
"""Rebuild the LAIT demo files in data/demo/ from the shared copy of DfE's LA benchmarking data.

Usage (with the project's virtual environment, which has polars and PyYAML):
    .venv/bin/python data/build_lait_demo.py [SHARED_DATA_DIR] [--out OUT_DIR]

SHARED_DATA_DIR defaults to ../shared/data relative to the repository root, and OUT_DIR to data/demo/.

* ``lait_benchmarks_headway.parquet``: the rows of ``dfe-lait/bds_long_0.parquet`` whose ``Short Desc`` is an
  item some measure of ``src/headway/performance/catalogue.yaml`` names in its ``lait:`` field: every LA,
  region and England, every year, the same seven columns with the same types, in the source's row order.
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


def catalogue_items() -> list[str]:
    measures = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["measures"]
    return sorted({m["lait"] for m in measures if m.get("lait")})


def build(shared: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    items = catalogue_items()
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
