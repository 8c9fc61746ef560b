"""Time the GIAS importer on a generated national-size file and compare it with ``polars.read_csv``.

The file is generated from a real GIAS extract (``edubasealldata*.csv``): the same 111 columns, every field
quoted, Windows-1252, CRLF line endings, and the rows whose "Linked establishments" spill into extra
trailing fields. Rows are the real rows cycled, each with a unique URN, a local authority drawn from the
DfE LA list (with its name and region) and an establishment number unique within that LA.

Three things are timed:

* ``polars.read_csv`` of the file (best of ``--repeat``), the yardstick;
* a first import into an empty database (every school created);
* a second import of the same file (nothing created or updated).

Each import runs once, in a child process of its own, so that the peak RSS it reports is the import's
and not that of the file generator or of polars. Python-level peak memory comes from ``tracemalloc``,
which slows allocation-heavy code down, so it is measured in a second pair of imports into a fresh
database; the times reported are from the runs without ``tracemalloc``. ``--profile`` adds a third pair
of imports under ``cProfile`` and prints the functions that took the most time.

Usage::

    .venv/bin/python benchmarks/import_register.py [--rows 50000] [--repeat 3] [--json] [--baseline OLD]
    HEADWAY_DATABASE_URL=postgresql://... .venv/bin/python benchmarks/import_register.py

Without ``HEADWAY_DATABASE_URL`` a SQLite database in a temporary directory is used and removed. With it,
the database must hold no schools: it is migrated, imported into and, between passes, flushed; the
schools of the last pass are left in it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE_NAME = "la-850-hampshire/gias_edubasealldata20220420_850.csv"
LA_REFERENCE = REPO_ROOT / "src" / "headway" / "schools" / "reference" / "local_authorities.csv"
DEFAULT_OUT = REPO_ROOT / "benchmarks" / "out"
FIRST_URN = 200000
ENCODING = "cp1252"
LINK_URN = re.compile(r"\b(\d{5,7})(?=\s+[A-Za-z])")
#: GIAS's "GOR (name)" for the reference file's regions (London is split there, not in GIAS).
GOR_NAMES = {"Inner London": "London", "Outer London": "London"}
#: Group name columns that get a per-cycle suffix, so that the file has a national number of groups.
GROUP_COLUMNS = ("Trusts (name)", "SchoolSponsors (name)", "Federations (name)")
MB = 1024 * 1024


# --------------------------------------------------------------------------------------------- the file


def default_source() -> Path:
    """The shared data directory next to the repository (``../shared/data``), else ``/work/shared/data``."""
    for base in (REPO_ROOT.parent / "shared" / "data", Path("/work/shared/data")):
        candidate = base / DEFAULT_SOURCE_NAME
        if candidate.exists():
            return candidate
    return REPO_ROOT.parent / "shared" / "data" / DEFAULT_SOURCE_NAME


def read_source(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding=ENCODING, newline="") as handle:
        rows = list(csv.reader(handle))
    if len(rows) < 2:
        raise SystemExit(f"{path}: expected a header and at least one row")
    return rows[0], rows[1:]


def read_local_authorities() -> list[tuple[str, str, str]]:
    with LA_REFERENCE.open(encoding="utf-8", newline="") as handle:
        return [(row["code"], row["name"], row["region"]) for row in csv.DictReader(handle)]


def synthetic_rows(
    header: Sequence[str], source_rows: Sequence[Sequence[str]], count: int, seed: int
) -> Iterator[list[str]]:
    """``count`` rows made from ``source_rows`` (cycled): unique URN, an LA from the reference list with
    its name and region, an establishment number unique in the LA, links pointing at this cycle's twins,
    and trust, sponsor and federation names made distinct per cycle."""
    rng = random.Random(seed)
    authorities = read_local_authorities()
    position = {name: index for index, name in enumerate(header)}
    urn_at, la_code_at, la_name_at = position["URN"], position["LA (code)"], position["LA (name)"]
    number_at, region_at = position["EstablishmentNumber"], position.get("GOR (name)")
    links_at = position["Linked establishments"]
    group_at = [position[name] for name in GROUP_COLUMNS if name in position]
    source_index = {row[urn_at]: index for index, row in enumerate(source_rows)}
    size = len(source_rows)
    used_numbers: dict[str, set[int]] = {}
    next_number: dict[tuple[str, int], int] = {}

    def twin(match: re.Match[str], cycle: int) -> str:
        index = source_index.get(match.group(1))
        if index is None or cycle * size + index >= count:
            return match.group(1)
        return str(FIRST_URN + cycle * size + index)

    for i in range(count):
        cycle, index = divmod(i, size)
        row = list(source_rows[index])
        code, name, region = rng.choice(authorities)
        row[urn_at] = str(FIRST_URN + i)
        row[la_code_at], row[la_name_at] = code, name
        if region_at is not None:
            row[region_at] = GOR_NAMES.get(region, region)
        if row[number_at].isdigit():
            prefix = int(row[number_at]) // 1000
            used = used_numbers.setdefault(code, set())
            number = next_number.get((code, prefix), prefix * 1000 + 1)
            while number in used:
                number += 1
            used.add(number)
            next_number[(code, prefix)] = number + 1
            row[number_at] = str(number)
        if cycle:
            for at in group_at:
                if row[at]:
                    row[at] = f"{row[at]} {cycle + 1}"
        for at in range(links_at, len(row)):
            row[at] = LINK_URN.sub(lambda match, cycle=cycle: twin(match, cycle), row[at])
        yield row


def generate(source: Path, target: Path, rows: int, seed: int) -> dict[str, Any]:
    header, source_rows = read_source(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    spilled = 0
    with target.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        for row in synthetic_rows(header, source_rows, rows, seed):
            spilled += len(row) > len(header)
            writer.writerow(row)
    return {"columns": len(header), "source_rows": len(source_rows), "spilled_rows": spilled}


# --------------------------------------------------------------------------------------------- polars


def time_polars(path: Path, repeat: int) -> dict[str, Any]:
    """Best of ``repeat`` reads, every column as text. ``windows-1252`` makes polars decode the file with
    Python first, as the importer does; ``truncate_ragged_lines`` drops the spilled link fields."""
    import polars as pl

    best = float("inf")
    shape = (0, 0)
    for _ in range(repeat):
        started = time.perf_counter()
        frame = pl.read_csv(path, encoding="windows-1252", truncate_ragged_lines=True, infer_schema=False)
        best = min(best, time.perf_counter() - started)
        shape = frame.shape
        del frame
    return {"seconds": best, "shape": list(shape), "peak_rss_mb": max_rss_mb()}


# --------------------------------------------------------------------------------------------- imports


def max_rss_mb() -> float:
    import resource

    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MB


def worker(phase: str, path: Path, instrument: str = "", stats_file: Path | None = None) -> dict[str, Any]:
    """One import in this (child) process: ``first`` into an empty database, ``again`` on top of it.
    ``instrument`` is ``trace`` (tracemalloc), ``profile`` (cProfile, stats written to ``stats_file``) or
    nothing (a clean timing)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from headway.imports.services import run_import
    from headway.schools.importers import GiasImporter
    from headway.schools.models import Establishment

    migrate_s = 0.0
    if phase == "first":
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrate_s = time.perf_counter() - started
        if Establishment.objects.exists():
            raise SystemExit("the database already holds schools: the first import would not create them all")
    rss_before = max_rss_mb()
    import cProfile
    import tracemalloc

    profiler = cProfile.Profile()
    if instrument == "trace":
        tracemalloc.start()
    elif instrument == "profile":
        profiler.enable()
    started = time.perf_counter()
    result = run_import(GiasImporter(), path, display_name=path.name, actor_name="benchmark")
    seconds = time.perf_counter() - started
    peak_python = 0.0
    if instrument == "trace":
        peak_python = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    elif instrument == "profile" and stats_file is not None:
        profiler.disable()
        profiler.dump_stats(stats_file)
    return {
        "phase": phase,
        "seconds": seconds,
        "migrate_s": migrate_s,
        "peak_python_mb": peak_python,
        "rss_before_mb": rss_before,
        "peak_rss_mb": max_rss_mb(),
        "database": connection.vendor,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
        "rejected": result.rejected,
        "error_count": len(result.errors),
        "errors": result.errors[:10],
        "notices": result.notices,
        "establishments": Establishment.objects.count(),
    }


def run_worker(
    phase: str,
    path: Path,
    env: dict[str, str],
    *,
    instrument: str = "",
    repeat: int = 1,
    stats_file: Path | None = None,
) -> dict[str, Any]:
    """Run one phase in a child process. The parent stays small, so the child's ``ru_maxrss`` is its own
    (Linux carries the spawning process's peak RSS over into a vforked child)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", phase, "--file", str(path)]
    command += ["--repeat", str(repeat), "--instrument", instrument]
    if stats_file is not None:
        command += ["--stats-file", str(stats_file)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"the {phase} import failed (exit status {completed.returncode})")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def empty_database(env: dict[str, str], temporary: str | None) -> None:
    """A fresh temporary SQLite directory, or ``flush`` of the database ``HEADWAY_DATABASE_URL`` names."""
    if temporary:
        shutil.rmtree(temporary)
        Path(temporary).mkdir()
        return
    code = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'headway.settings'); django.setup();"
        "from django.core.management import call_command; call_command('flush', interactive=False, verbosity=0)"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def check_import(result: dict[str, Any], rows: int) -> list[str]:
    problems = []
    if result["rejected"]:
        problems.append(f"{result['phase']} import: the file was rejected")
    if result["error_count"]:
        problems.append(f"{result['phase']} import: {result['error_count']} problem(s), e.g. {result['errors'][:3]}")
    if result["establishments"] != rows:
        problems.append(f"{result['phase']} import: {result['establishments']} schools in the database, not {rows}")
    if result["phase"] == "again" and (result["created"] or result["updated"]):
        problems.append(
            f"re-import changed things: {result['created']} created, {result['updated']} updated (expected 0 and 0)"
        )
    return problems


# --------------------------------------------------------------------------------------------- reporting


def last_json_line(path: Path) -> dict[str, Any]:
    for line in reversed(path.read_text(encoding="utf-8").splitlines()):
        line = line.strip()
        if line.startswith("{"):
            value: dict[str, Any] = json.loads(line)
            return value
    raise SystemExit(f"{path}: no JSON result found")


def print_table(title: str, rows: Sequence[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    print(title)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50000, help="rows in the generated file (default 50000)")
    parser.add_argument("--source", type=Path, default=None, help="the real GIAS extract to take rows from")
    parser.add_argument("--repeat", type=int, default=3, help="polars.read_csv runs, best taken (default 3)")
    parser.add_argument("--seed", type=int, default=20220420, help="seed for the generated file")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the generated file is written")
    parser.add_argument("--no-memory-pass", action="store_true", help="skip the tracemalloc pass (no Python peak)")
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=20,
        default=0,
        metavar="N",
        help="also profile both imports (cProfile, a further pass) and print the top N functions (default 20)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON on the last line")
    parser.add_argument("--baseline", type=Path, default=None, help="an earlier --json output to compare with")
    parser.add_argument("--worker", choices=["polars", "first", "again"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--instrument", choices=["", "trace", "profile"], default="", help=argparse.SUPPRESS)
    parser.add_argument("--stats-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker == "polars":
        print(json.dumps(time_polars(args.file, args.repeat)))
        return 0
    if args.worker:
        print(json.dumps(worker(args.worker, args.file, args.instrument, args.stats_file), default=str))
        return 0

    source = args.source or default_source()
    if not source.exists():
        raise SystemExit(f"{source}: no such file (give the GIAS extract with --source)")
    path = args.out / f"gias_edubasealldata_synthetic_{args.rows}.csv"
    started = time.perf_counter()
    shape = generate(source, path, args.rows, args.seed)
    generate_s = time.perf_counter() - started
    size_mb = path.stat().st_size / MB
    print(
        f"generated {path} ({args.rows} rows, {shape['columns']} columns, {shape['spilled_rows']} rows with "
        f"spilled links, {size_mb:.1f} MB) from {source.name} in {generate_s:.1f}s",
        flush=True,
    )

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "headway.settings")
    # Debug stays off (it would keep every query in memory); Headway then needs a secret key to start.
    env.setdefault("HEADWAY_SECRET_KEY", "headway-benchmarks-only-secret-key-0123456789-abcdefghij")
    polars = run_worker("polars", path, env, repeat=args.repeat)
    polars_s = polars["seconds"]
    print(f"polars.read_csv: {polars_s:.3f}s (best of {args.repeat}), shape {tuple(polars['shape'])}", flush=True)
    temporary = None
    if not env.get("HEADWAY_DATABASE_URL", "").strip():
        temporary = tempfile.mkdtemp(prefix="headway-bench-")
        env["HEADWAY_VAR_DIR"] = temporary
    problems: list[str] = []
    profiles: list[tuple[str, float, Path]] = []
    try:
        first = run_worker("first", path, env)
        print(f"first import: {first['seconds']:.2f}s ({first['database']})", flush=True)
        again = run_worker("again", path, env)
        print(f"re-import: {again['seconds']:.2f}s", flush=True)
        problems += check_import(first, args.rows) + check_import(again, args.rows)
        traced: list[dict[str, Any]] = []
        if not args.no_memory_pass:
            empty_database(env, temporary)
            traced = [run_worker(phase, path, env, instrument="trace") for phase in ("first", "again")]
            print(
                "under tracemalloc: " + ", ".join(f"{t['phase']} import {t['seconds']:.2f}s" for t in traced),
                flush=True,
            )
            problems += [p for t in traced for p in check_import(t, args.rows)]
        if args.profile:
            empty_database(env, temporary)
            for phase in ("first", "again"):
                stats_file = args.out / f"profile-{first['database']}-{phase}-{args.rows}.pstats"
                profiled = run_worker(phase, path, env, instrument="profile", stats_file=stats_file)
                profiles.append((phase, profiled["seconds"], stats_file))
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)

    peak_python = {t["phase"]: t["peak_python_mb"] for t in traced}
    result: dict[str, Any] = {
        "rows": args.rows,
        "polars_read_csv_s": round(polars_s, 4),
        "first_import_s": round(first["seconds"], 3),
        "reimport_s": round(again["seconds"], 3),
        "ratio_first_import_vs_polars": round(first["seconds"] / polars_s, 1),
        "ratio_reimport_vs_polars": round(again["seconds"] / polars_s, 1),
        "peak_python_mb": round(max(peak_python.values()), 1) if peak_python else None,
        "peak_rss_mb": round(max(first["peak_rss_mb"], again["peak_rss_mb"]), 1),
        "database": first["database"],
        "first_import": {key: first[key] for key in ("created", "updated", "unchanged", "skipped", "error_count")},
        "reimport": {key: again[key] for key in ("created", "updated", "unchanged", "skipped", "error_count")},
        "peak_python_mb_by_import": {k: round(v, 1) for k, v in peak_python.items()},
        "peak_rss_mb_by_import": {"first": round(first["peak_rss_mb"], 1), "again": round(again["peak_rss_mb"], 1)},
        "rss_before_import_mb": round(first["rss_before_mb"], 1),
        "polars_peak_rss_mb": round(polars["peak_rss_mb"], 1),
        "file_mb": round(size_mb, 1),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d"),
        "problems": problems,
    }

    print()
    python_peak = " / ".join(f"{peak_python[p]:.0f} MB" for p in ("first", "again")) if peak_python else "not measured"
    print_table(
        f"GIAS import benchmark: {args.rows} rows, {size_mb:.1f} MB, {result['database']}, "
        f"{os.cpu_count()} CPU(s), Python {platform.python_version()}",
        [
            (
                "polars.read_csv",
                f"{polars_s:8.3f} s   (best of {args.repeat}; multi-threaded; peak RSS {polars['peak_rss_mb']:.0f} MB)",
            ),
            (
                "first import",
                f"{first['seconds']:8.2f} s   {result['ratio_first_import_vs_polars']:>6}x polars   "
                f"{first['created']} created, {first['updated']} updated, {first['unchanged']} unchanged, "
                f"{first['skipped']} skipped, {first['error_count']} problems",
            ),
            (
                "re-import",
                f"{again['seconds']:8.2f} s   {result['ratio_reimport_vs_polars']:>6}x polars   "
                f"{again['created']} created, {again['updated']} updated, {again['unchanged']} unchanged, "
                f"{again['skipped']} skipped, {again['error_count']} problems",
            ),
            ("peak Python heap (tracemalloc)", f"{python_peak}  (first / re-import; separate traced runs)"),
            (
                "peak process RSS (ru_maxrss)",
                f"{first['peak_rss_mb']:.0f} MB / {again['peak_rss_mb']:.0f} MB  (first / re-import; "
                f"{first['rss_before_mb']:.0f} MB before the import, after Django setup and migrate)",
            ),
        ],
    )
    if args.baseline:
        baseline = last_json_line(args.baseline)
        comparisons = []
        for key in (
            "polars_read_csv_s",
            "first_import_s",
            "reimport_s",
            "ratio_first_import_vs_polars",
            "ratio_reimport_vs_polars",
            "peak_python_mb",
            "peak_rss_mb",
        ):
            old, new = baseline.get(key), result[key]
            if old and new is not None:
                comparisons.append((key, f"{old} -> {new}  ({new / old:.2f}x baseline)"))
        if baseline.get("rows") != result["rows"] or baseline.get("database") != result["database"]:
            comparisons.append(("note", f"baseline was {baseline.get('rows')} rows on {baseline.get('database')}"))
        print()
        print_table(f"against {args.baseline}", comparisons)
    for phase, seconds, stats_file in profiles:
        import pstats

        print()
        print(f"cProfile of the {phase} import ({seconds:.2f}s profiled; stats in {stats_file}):")
        pstats.Stats(str(stats_file), stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(args.profile)
    print()
    print("first import notices:")
    for notice in first["notices"]:
        print(f"  {notice}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    if args.json:
        print(json.dumps(result))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
