"""Benchmark: the national round, its confirmation and the visit plan, timed side by side on this machine
for the code the issue measured and for today's code, so that the issue's targets (in seconds on the machine
it was measured on) are judged as ratios that do not depend on how quick this machine is.

Issue 12 measured, on 2 cores, a categorisation round over England's 21,224 open state-funded schools at 13 s
without the risk model and 23 s with it, confirming it at 60 s and the national visit plan at 158 s, and set
targets of 3 s, 3 s, 10 s and 10 s. The same steps are timed here for each revision given (by default the
commit before the first work on the issue, ``d853ed2~1``, and the working tree), in child processes that take
turns, each on its own copy of a database loaded with the national data (``headway risk load-national``; a
model trained, untimed). A step's ratio to the issue's code, times the seconds the issue measured, is what it
would take on the issue's machine; the target is met when that is under the target.

    .venv/bin/python benchmarks/side_by_side.py [--then d853ed2~1] [--then b67bbf4] [--passes 2]
        [--repeat 3] [--steps rounds|all] [--cache benchmarks/out/side-by-side] [--json]

Each revision is taken from git (``git archive``) into ``--cache`` with its loaded database, so later runs
start at once. The working tree (``now``) is timed as it is. SQLite only (the embedded default).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from national_round import officers_and_caseloads

ROOT = Path(__file__).resolve().parent.parent
#: The issue's measurements (seconds on 2 cores) and targets, by step.
ISSUE = {
    "round_without_model": (13.0, 3.0),
    "round_with_model": (23.0, 3.0),
    "confirm_all": (60.0, 10.0),
    "visit_plan": (158.0, 10.0),
}
#: The steps timed by ``--steps rounds`` (the quick check) and ``--steps all``.
STEPS = {"rounds": ["round_without_model", "round_with_model"], "all": list(ISSUE)}
NOW = "now"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--then", action="append", help="a git revision to time beside today's (repeatable)")
    parser.add_argument(
        "--passes", type=int, default=2, help="times each revision takes its turn (default 2; 0: only load)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each round in a turn, best kept (3)")
    parser.add_argument("--steps", choices=sorted(STEPS), default="rounds")
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / "out" / "side-by-side")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--policy", default="barnet-2020")
    parser.add_argument("--la", default="302")
    parser.add_argument("--as-of", default="2020-12-31")
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object on the last line")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # the source tree a child process times
    args = parser.parse_args()
    if args.child:
        return child(args)
    revisions = args.then or ["d853ed2~1"]
    trees = {revision: checked_out(revision, args.cache) for revision in revisions}
    trees[NOW] = ROOT
    for revision, tree in trees.items():  # load each database once, untimed
        prepared(revision, tree, args)
    if args.passes < 1:
        return 0  # loaded only
    steps = STEPS[args.steps]
    best: dict[str, dict[str, float]] = {revision: {} for revision in trees}
    runs: dict[str, dict[str, list[float]]] = {revision: {step: [] for step in steps} for revision in trees}
    for _ in range(args.passes):
        for revision, tree in trees.items():
            result = timed(revision, tree, args)
            for step in steps:
                runs[revision][step].extend(result[step])
                best[revision][step] = min(runs[revision][step])
    report(best, runs, revisions, steps, args)
    return 0


def checked_out(revision: str, cache: Path) -> Path:
    """The source tree of ``revision`` (from ``git archive``), kept in ``cache``."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", revision], check=True, capture_output=True, text=True
    ).stdout.strip()
    tree = cache / commit / "tree"
    if not (tree / "src").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
        with tempfile.TemporaryFile() as file:
            file.write(archive)
            file.seek(0)
            with tarfile.open(fileobj=file) as tar:
                tar.extractall(tree, filter="data")
    return tree


def database_dir(tree: Path, cache: Path) -> Path:
    """Where the revision's loaded database is kept: beside its tree (``now``: the working tree's)."""
    return cache / (NOW if tree == ROOT else tree.parent.name) / "database"


def prepared(revision: str, tree: Path, args: argparse.Namespace) -> None:
    """Load the national data and train a model into the revision's cached database, once."""
    target = database_dir(tree, args.cache)
    if (target / "headway.sqlite3").exists():
        return
    print(f"loading the national data for {revision} (untimed, a few minutes)", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="headway-side-by-side-") as var:
        run_child(tree, Path(var), args, prepare_only=True)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copytree(var, target, dirs_exist_ok=True)


def timed(revision: str, tree: Path, args: argparse.Namespace) -> dict[str, list[float]]:
    """One turn of ``revision``: its steps timed on a fresh copy of its loaded database."""
    with tempfile.TemporaryDirectory(prefix="headway-side-by-side-") as var:
        shutil.copytree(database_dir(tree, args.cache), var, dirs_exist_ok=True)
        result: dict[str, list[float]] = run_child(tree, Path(var), args, prepare_only=False)
    print(f"  {revision}: " + ", ".join(f"{k} {min(v):.2f} s" for k, v in result.items()), file=sys.stderr)
    return result


def run_child(tree: Path, var: Path, args: argparse.Namespace, *, prepare_only: bool) -> Any:
    environment = {
        **os.environ,
        "HEADWAY_VAR_DIR": str(var),
        "HEADWAY_DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "headway.settings",
        "HEADWAY_ALLOWED_HOSTS": "localhost",
        "HEADWAY_SECRET_KEY": "headway-benchmarks-only-secret-key-0123456789-abcdefghij",
        "PYTHONPATH": str(tree / "src"),
    }
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(tree),
        "--steps",
        args.steps,
        "--repeat",
        str(args.repeat),
        "--shared",
        str(args.shared),
        "--policy",
        args.policy,
        "--la",
        args.la,
        "--as-of",
        args.as_of,
        "--year",
        str(args.year),
    ]
    if prepare_only:
        command.append("--passes=0")
    done = subprocess.run(command, env=environment, cwd=tree, check=True, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def child(args: argparse.Namespace) -> int:
    """In a child process, with the tree's ``src`` first on the path: load (``--passes=0``) or time the steps."""
    sys.path.insert(0, str(args.child / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    as_of = dt.date.fromisoformat(args.as_of)
    if args.passes == 0:
        from headway.risk.model import model_for

        with open(os.devnull, "w") as quiet:
            call_command("risk", "load-national", "--shared", str(args.shared), "--json", stdout=quiet)
        model_for(as_of=as_of)
        officers_and_caseloads(open_state_funded())
        print("{}")
        return 0
    from headway.accounts.models import User
    from headway.risk.policy import policy_named
    from headway.risk.services import round_confirm_all, round_run
    from headway.schools.models import LocalAuthority
    from headway.visits.planning import visit_plan_build

    policy = policy_named(args.policy)
    authority = LocalAuthority.objects.get(code=args.la)
    lead = User.objects.get(username=f"officer.{args.la}.1")
    schools = open_state_funded()
    common = {"local_authority": authority, "policy": policy, "as_of": as_of, "by": None, "actor_name": "bench"}
    steps = STEPS[args.steps]
    result: dict[str, list[float]] = {step: [] for step in steps}
    last = None
    for _ in range(args.repeat):
        with stopwatch(result["round_without_model"]):
            round_run(**common, with_risk=False, establishments=schools)
    for _ in range(args.repeat):
        with stopwatch(result["round_with_model"]):
            last = round_run(**common, with_risk=True, establishments=schools)
    if "confirm_all" in result and last is not None:
        with stopwatch(result["confirm_all"]):
            round_confirm_all(categorisation_round=last, by=lead)
    if "visit_plan" in result:
        with stopwatch(result["visit_plan"]):
            visit_plan_build(
                local_authority=authority,
                start_year=args.year,
                today=dt.date(args.year, 8, 1),
                by=lead,
                establishments=schools,
            )
    print(json.dumps(result))
    return 0


def open_state_funded() -> list[Any]:
    """Every open maintained school and academy, by URN: the schools ``national_round.py`` times."""
    from headway.schools.models import Establishment, Governance

    return list(
        Establishment.objects.filter(
            status__istartswith="open", governance__in=[Governance.MAINTAINED, Governance.ACADEMY]
        ).order_by("urn")
    )


@contextlib.contextmanager
def stopwatch(into: list[float]) -> Any:
    started = time.perf_counter()
    yield
    into.append(round(time.perf_counter() - started, 3))


def report(
    best: dict[str, dict[str, float]],
    runs: dict[str, dict[str, list[float]]],
    revisions: list[str],
    steps: list[str],
    args: argparse.Namespace,
) -> None:
    issue_code = revisions[0]
    print(
        f"side by side ({os.cpu_count()} cores, load average {[round(x, 2) for x in os.getloadavg()]}, "
        f"{args.passes} turns each of {args.repeat} rounds): the issue's code is {issue_code}"
    )
    summary: dict[str, Any] = {"cores": os.cpu_count(), "issue_code": issue_code, "steps": {}}
    for step in steps:
        measured, target = ISSUE[step]
        print(f"  {step} (issue 12: {measured:.0f} s, target {target:.0f} s)")
        base = best[issue_code][step]
        summary["steps"][step] = {}
        for revision in best:
            seconds = best[revision][step]
            ratio = seconds / base if base else float("nan")
            there = ratio * measured
            verdict = "met" if there < target else "not met"
            print(
                f"    {revision:12s} {seconds:7.2f} s (runs {', '.join(f'{r:.2f}' for r in runs[revision][step])})"
                f"  {ratio:.3f}x the issue's code: {there:.2f} s on its machine, {verdict}"
            )
            summary["steps"][step][revision] = {
                "seconds": seconds,
                "runs": runs[revision][step],
                "ratio_to_issue_code": round(ratio, 4),
                "on_issue_machine_s": round(there, 2),
                "target_s": target,
            }
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    sys.exit(main())
