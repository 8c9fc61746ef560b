"""Benchmark: categorise every open state-funded school in England under a policy.

Loads DfE's school information file, Ofsted's graded-inspection history and the 2018 KS2/KS4 results from
the shared data folder into a fresh database, then times, for every open state-funded school:

1. reading the evidence (``headway.risk.evidence.gather_evidence``): the baseline;
2. applying the policy to it (``headway.risk.policy.apply_policy``): the categorisation itself;
3. a whole round as a command would run it (evidence, policy and writing every proposal), without risk scores.

    .venv/bin/python benchmarks/categorise_all.py [--policy barnet-2020] [--as-of 2020-12-31] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from fresh_database import run_on_fresh_database

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--policy", default="barnet-2020")
    parser.add_argument("--as-of", default="2020-12-31")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    return run_on_fresh_database(lambda database: run(args, database), prefix="headway-categorise-bench-")


def run(args: argparse.Namespace, database: str) -> int:
    import datetime as dt

    from headway.imports.registry import importer_for
    from headway.imports.services import run_import
    from headway.risk.evidence import gather_evidence
    from headway.risk.policy import apply_policy, policy_named
    from headway.risk.services import round_run
    from headway.schools.models import Establishment, Governance, LocalAuthority

    shared = args.shared
    england = shared / "england-2016-2018"
    loads = [
        (importer_for("spine"), england / "2017-2018_england_spine.xlsx"),
        (importer_for("ofsted"), england / "ofsted_graded_inspections_to_2018-08-31.csv"),
        (importer_for("performance", dataset="ks2", year=2017), england / "ks2_perf_2017.csv"),
        (importer_for("performance", dataset="ks2", year=2018), england / "ks2_perf_2018.csv"),
        (importer_for("performance", dataset="ks4", year=2017), england / "ks4_perf_2017.csv"),
        (importer_for("performance", dataset="ks4", year=2018), england / "ks4_perf_2018.csv"),
    ]
    started = time.perf_counter()
    for importer, path in loads:
        result = run_import(importer, path, actor_name="bench")
        assert not result.rejected, result.errors[:3]
    load_seconds = time.perf_counter() - started

    as_of = dt.date.fromisoformat(args.as_of)
    policy = policy_named(args.policy)
    schools = list(
        Establishment.objects.filter(
            status__istartswith="open", governance__in=[Governance.MAINTAINED, Governance.ACADEMY]
        ).order_by("urn")
    )
    start = time.perf_counter()
    evidence = gather_evidence(schools, as_of=as_of)
    read_seconds = time.perf_counter() - start
    start = time.perf_counter()
    proposals = [apply_policy(policy, evidence[school.pk]) for school in schools]
    apply_seconds = time.perf_counter() - start
    counts: dict[str, int] = {}
    for proposal in proposals:
        counts[proposal.category.code] = counts.get(proposal.category.code, 0) + 1
    authority = LocalAuthority.objects.order_by("code").first()
    assert authority is not None
    start = time.perf_counter()
    round_run(
        local_authority=authority,
        policy=policy,
        as_of=as_of,
        by=None,
        actor_name="bench",
        with_risk=False,
        establishments=schools,
    )
    round_seconds = time.perf_counter() - start
    result = {
        "schools": len(schools),
        "policy": policy.name,
        "as_of": as_of.isoformat(),
        "read_evidence_s": round(read_seconds, 3),
        "apply_policy_s": round(apply_seconds, 3),
        "ratio_apply_vs_read": round(apply_seconds / read_seconds, 3) if read_seconds else None,
        "whole_round_with_writes_s": round(round_seconds, 3),
        "categories": dict(sorted(counts.items())),
        "database": database,
        "load_s": round(load_seconds, 1),
    }
    print(f"categorise_all: {len(schools)} open state-funded schools, policy {policy.name}, as of {as_of} ({database})")
    print(f"  read the evidence           {read_seconds:7.3f} s")
    print(f"  apply the policy            {apply_seconds:7.3f} s  ({result['ratio_apply_vs_read']}x the read)")
    print(f"  whole round, with writes    {round_seconds:7.3f} s")
    print(f"  categories: {result['categories']}")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
