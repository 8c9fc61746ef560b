"""headway kpi table: human table, --json (one object on the last line) and --csv."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from headway.imports.services import ImportResult
from headway.strategy.models import KpiSet


def _run(*args: str) -> str:
    out = StringIO()
    call_command("kpi", "table", "--la", "302", "--year", "2019", *args, stdout=out)
    return out.getvalue()


def test_json_shape(ks4_2019: ImportResult, barnet_kpis: KpiSet) -> None:
    result = json.loads(_run("--json").strip().splitlines()[-1])
    assert (result["la"], result["year"], result["kpi_set"]) == ("302", 2019, "Barnet Education Strategy 2017-2020")
    assert len(result["kpis"]) == 11
    for kpi in result["kpis"]:
        assert {
            "indicator",
            "measure",
            "scope",
            "baseline",
            "target",
            "actual",
            "rank",
            "of",
            "national",
            "met",
        } <= set(kpi)
        assert set(kpi["baseline"]) >= {"year", "value"}
        assert kpi["met"] in (True, False, None)
    att8 = next(k for k in result["kpis"] if k["measure"] == "ks4.att8")
    assert att8 == {
        **att8,
        "indicator": "KS4: Attainment 8 average score per pupil",
        "scope": "all",
        "baseline": {"year": 2017, "value": 54.7, "source": "kpi set"},
        "target": "At or above 55.0",
        "actual": 56.9,
        "actual_source": "published",
        "rank": 2,
        "of": 150,
        "met": True,
    }
    disadvantaged = next(k for k in result["kpis"] if k["measure"] == "ks2.rwm_exp_dis")
    assert (disadvantaged["scope"], disadvantaged["met"], disadvantaged["actual"]) == ("disadvantaged", None, None)
    ebacc = next(k for k in result["kpis"] if k["measure"] == "ks4.ebacc_entry")
    assert ebacc["regional"]["region"] == "London" and ebacc["regional"]["source"] == "computed"


def test_csv_parses(ks4_2019: ImportResult, barnet_kpis: KpiSet) -> None:
    rows = list(csv.DictReader(StringIO(_run("--csv"))))
    assert len(rows) == 11
    p8 = next(r for r in rows if r["measure"] == "ks4.p8")
    assert (p8["actual"], p8["rank"], p8["of"], p8["target"], p8["met"]) == ("0.58", "1", "150", "Rank ≤ 10", "met")
    absence = next(r for r in rows if r["measure"] == "absence.overall")
    assert (absence["actual"], absence["met"]) == ("", "no data")


def test_human_table(ks4_2019: ImportResult, barnet_kpis: KpiSet) -> None:
    text = _run()
    assert text.splitlines()[0] == "Barnet Education Strategy 2017-2020: Barnet (302), 2019"
    p8_line = next(line for line in text.splitlines() if line.startswith("KS4: Progress 8 score"))
    assert "+0.58" in p8_line and "1 of 150" in p8_line and p8_line.rstrip().endswith("Met")
    assert "Top 10% (rank ≤ 15)" in text


def test_unknown_authority_or_set(ks4_2019: ImportResult, barnet_kpis: KpiSet) -> None:
    with pytest.raises(CommandError, match="no local authority '999'"):
        call_command("kpi", "table", "--la", "999", "--year", "2019", stdout=StringIO())
    with pytest.raises(CommandError, match="has no KPI set called 'Nope'"):
        call_command("kpi", "table", "--la", "302", "--year", "2019", "--set", "Nope", stdout=StringIO())
