"""The KPI sets Headway ships: each loads by name, cites the seed section every indicator follows, and together
they use every kind of target. ``kpi_set_path`` finds an LA's own set before a shipped one."""

from __future__ import annotations

import itertools
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from headway.strategy.definitions import (
    KPI_SETS_DIR,
    KpiSetNotFound,
    kpi_set_names,
    kpi_set_path,
    parse_kpi_set_file,
)
from headway.strategy.models import KpiSet, TargetKind
from headway.strategy.selectors import kpi_report

SEEDED = ("barnet-2017-20", "barnsley-2022")
#: What every indicator of a set that follows a seed cites in its YAML comments or notes.
CITATIONS = {
    "barnet-2017-20": re.compile(r"\b1[ab] row \d+"),
    "barnsley-2022": re.compile(r"Impact measures? \d+|2030 target \d"),
}


def _indicator_blocks(path: Path) -> dict[str, str]:
    """Each indicator's text in the file, with the comment lines just above it, by key."""
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"(?m)^  - key: ", text)
    blocks: dict[str, str] = {}
    for before, part in itertools.pairwise(parts):
        above = "\n".join(line for line in before.splitlines()[-8:] if line.strip().startswith("#"))
        key = part.split("\n", 1)[0].strip()
        blocks[key] = above + "\n" + part
    return blocks


def test_the_shipped_sets_are_found_by_name() -> None:
    assert set(SEEDED) | {"barnet-302"} <= set(kpi_set_names())
    for name in SEEDED:
        assert kpi_set_path(name) == KPI_SETS_DIR / f"{name}.yaml"


@pytest.mark.parametrize("name", SEEDED)
def test_every_indicator_cites_the_seed(db: None, name: str) -> None:
    path = kpi_set_path(name)
    definition = parse_kpi_set_file(path)
    blocks = _indicator_blocks(path)
    assert set(blocks) == {i.key for i in definition.indicators}
    uncited = [key for key, block in blocks.items() if not CITATIONS[name].search(block)]
    assert not uncited, f"{name}: indicators citing no seed row: {uncited}"


def test_the_seeded_sets_use_every_kind_of_target(db: None) -> None:
    kinds: set[str] = set()
    for name in SEEDED:
        for indicator in parse_kpi_set_file(kpi_set_path(name)).indicators:
            kinds.add(indicator.target_kind)
            kinds.update(target.kind for target in indicator.targets)
    assert kinds == set(TargetKind.values)


def test_barnsley_loads_by_name_with_its_2030_targets(db: None) -> None:
    out = StringIO()
    call_command("kpi", "load", "barnsley-2022", stdout=out)
    assert "26 created" in out.getvalue()
    kpi_set = KpiSet.objects.get(local_authority__code="370")
    targets = {i.key: (i.target_kind, i.target_year) for i in kpi_set.indicators.exclude(target_kind="none")}
    assert targets == {
        "pupils-in-good-or-outstanding-schools": (TargetKind.VALUE, 2030),
        "early-years-settings-good-or-outstanding": (TargetKind.VALUE, 2030),
        "suspensions-all-schools": (TargetKind.REDUCE_YEAR_ON_YEAR, 2030),
        "suspensions-primary-local": (TargetKind.REDUCE_YEAR_ON_YEAR, 2030),
        "suspensions-secondary-local": (TargetKind.REDUCE_YEAR_ON_YEAR, 2030),
        "ks2-rwm-expected": (TargetKind.AT_OR_ABOVE_NATIONAL, 2030),
        "ks4-english-maths-grade-5": (TargetKind.AT_OR_ABOVE_NATIONAL, 2030),
    }
    report = kpi_report(authority=kpi_set.local_authority, year=2023)
    assert [group.name for group in report.groups] == [
        "Barnsley 2030 (borough outcomes)",
        "Primary Headteachers' Executive Group and Secondary Headteacher Meeting",
        "Quality of Education Group",
        "Leadership Capacity Sub-group",
    ]
    # Nothing imported: every row with a target says "No data", every other "No target"; none "Not met".
    assert {row.met_text for row in report.rows} == {"No data", "No target"}


def test_an_las_own_set_is_found_before_the_shipped_one(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "kpi_sets"
    own.mkdir()
    text = kpi_set_path("barnsley-2022").read_text(encoding="utf-8")
    (own / "barnsley-2022.yaml").write_text(text.replace('version: "2022"', 'version: "2024 refresh"'))
    (own / "our-own.yaml").write_text(text.replace("(impact measures and 2030 targets)", "(our own)"))
    monkeypatch.setenv("HEADWAY_CONFIG_DIR", str(tmp_path))
    assert kpi_set_path("barnsley-2022") == own / "barnsley-2022.yaml"
    assert "our-own" in kpi_set_names()
    call_command("kpi", "load", "barnsley-2022", stdout=StringIO())
    assert KpiSet.objects.get(local_authority__code="370").version == "2024 refresh"


def test_an_unknown_name_says_which_sets_there_are(db: None) -> None:
    with pytest.raises(KpiSetNotFound, match=r"known: .*barnet-2017-20"):
        kpi_set_path("barnet-2017")
    with pytest.raises(KpiSetNotFound):
        kpi_set_path("../barnet-2017-20")
    with pytest.raises(CommandError, match="'barnet-2017' is neither a file nor a KPI set's name"):
        call_command("kpi", "load", "barnet-2017", stdout=StringIO())
    out = StringIO()
    call_command("kpi", "sets", stdout=out)
    assert "barnet-2017-20" in out.getvalue() and "barnsley-2022" in out.getvalue()
