"""``headway load_demo`` into a fresh database, twice: the first run loads every kind of demo data, the second
creates and changes nothing.

What holds today, and is asserted: on the second run every register, links, inspection, benchmark and
neighbour file reports 0 created and 0 updated; the KPI sets are unchanged; the configuration, categorisation
round, review group, support, partnership survey and visit plan are not made again; and every table but the
import records and the audit trail has the same number of rows. The performance-table files report 0 created
but not yet 0 updated: several files carry the same schools' figures (national trimmed files, then Hampshire's
raw files, which supersede them), so each reload flips some values back and forth. Making that reload report
nothing is another issue's; this test asserts only that it creates nothing.

Each step is tested on its own, fast, in tests/demo/test_demo_steps.py.

Slow (a few minutes on a quiet machine): ``pytest -m slow tests/demo/test_load_demo.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from headway.demo.data import DEMO_FILES, DEMO_KPI_SETS, DEMO_PERFORMANCE
from tests.backup.database import Database

SUMMARY = re.compile(
    r"^(?P<file>\S+): (?P<created>\d+) created, (?P<updated>\d+) updated, (?P<unchanged>\d+) unchanged"
)
# Rows that every run adds by design: each import is recorded and audited, and sessions come and go.
GROWS_EACH_RUN = {"imports_importrun", "imports_importjob", "accounts_auditevent", "django_session"}


def summaries(output: str) -> dict[str, dict[str, int]]:
    found = {}
    for line in output.splitlines():
        match = SUMMARY.match(line)
        if match:
            found[match["file"]] = {k: int(match[k]) for k in ("created", "updated", "unchanged")}
    return found


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_load_demo_twice_into_a_fresh_database_changes_nothing_the_second_time(tmp_path: Path) -> None:
    # The demo's own configuration folder is the one beside the database, as for a real first install.
    db = Database(url=f"sqlite:///{tmp_path / 'headway.sqlite3'}", var_dir=tmp_path, without=("HEADWAY_CONFIG_DIR",))
    db.run("migrate", "-v0")
    first = db.run("load_demo").stdout
    loaded = summaries(first)
    assert set(loaded) == {name for _kind, name in DEMO_FILES} | {name for *_, name in DEMO_PERFORMANCE}
    assert all(counts["created"] > 0 for counts in loaded.values()), loaded
    for made in ("Configuration (demo) copied", "Categorisation round:", "Schools causing concern (demo",
                 "Support (demo):", "Partnership survey", "Visits (demo): 427 proposals", "Caseload (demo)",
                 "Networks (demo)"):  # fmt: skip
        assert made in first, f"the first run did not say: {made}"
    before = db.snapshot()

    second = db.run("load_demo").stdout
    again = summaries(second)
    for _kind, name in DEMO_FILES:
        assert (again[name]["created"], again[name]["updated"]) == (0, 0), (name, again[name])
    for *_, name in DEMO_PERFORMANCE:
        assert again[name]["created"] == 0, (name, again[name])  # updates: see the module's docstring
    kpi_lines = [line for line in second.splitlines() if "KPI set" in line]
    assert len(kpi_lines) == len(DEMO_KPI_SETS) and all(
        "unchanged; indicators: 0 created, 0 updated" in line for line in kpi_lines
    )
    for made in ("Configuration (demo) copied", "Categorisation round:", "Schools causing concern (demo",
                 "Support (demo):", "Partnership survey", "Caseload (demo)", "Networks (demo)"):  # fmt: skip
        assert made not in second, f"the second run made again: {made}"
    assert "Visits (demo): already loaded" in second
    for login in ("admin", "superuser", "head.alton"):  # scripts/demo prints the sign-ins on every run
        assert re.search(rf"^  {re.escape(login)} +password ", second, re.MULTILINE), login

    after = db.snapshot()
    counts_before, counts_after = before["counts"], after["counts"]
    assert isinstance(counts_before, dict) and isinstance(counts_after, dict)
    changed = {
        table: (counts_before.get(table), counts_after.get(table))
        for table in set(counts_before) | set(counts_after)
        if table not in GROWS_EACH_RUN and counts_before.get(table) != counts_after.get(table)
    }
    assert not changed, f"tables whose rows the second run changed: {changed}"
    trail_before, trail_after = before["trail"], after["trail"]
    assert isinstance(trail_before, list) and isinstance(trail_after, list)
    new_verbs = {event[4] for event in trail_after[len(trail_before) :]}
    assert new_verbs <= {"import.completed"}, f"the second run audited decisions: {sorted(new_verbs)}"
