"""Benchmark: the risk model's national rolling-origin backtest, and scoring one LA's schools for a page.

Loads the national data (``headway risk load-national``: the 2017/18 spine, GIAS links, Ofsted's graded
history to August 2018, KS2/KS4 2016-2018 and the school finances 2014-2018) into a fresh database, then times:

1. the national backtest as ``headway risk backtest`` runs it: reading the evidence, and for every window
   (training cuts 31 August 2015, 2016 and 2017) training the model, ranking every open school and the
   bootstrap; the targets are under 10 minutes in all on 2 cores;
2. scoring one LA's open schools with a saved model, as a categorisation round or a page does
   (``headway.risk.model.score_schools``: evidence, features, the model's probabilities and each school's
   factors), for the largest LAs; the target is under 2 seconds each.

    .venv/bin/python benchmarks/risk_model.py [--cut 2015-08-31 ...] [--bootstrap 200] [--la 330 ...] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import time
from pathlib import Path

from fresh_database import run_on_fresh_database

ROOT = Path(__file__).resolve().parent.parent
BACKTEST_BUDGET_S = 600.0
SCORING_BUDGET_S = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cut", action="append", default=[], help="training cuts (default 2015, 2016, 2017)")
    parser.add_argument("--outcomes-until", default="2018-08-31")
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--la", action="append", default=[], help="LAs to score (default: the three largest)")
    parser.add_argument("--as-of", default="2017-09-01", help="the day the LA's schools are scored")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    return run_on_fresh_database(lambda database: run(args, database), prefix="headway-risk-bench-")


def run(args: argparse.Namespace, database: str) -> int:
    from django.core.management import call_command
    from django.db.models import Count

    from headway.risk.backtest import run_backtest
    from headway.risk.features import load_evidence
    from headway.risk.model import save, score_schools, train
    from headway.schools.models import Establishment

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("risk", "load-national", "--shared", str(args.shared), "--json", stdout=quiet)
    load_seconds = time.perf_counter() - started

    cuts = [dt.date.fromisoformat(c) for c in args.cut] or [
        dt.date(2015, 8, 31),
        dt.date(2016, 8, 31),
        dt.date(2017, 8, 31),
    ]
    mark = time.perf_counter()
    evidence = load_evidence()
    evidence_seconds = time.perf_counter() - mark
    result = run_backtest(
        cuts=cuts,
        outcomes_until=dt.date.fromisoformat(args.outcomes_until),
        replicates=args.bootstrap,
        evidence=evidence,
    )
    backtest_seconds = evidence_seconds + result["seconds"]["total"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    as_of = dt.date.fromisoformat(args.as_of)
    model = train(until=as_of - dt.timedelta(days=1), evidence=evidence)
    save(model)
    codes = args.la or [
        row["local_authority__code"]
        for row in Establishment.objects.filter(status__istartswith="open")
        .values("local_authority__code")
        .annotate(n=Count("id"))
        .order_by("-n")[:3]
    ]
    scoring: dict[str, dict[str, float]] = {}
    for code in codes:
        ids = list(
            Establishment.objects.filter(local_authority__code=code, status__istartswith="open").values_list(
                "id", flat=True
            )
        )
        times = []
        for _ in range(3):
            mark = time.perf_counter()
            scores = score_schools(ids, as_of=as_of, model=model, ranking="model")
            times.append(time.perf_counter() - mark)
        scoring[code] = {"schools": len(scores), "seconds": round(statistics.median(times), 3)}

    windows = [
        {
            "train_until": w["train_until"],
            "test": f"{w['test_from']} to {w['test_until']}",
            "model": [w["model"]["recall_at_10pct"], w["model"]["recall_at_20pct"]],
            "rule": [w["rule"]["recall_at_10pct"], w["rule"]["recall_at_20pct"]],
            "seconds": w["seconds"],
        }
        for w in result["windows"]
    ]
    summary = {
        "database": database,
        "load_national_s": round(load_seconds, 1),
        "backtest_s": round(backtest_seconds, 1),
        "backtest_seconds": {**result["seconds"], "load_evidence": round(evidence_seconds, 2)},
        "backtest_within_budget": backtest_seconds < BACKTEST_BUDGET_S,
        "peak_rss_mb": round(peak_mb),
        "windows": windows,
        "ranking": result["ranking"],
        "score_one_la": scoring,
        "scoring_within_budget": all(s["seconds"] < SCORING_BUDGET_S for s in scoring.values()),
        "bootstrap": args.bootstrap,
        "date": dt.date.today().isoformat(),
    }
    print(f"risk model benchmark ({database}); national data loaded in {load_seconds:.1f} s")
    print(f"  national backtest ({len(windows)} windows): {backtest_seconds:.1f} s (budget {BACKTEST_BUDGET_S:.0f} s)")
    for w in windows:
        print(f"    {w['train_until']} {w['test']}: model {w['model']} rule {w['rule']} {w['seconds']}")
    for code, figures in scoring.items():
        print(
            f"  score LA {code}: {figures['schools']} schools in {figures['seconds']} s (budget {SCORING_BUDGET_S} s)"
        )
    print(f"  peak RSS {summary['peak_rss_mb']} MB; ranking shipped: {result['ranking']}")
    if args.json:
        print(json.dumps(summary))
    return 0 if summary["backtest_within_budget"] and summary["scoring_within_budget"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
