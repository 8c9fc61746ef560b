"""Benchmark: the partnership match-maker on Hampshire's real schools (LA 850).

Loads Hampshire's real GIAS extract (every school, with its grid reference and latest Ofsted outcome) from the
shared data folder into a fresh database, puts the schools whose latest outcome is below good on the register
of schools causing concern (so that the causing-concern rule has something to bind), generates survey answers
with a fixed seed (``headway partnerships generate-preferences``), then runs the CP-SAT optimiser
(``headway.support.optimiser.propose``) and the greedy baseline on the same schools and rules. It checks that
every proposed partnership keeps every rule and that every primary school that asked is placed, and prints the
time taken and the preference satisfaction of both.

    .venv/bin/python benchmarks/partnerships.py [--year 2026] [--seed 1] [--time-limit 8] [--json]

Exits with status 1 if a partnership breaks a rule, a primary that asked is left out, or the optimiser takes
10 seconds or more.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from fresh_database import run_on_fresh_database

ROOT = Path(__file__).resolve().parent.parent
GIAS = Path("la-850-hampshire") / "gias_edubasealldata20220420_850.csv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=8.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (args.shared / GIAS).exists():
        args.shared = Path("/work/shared/data")
    return run_on_fresh_database(lambda database: run(args, database), prefix="headway-partnerships-bench-")


def run(args: argparse.Namespace, database: str) -> int:
    import datetime as dt

    from headway.concerns.models import SchoolCausingConcern
    from headway.imports.registry import importer_for
    from headway.imports.services import run_import
    from headway.schools.models import LocalAuthority
    from headway.support.optimiser import greedy_proposal, propose
    from headway.support.partnership_policy import partnership_policy_named
    from headway.support.partnerships import PRIMARY_PHASES, generate_preferences, school_facts, violations

    started = time.perf_counter()
    result = run_import(importer_for("gias"), args.shared / GIAS, actor_name="bench")
    assert not result.rejected, result.errors[:3]
    authority = LocalAuthority.objects.get(code="850")
    policy = partnership_policy_named()
    # The schools whose latest outcome is below good are put on the register of schools causing concern.
    below_good = [
        f.id
        for f in school_facts(authority, args.year, policy=policy).values()
        if f.is_open and ("judged requires improvement" in f.strong_reason or "judged inadequate" in f.strong_reason)
    ]
    SchoolCausingConcern.objects.bulk_create(
        SchoolCausingConcern(establishment_id=pk, designated_on=dt.date(2026, 7, 1)) for pk in below_good
    )
    answers = generate_preferences(local_authority=authority, start_year=args.year, policy=policy, seed=args.seed)
    load_seconds = time.perf_counter() - started

    start = time.perf_counter()
    proposal = propose(authority, args.year, policy=policy, time_limit=args.time_limit)
    propose_seconds = time.perf_counter() - start
    start = time.perf_counter()
    baseline = greedy_proposal(authority, args.year, policy=policy)
    greedy_seconds = time.perf_counter() - start

    facts = school_facts(authority, args.year, policy=policy)
    problems: list[str] = []
    for name, found in (("optimiser", proposal), ("greedy", baseline)):
        for partnership in found.partnerships:
            for violation in violations(partnership.schools, partnership.type, facts, policy):
                problems.append(f"{name}: {partnership.schools} ({partnership.type}): {violation.message}")
    asked_primaries = {f.urn for f in facts.values() if f.asked and f.phase in PRIMARY_PHASES}
    left_out = [u for u in proposal.unplaced if u.urn in asked_primaries]
    for unplaced in left_out:
        problems.append(f"optimiser left out primary {unplaced.urn}: {unplaced.reason}")
    if propose_seconds >= 10:
        problems.append(f"the optimiser took {propose_seconds:.1f} s")

    def sizes(found: object) -> dict[str, int]:
        counts: dict[str, int] = {}
        for partnership in getattr(found, "partnerships", []):
            counts[partnership.type] = counts.get(partnership.type, 0) + 1
        return dict(sorted(counts.items()))

    ratio = (
        proposal.preference_satisfaction / baseline.preference_satisfaction
        if baseline.preference_satisfaction
        else None
    )
    summary = {
        "schools_asked": sum(1 for f in facts.values() if f.asked),
        "primaries_asked": len(asked_primaries),
        "causing_concern": len(below_good),
        "optimiser": {
            "seconds": round(propose_seconds, 3),
            "status": proposal.status,
            "partnerships": len(proposal.partnerships),
            "types": sizes(proposal),
            "unplaced": len(proposal.unplaced),
            "preference_satisfaction": proposal.preference_satisfaction,
            "pairs_together": f"{proposal.pairs_together}/{proposal.pairs_stated}",
            "types_met": f"{proposal.types_met}/{proposal.types_stated}",
            "binding": {b.rule: b.count for b in proposal.binding},
        },
        "greedy": {
            "seconds": round(greedy_seconds, 3),
            "partnerships": len(baseline.partnerships),
            "types": sizes(baseline),
            "unplaced": len(baseline.unplaced),
            "preference_satisfaction": baseline.preference_satisfaction,
            "pairs_together": f"{baseline.pairs_together}/{baseline.pairs_stated}",
            "types_met": f"{baseline.types_met}/{baseline.types_stated}",
        },
        "ratio_satisfaction_optimiser_vs_greedy": round(ratio, 3) if ratio else None,
        "rule_problems": len(problems),
        "cpus": os.cpu_count(),
        "database": database,
        "load_s": round(load_seconds, 1),
    }
    print(
        f"partnerships: LA 850 Hampshire, {summary['schools_asked']} schools asked ({len(asked_primaries)} primaries,"
        f" {answers} answers generated with seed {args.seed}), {len(below_good)} causing concern ({database})"
    )
    for name, found, seconds in (("optimiser", proposal, propose_seconds), ("greedy", baseline, greedy_seconds)):
        print(
            f"  {name:9} {seconds:7.3f} s  {len(found.partnerships):3} partnerships {sizes(found)}, "
            f"{len(found.unplaced)} unplaced, preference satisfaction {found.preference_satisfaction:.3f} "
            f"(pairs {found.pairs_together}/{found.pairs_stated}, types {found.types_met}/{found.types_stated})"
        )
    print(f"  optimiser status: {proposal.status}")
    print(f"  preference satisfaction, optimiser / greedy: {summary['ratio_satisfaction_optimiser_vs_greedy']}")
    print(f"  binding: {', '.join(f'{b.rule} {b.count}' for b in proposal.binding)}")
    for unplaced in proposal.unplaced[:10]:
        print(f"  unplaced {unplaced.urn}: {unplaced.reason}")
    for problem in problems[:20]:
        print(f"  PROBLEM {problem}")
    if args.json:
        print(json.dumps(summary))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
