"""Load test: 50 signed-in LA officers on the pages officers use most, against a running Headway.

    .venv/bin/python benchmarks/load.py --host http://127.0.0.1:8000 [--users 50] [--run-time 300] [--json]

Run it against gunicorn and PostgreSQL with the demo loaded (benchmarks/README.md, "load.py"), with the
same HEADWAY_DATABASE_URL (and HEADWAY_SECRET_KEY) as the server: the script first creates (or resets) the
officers it signs in as, ``load.officer01`` ... in the demo's authority (Hampshire, 850), and reads which
schools to visit, straight from that database. Each simulated officer signs in through the sign-in form
once, then opens a page every 5-15 seconds (locust's ``between(5, 15)``), choosing by the weights in
``PAGES``. At the end it prints each page's median, 95th percentile and errors, the whole run's, the
machine's core count, and how many database queries the slowest pages make (each rendered once more, in
a child process, under Django's query counter). Exits 1 if the 95th percentile is 300 ms or more or any
request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LA_CODE = "850"
YEAR = 2019
PASSWORD = "load-test-officer-passphrase"  # noqa: S105 - the load test's own throwaway accounts
TARGET_P95_MS = 300.0

#: name, URL pattern ({urn}: a school of the LA; {concern}: a school on its register), weight.
PAGES: tuple[tuple[str, str, int], ...] = (
    ("schools list", "/schools/", 4),
    ("schools list, searched", "/schools/?q={word}", 1),
    ("school profile", "/schools/{urn}/", 6),
    ("school's visits", "/visits/schools/{urn}/", 2),
    ("school's categorisation", "/risk/schools/{urn}/", 1),
    ("my schools and visits", "/visits/", 2),
    ("notes of visit", "/notes/", 2),
    ("notices", "/notes/notices/", 1),
    ("schools causing concern", "/concerns/", 2),
    ("concern case", "/concerns/schools/{concern}/", 1),
    ("LA dashboard", f"/performance/la/{LA_CODE}/{YEAR}/", 1),
)


# Django side (run in child processes: locust patches sockets with gevent at import) --------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def prepare(users: int) -> dict[str, Any]:
    """Creates (or resets) the officers and lists the schools to visit."""
    _django()
    from headway.accounts.models import Role, User
    from headway.concerns.models import SchoolCausingConcern
    from headway.schools.models import Establishment, LocalAuthority

    authority = LocalAuthority.objects.get(code=LA_CODE)
    names = []
    for number in range(1, users + 1):
        username = f"load.officer{number:02d}"
        user, _ = User.objects.get_or_create(username=username)
        user.role = Role.LA_OFFICER
        user.local_authority = authority
        user.first_name, user.last_name = "Load", f"Officer {number}"
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
        names.append(username)
    schools = list(
        Establishment.objects.filter(local_authority=authority, status__istartswith="open").values_list(
            "urn", flat=True
        )
    ) or list(Establishment.objects.filter(local_authority=authority).values_list("urn", flat=True))
    concerns = list(
        SchoolCausingConcern.objects.filter(establishment__local_authority=authority).values_list(
            "establishment__urn", flat=True
        )
    )
    words = sorted(
        {
            word
            for name in Establishment.objects.filter(urn__in=schools[:200]).values_list("name", flat=True)
            for word in re.findall(r"[A-Za-z]{5,}", name)
        }
    )[:50]
    return {"users": names, "schools": schools, "concerns": concerns or schools[:5], "words": words or ["School"]}


def count_queries(username: str, urls: list[str]) -> dict[str, dict[str, Any]]:
    """Each URL rendered once for the officer, in this process, under Django's query counter: how many
    queries, and the three query shapes (numbers and quoted values blanked) repeated most."""
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from headway.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    counts = {}
    for url in urls:
        client.get(url)  # warm caches the way a running server has them
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"])[:160] for query in queries.captured_queries)
        counts[url] = {
            "queries": len(queries) if response.status_code == 200 else -response.status_code,
            "repeated": [[n, shape] for shape, n in shapes.most_common(3) if n > 1],
        }
    return counts


def _child(mode: str, payload: dict[str, Any]) -> Any:
    completed = subprocess.run(
        [sys.executable, __file__, f"--{mode}", json.dumps(payload)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# The load itself --------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def summary(samples: dict[str, list[tuple[float, float]]], since: float) -> dict[str, Any]:
    """Per page and over all pages (signing in aside): requests, median, 95th and 99th percentiles, from
    the requests that started at ``since`` or later."""
    kept = {name: [ms for at, ms in times if at >= since] for name, times in samples.items()}
    pages = {
        name: {
            "requests": len(times),
            "median_ms": round(percentile(times, 0.5), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
        }
        for name, times in sorted(kept.items())
        if times
    }
    page_names = {name for name, _, _ in PAGES}
    browsing = [ms for name, times in kept.items() if name in page_names for ms in times]
    return {
        "pages": pages,
        "pages_requests": len(browsing),
        "p50_ms": round(percentile(browsing, 0.5), 1),
        "p95_ms": round(percentile(browsing, 0.95), 1),
        "p99_ms": round(percentile(browsing, 0.99), 1),
    }


def run_load(
    host: str, plan: dict[str, Any], users: int, run_time: float, spawn_rate: float, warm_up: float
) -> dict[str, Any]:
    import gevent
    from locust import HttpUser, between, events, task
    from locust.env import Environment
    from locust.stats import StatsEntry

    accounts = list(plan["users"])
    #: page name -> (when the request started, seconds after the run started; how long it took, ms)
    samples: dict[str, list[tuple[float, float]]] = {}
    failures: list[str] = []

    @events.request.add_listener
    def on_request(name: str, response_time: float, exception: Exception | None, **_: Any) -> None:
        samples.setdefault(name, []).append((time.monotonic() - started - response_time / 1000, response_time))
        if exception is not None:
            failures.append(f"{name}: {exception}")

    weighted = [page for page in PAGES for _ in range(page[2])]

    class Officer(HttpUser):  # type: ignore[misc]
        wait_time = between(5, 15)

        def on_start(self) -> None:
            self.username = accounts.pop(0) if accounts else plan["users"][0]
            page = self.client.get("/accounts/sign-in/", name="sign-in page")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            with self.client.post(
                "/accounts/sign-in/",
                data={
                    "username": self.username,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                    "next": "",
                },
                headers={"Referer": host + "/accounts/sign-in/"},
                name="sign in",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"sign-in answered {response.status_code}")

        @task
        def open_a_page(self) -> None:
            name, pattern, _weight = random.choice(weighted)
            url = pattern.format(
                urn=random.choice(plan["schools"]),
                concern=random.choice(plan["concerns"]),
                word=random.choice(plan["words"]),
            )
            with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"{url} answered {response.status_code}")

    Officer.host = host
    # On stopping, an officer finishes the page it is loading (its think time is cut short).
    environment = Environment(user_classes=[Officer], events=events, stop_timeout=60)
    runner = environment.create_local_runner()
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    runner.start(users, spawn_rate=spawn_rate)
    gevent.sleep(run_time)
    runner.stop()
    runner.quit()
    elapsed = time.monotonic() - started

    total: StatsEntry = environment.stats.total
    whole = summary(samples, 0.0)
    return {
        # After the warm-up (everyone signed in: 50 password checks at once keep both cores busy for a while).
        **summary(samples, warm_up),
        "warm_up_s": warm_up,
        "whole_run": {key: whole[key] for key in ("pages_requests", "p50_ms", "p95_ms", "p99_ms")},
        "requests": sum(len(times) for times in samples.values()),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "failures": len(failures),
        "failure_examples": failures[:10],
        "requests_per_s": round(total.num_requests / elapsed, 2) if elapsed else 0.0,
        "seconds": round(elapsed, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="http://127.0.0.1:8000", help="the running Headway's address")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--run-time", type=float, default=300.0, help="seconds of load after the first user starts")
    parser.add_argument(
        "--warm-up", type=float, default=60.0, help="seconds left out of the percentiles while everyone signs in"
    )
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="officers signing in per second at the start")
    parser.add_argument("--slowest", type=int, default=3, help="how many of the slowest pages to count queries for")
    parser.add_argument("--json", action="store_true", help="also print the result as one JSON line")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--count-queries", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.prepare:
        print(json.dumps(prepare(json.loads(args.prepare)["users"])))
        return 0
    if args.count_queries:
        request = json.loads(args.count_queries)
        print(json.dumps(count_queries(request["username"], request["urls"])))
        return 0

    plan = _child("prepare", {"users": args.users})
    print(
        f"{len(plan['users'])} officers, {len(plan['schools'])} schools, {len(plan['concerns'])} causing concern; "
        f"{args.users} users for {args.run_time:.0f} s against {args.host}",
        flush=True,
    )
    result = run_load(args.host, plan, args.users, args.run_time, args.spawn_rate, args.warm_up)

    slowest = sorted(
        (name for name in result["pages"] if name in {page[0] for page in PAGES}),
        key=lambda name: result["pages"][name]["p95_ms"],
        reverse=True,
    )[: args.slowest]
    patterns = {name: pattern for name, pattern, _ in PAGES}
    urls = {
        name: patterns[name].format(urn=plan["schools"][0], concern=plan["concerns"][0], word=plan["words"][0])
        for name in slowest
    }
    counts = _child("count-queries", {"username": plan["users"][0], "urls": list(urls.values())})
    result["slowest_pages_queries"] = {name: {"url": url, **counts[url]} for name, url in urls.items()}
    result.update(
        {
            "users": args.users,
            "think_time_s": [5, 15],
            "cores": os.cpu_count(),
            "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
            "target_p95_ms": TARGET_P95_MS,
        }
    )

    print(f"\nafter the first {result['warm_up_s']:.0f} s:")
    print(f"{'page':<28}{'requests':>9}{'median':>9}{'p95':>9}{'max':>9}  (ms)")
    for name, page in sorted(result["pages"].items(), key=lambda item: -item[1]["p95_ms"]):
        print(f"{name:<28}{page['requests']:>9}{page['median_ms']:>9}{page['p95_ms']:>9}{page['max_ms']:>9}")
    whole = result["whole_run"]
    print(
        f"\nall pages after the warm-up: {result['pages_requests']} requests, median {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms\n"
        f"all pages, whole run: {whole['pages_requests']} requests, median {whole['p50_ms']} ms, "
        f"p95 {whole['p95_ms']} ms, p99 {whole['p99_ms']} ms\n"
        f"{result['failures']} failed, {result['requests_per_s']} requests/s; {result['cores']} cores "
        f"({result['machine']}); load average {result['load_average'][0]} before, {result['load_average'][1]} after"
    )
    for name, info in result["slowest_pages_queries"].items():
        print(f"slowest: {name} ({info['url']}): {info['queries']} queries")
        for times, shape in info["repeated"]:
            print(f"    {times} x {shape}")
    for example in result["failure_examples"]:
        print(f"failed: {example}")
    met = result["p95_ms"] < TARGET_P95_MS and result["failures"] == 0
    print(f"target (p95 under {TARGET_P95_MS:.0f} ms, no errors): {'met' if met else 'NOT met'}")
    if args.json:
        print(json.dumps(result))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
