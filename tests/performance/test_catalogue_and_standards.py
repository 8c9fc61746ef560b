"""The measure catalogue and the floor and coasting standards are data, validated on load."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from headway.performance.benchmarks import in_top_10_percent, significance
from headway.performance.catalogue import CatalogueError, catalogue, load_catalogue
from headway.performance.standards import Figure, evaluate, standards

REQUIRED_CODES = {
    "ks2.rwm_exp",
    "ks2.read_prog",
    "ks2.writ_prog",
    "ks2.mat_prog",
    "ks4.att8",
    "ks4.p8",
    "ks4.basics_94",
    "ks4.basics_95",
    "ks4.ebacc_entry",
    "ks4.ebacc_aps",
    "absence.overall",
    "absence.persistent",
    "census.fsm_ever",
}


def test_shipped_catalogue_has_the_measures_boards_ask_for() -> None:
    assert set(catalogue().measures) >= REQUIRED_CODES
    assert catalogue().get("absence.overall").polarity == "lower"
    assert catalogue().get("ks4.p8").lower == ("P8CILOW",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "version: 1\ndatasets: {ks2: {}}\nmeasures:\n  - code: ks2.x\n    label: X\n    dataset: ks9\n",
            ":6: unknown dataset 'ks9'",
        ),
        (
            "version: 1\ndatasets: {ks2: {}}\nmeasures:\n  - code: ks2.x\n    label: X\n    dataset: ks2\n"
            "    key_stage: KS2\n    unit: percent\n    polarity: sideways\n",
            ":9: polarity 'sideways' is not one of",
        ),
        (
            "version: 1\ndatasets: {ks2: {}}\nmeasures:\n  - code: ks4.x\n    dataset: ks2\n",
            ":4: code 'ks4.x' must start",
        ),
        ("version: 1\ndatasets: [\n", "not valid YAML"),
        (
            "version: 1\ndatasets: {ks2: {}}\nmeasures:\n  - code: ks2.gap\n    label: G\n    dataset: ks2\n"
            "    key_stage: KS2\n    unit: points\n    polarity: higher\n    gap: {of: ks2.a}\n    years: [2018]\n",
            ":10: 'gap' must be {of: MEASURE, against: MEASURE}",
        ),
        (
            "version: 1\ndatasets: {ks2: {}}\nmeasures:\n  - code: ks2.gap\n    label: G\n    dataset: ks2\n"
            "    key_stage: KS2\n    unit: points\n    polarity: higher\n    gap: {of: ks2.a, against: ks2.b}\n"
            "    years: [2018]\n",
            "measure 'ks2.gap' refers to unknown measure 'ks2.a'",
        ),
        (
            "version: 1\ndatasets: {ks2: {}}\nmeasures:\n  - code: ks2.x\n    label: X\n    dataset: ks2\n"
            "    key_stage: KS2\n    unit: percent\n    polarity: higher\n    phase: primary\n    columns: [A]\n"
            "    years: [2018]\n",
            ":10: only a measure worked out from inspections has a phase",
        ),
        (
            "version: 1\ndatasets: {absence: {}}\nmeasures:\n  - code: absence.x\n    label: X\n"
            "    dataset: absence\n    key_stage: context\n    unit: percent\n    polarity: higher\n"
            "    lait_complement: true\n    columns: [A]\n    years: [2018]\n",
            ":10: 'lait_complement' is true or false, with a 'lait' item",
        ),
    ],
)
def test_an_invalid_catalogue_is_rejected_with_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(text)
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_top_10_percent() -> None:
    assert in_top_10_percent(15, 152)
    assert not in_top_10_percent(16, 152)
    assert in_top_10_percent(15, 150)
    assert not in_top_10_percent(16, 150)
    assert not in_top_10_percent(1, 4)  # fewer than ten LAs with a figure: no best tenth


def test_significance_from_confidence_intervals() -> None:
    assert significance(Decimal("-1.9"), Decimal("-3.5"), Decimal("-0.3")) == "significantly below"
    assert significance(Decimal("2.1"), Decimal("0.4"), Decimal("3.8")) == "significantly above"
    assert significance(Decimal("0.3"), Decimal("-1.0"), Decimal("1.6")) == "in line"
    assert significance(Decimal("0.3"), None, None) == ""


def rule(name: str):  # type: ignore[no-untyped-def]
    return next(r for r in standards() if r.name == name)


def test_primary_floor_2016_needs_low_attainment_and_low_progress() -> None:
    floor = rule("Primary floor standard 2016-2019")
    low = {
        "ks2.rwm_exp": Figure(Decimal(60)),
        "ks2.read_prog": Figure(Decimal("-5.5")),
        "ks2.writ_prog": Figure(Decimal(0)),
        "ks2.mat_prog": Figure(Decimal(0)),
    }
    assert evaluate(floor, {2018: low}, 2018).outcome == "below"
    good_progress = {**low, "ks2.read_prog": Figure(Decimal("-4.9"))}
    assert evaluate(floor, {2018: good_progress}, 2018).outcome == "met"
    high_attainment = {**low, "ks2.rwm_exp": Figure(Decimal(65))}
    assert evaluate(floor, {2018: high_attainment}, 2018).outcome == "met"
    assert evaluate(floor, {2018: {"ks2.rwm_exp": Figure(Decimal(50))}}, 2018).outcome == "no data"


def test_coasting_needs_three_consecutive_years() -> None:
    coasting = rule("Secondary coasting standard 2016-2018")
    weak = {"ks4.p8": Figure(Decimal("-0.4"), upper=Decimal("-0.1"))}
    fine = {"ks4.p8": Figure(Decimal("-0.1"), upper=Decimal("0.2"))}
    assert evaluate(coasting, {2016: weak, 2017: weak, 2018: weak}, 2018).outcome == "below"
    assert evaluate(coasting, {2016: fine, 2017: weak, 2018: weak}, 2018).outcome == "met"
    assert evaluate(coasting, {2017: weak, 2018: weak}, 2018).outcome == "no data"


def test_secondary_floor_uses_the_confidence_interval() -> None:
    floor = rule("Secondary floor standard 2016-2019")
    assert evaluate(floor, {2019: {"ks4.p8": Figure(Decimal("-0.6"), upper=Decimal("-0.2"))}}, 2019).outcome == "below"
    assert evaluate(floor, {2019: {"ks4.p8": Figure(Decimal("-0.6"), upper=Decimal("0.1"))}}, 2019).outcome == "met"


def test_measure_command_json(db: None, capsys) -> None:  # type: ignore[no-untyped-def]
    from tests.performance.test_performance_import import DFE_2019, load

    load("ks4", 2019, DFE_2019 / "kspdev__england_ks4provisional.csv")
    call_command("measure", "--la", "302", "--year", "2019", "--measure", "ks4.att8", "--json")
    la = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert la == {
        "la": "302",
        "measure": "ks4.att8",
        "year": 2019,
        "value": 56.9,
        "rank": la["rank"],
        "of": la["of"],
        "top10": True,
        "source": "published",
    }
    assert 1 <= la["rank"] <= 15 and la["of"] >= 150
    call_command("measure", "--urn", "100049", "--year", "2019", "--measure", "ks4.p8", "--json")
    school = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert school["national"] == -0.03
    assert school["significance"] in {"significantly above", "significantly below", "in line"}
    assert school["difference_from_national"] == round(school["value"] + 0.03, 3)


def test_groups_of_pupils_gaps_and_phases_the_kpi_sets_need() -> None:
    measures = catalogue().measures
    # Vulnerable groups DfE's LA benchmarking data publishes, for LAs only (no school-level column).
    for code, scope in (
        ("ks2.rwm_exp_sen_support", "sen_support"),
        ("ks2.rwm_exp_ehc_plan", "ehc_plan"),
        ("ks4.att8_looked_after", "looked_after"),
        ("ks4.p8_black", "black"),
        ("eyfs.gld_sen_support", "sen_support"),
    ):
        assert (measures[code].scope, measures[code].la_only, bool(measures[code].lait)) == (scope, True, True), code
    for code in ("eyfs.gld", "neet.neet_16_17", "absence.primary", "absence.secondary", "exclusions.suspensions"):
        assert measures[code].lait, code
    gap = measures["ks2.rwm_exp_dis_gap"]
    assert (gap.is_gap, gap.gap_of, gap.gap_against, gap.unit) == (
        True,
        "ks2.rwm_exp_dis",
        "ks2.rwm_exp_nondis",
        "points",
    )
    attendance = measures["absence.attendance_primary"]
    assert (attendance.lait, attendance.lait_complement, attendance.polarity) == ("PriTotAbs", True, "higher")
    assert measures["inspections.good_or_better_primary"].phase == "primary"
    assert not measures["ks4.att8"].la_only and not measures["ks4.att8"].is_gap
