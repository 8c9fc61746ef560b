"""Benchmark: server time and query count of the LA dashboard, the KPI table and a school's profile.

Runs Django's test client (no network, no browser) against an existing, fully loaded database (the demo, or a
copy of a production-size one) given by ``HEADWAY_DATABASE_URL`` with every migration applied. A page's first
view may work out and store the year's computed figures (as the first page after an import would, if the
import's own refresh did not run); it is reported apart as "first". Then each page is viewed ``--repeat``
times and the median is compared with the target (300 ms at the server, issue 11).

    HEADWAY_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/headway_demo HEADWAY_DEBUG=1 \\
        .venv/bin/python benchmarks/page_speed.py [--la 850] [--year 2019] [--kpi-la 302] [--urn N]
        [--repeat 5] [--json] [--baseline FILE]

Exits with status 1 if a page does not answer 200. The script writes nothing but the stored computed figures
(``performance_computedfigure``) a first view may store; never point it at a database you must not write.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--la", default="850", help="the dashboard's authority (default 850, Hampshire)")
    parser.add_argument("--year", type=int, default=2019)
    parser.add_argument("--kpi-la", default="302", help="an authority with a KPI set (default 302, Barnet)")
    parser.add_argument("--urn", type=int, help="the school profile (default: the LA's first school with results)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--baseline", type=Path, help="an earlier --json result to compare with")
    args = parser.parse_args()
    if not os.environ.get("HEADWAY_DATABASE_URL"):
        print("Set HEADWAY_DATABASE_URL to a loaded database (see the docstring).", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.settings")
    os.environ.setdefault("HEADWAY_ALLOWED_HOSTS", "localhost")
    import django

    django.setup()
    return run(args)


def run(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from headway.accounts.models import User
    from headway.performance.models import SchoolResult
    from headway.schools.models import Establishment

    user = User.objects.filter(is_superuser=True, is_active=True).first()
    if user is None:
        print("No active superuser to view the pages as.", file=sys.stderr)
        return 2
    urn = args.urn
    if urn is None:
        with_results = SchoolResult.objects.filter(la_code=args.la, year=args.year).values("urn")
        school = Establishment.objects.filter(urn__in=with_results).order_by("urn").first()
        urn = school.urn if school is not None else 0
    pages = {
        "LA dashboard": f"/performance/la/{args.la}/{args.year}/",
        "KPI table": f"/strategy/kpis/{args.kpi_la}/{args.year}/",
        "school profile": f"/schools/{urn}/",
    }
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    client.get("/")  # load the URL configuration and templates once: not any page's time
    results: dict[str, dict[str, float | int | str]] = {}
    failed = False
    for name, url in pages.items():
        started = time.perf_counter()
        first = client.get(url)
        first_ms = (time.perf_counter() - started) * 1000
        times = []
        count = 0
        status = first.status_code
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            count = len(captured.captured_queries)
            status = response.status_code
        failed |= status != 200
        median = statistics.median(times)
        results[name] = {
            "url": url,
            "status": status,
            "first_ms": round(first_ms, 1),
            "median_ms": round(median, 1),
            "queries": count,
            "ratio_to_target": round(median / TARGET_MS, 2),
        }
    baseline = _baseline(args.baseline)
    print(f"{'page':<16} {'status':>6} {'first ms':>9} {'median ms':>10} {'queries':>8} {'/300 ms':>8}  baseline")
    for name, row in results.items():
        before = baseline.get(name, {})
        compared = ""
        if before:
            times = float(row["median_ms"]) / before["median_ms"]
            compared = f"{before['median_ms']} ms, {before['queries']} queries ({times:.2f}x)"
        print(
            f"{name:<16} {row['status']:>6} {row['first_ms']:>9} {row['median_ms']:>10} {row['queries']:>8} "
            f"{row['ratio_to_target']:>8}  {compared}"
        )
    if args.json:
        print(json.dumps({"database": connection.vendor, "year": args.year, "pages": results}))
    return 1 if failed else 0


def _baseline(path: Path | None) -> dict[str, dict[str, float]]:
    if path is None:
        return {}
    lines = [line for line in path.read_text().splitlines() if line.startswith("{")]
    return json.loads(lines[-1])["pages"] if lines else {}


if __name__ == "__main__":
    raise SystemExit(main())
