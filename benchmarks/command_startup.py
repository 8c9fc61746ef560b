"""Benchmark: how long a ``headway`` command takes to start, and how much memory it needs, before it does
anything: ``headway --help``, ``headway check`` (system checks, which import the URLconf), and commands that
stop at once (a categorisation round or a visit plan for an LA that is not in the register: Django set up,
system checks run, the command's module imported, one query).

Each runs in a child process of its own, ``--repeat`` times; the best CPU time (user + system) and wall time
and the largest peak RSS are kept. ``--importtime COMMAND`` prints the modules that took longest to import
(``python -X importtime``) for one of them.

    .venv/bin/python benchmarks/command_startup.py [--repeat 5] [--json] [--baseline FILE] [--importtime NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"

#: name -> the arguments after ``headway``.
COMMANDS: dict[str, list[str]] = {
    "help": ["--help"],
    "check": ["check"],
    "categorise (unknown LA)": ["categorise", "--la", "000", "--policy", "barnet-2020", "--no-risk"],
    "visits plan (unknown LA)": ["visits", "plan", "--la", "000", "--year", "2025"],
    "risk score (no schools)": ["risk", "score", "--urn", "0"],
}
#: What issue 12 measured before this work for any command: 1.5 s CPU, 143 MB.
EARLIER = {"cpu_s": 1.5, "rss_mb": 143.0}


def _environment(var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "headway.settings")
    env.setdefault("HEADWAY_SECRET_KEY", "headway-benchmarks-only-secret-key-0123456789-abcdefghij")
    if not env.get("HEADWAY_DATABASE_URL"):
        env["HEADWAY_VAR_DIR"] = var_dir
    return env


def measure(arguments: list[str], *, repeat: int, env: dict[str, str]) -> dict[str, float]:
    """Best CPU and wall seconds and the largest peak RSS of ``python -m headway ARGUMENTS``."""
    import time

    cpu, wall, rss = [], [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        # The exit status is not checked: the "unknown LA" commands fail on purpose, after starting.
        subprocess.run(
            [str(PYTHON), "-m", "headway", *arguments],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        wall.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        rss.append(after.ru_maxrss / 1024)  # the largest child so far: children only grow this
    return {"cpu_s": round(min(cpu), 3), "wall_s": round(min(wall), 3), "rss_mb": round(max(rss), 1)}


def measure_all(*, repeat: int = 3) -> dict[str, dict[str, float]]:
    """Every command of ``COMMANDS`` against a migrated, empty SQLite database (or HEADWAY_DATABASE_URL)."""
    with tempfile.TemporaryDirectory(prefix="headway-startup-") as var_dir:
        env = _environment(var_dir)
        subprocess.run(
            [str(PYTHON), "-m", "headway", "migrate", "--verbosity", "0"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # A fresh interpreter each time: the peak RSS of this process's children is the largest of them, so
        # the commands are measured from the smallest up (``--help`` first) and each one's own peak is read
        # from a child of its own.
        results = {}
        for name, arguments in COMMANDS.items():
            results[name] = _isolated(arguments, repeat=repeat, env=env)
        return results


def _isolated(arguments: list[str], *, repeat: int, env: dict[str, str]) -> dict[str, float]:
    """``measure`` in a small child process, so that its children's peak RSS is this command's alone."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); from command_startup import measure; "
        "print(json.dumps(measure(json.loads(sys.argv[2]), repeat=int(sys.argv[3]), env=json.loads(sys.argv[4]))))"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(Path(__file__).resolve().parent),
            json.dumps(arguments),
            str(repeat),
            json.dumps(env),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def importtime(arguments: list[str], top: int = 25) -> list[tuple[float, str]]:
    """The modules that took longest to import (cumulative milliseconds), as ``python -X importtime`` says."""
    with tempfile.TemporaryDirectory(prefix="headway-startup-") as var_dir:
        env = _environment(var_dir)
        subprocess.run([str(PYTHON), "-m", "headway", "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
        done = subprocess.run(
            [str(PYTHON), "-X", "importtime", "-m", "headway", *arguments],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        if not name.startswith(" " * 3):  # imports made at the top level (not by another module)
            rows.append((int(cumulative) / 1000, name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--baseline", type=Path, help="compare with an earlier --json output (its last line)")
    parser.add_argument("--importtime", choices=sorted(COMMANDS), help="list the slowest imports of a command")
    args = parser.parse_args()
    if args.importtime:
        for milliseconds, name in importtime(COMMANDS[args.importtime]):
            print(f"{milliseconds:9.1f} ms  {name}")
        return 0
    results = measure_all(repeat=args.repeat)
    baseline = None
    if args.baseline:
        lines = [line for line in args.baseline.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
        baseline = json.loads(lines[-1])["commands"]
    print(
        f"command start-up, best of {args.repeat} ({os.cpu_count()} cores, load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}); issue 12 measured {EARLIER['cpu_s']} s CPU, "
        f"{EARLIER['rss_mb']:.0f} MB for any command"
    )
    for name, figures in results.items():
        line = (
            f"  headway {' '.join(COMMANDS[name]):55s} {figures['cpu_s']:5.2f} s CPU {figures['wall_s']:5.2f} s wall "
            f"{figures['rss_mb']:6.1f} MB ({figures['cpu_s'] / EARLIER['cpu_s']:.2f}x the earlier CPU, "
            f"{figures['rss_mb'] / EARLIER['rss_mb']:.2f}x the memory)"
        )
        if baseline and name in baseline:
            line += f"; baseline {baseline[name]['cpu_s']} s, {baseline[name]['rss_mb']} MB"
        print(line)
    if args.json:
        print(json.dumps({"cores": os.cpu_count(), "repeat": args.repeat, "commands": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
