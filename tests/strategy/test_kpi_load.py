"""headway kpi load: KPI sets are data files, checked whole (file:line: problem), loaded idempotently, audited."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from headway.accounts.models import AuditEvent, Role
from headway.schools.models import LocalAuthority
from headway.strategy.definitions import KpiSetFileError
from headway.strategy.models import KpiIndicator, KpiSet, TargetKind
from headway.strategy.services import kpi_indicator_update, kpi_set_load
from tests.factories import UserFactory
from tests.strategy.conftest import BARNET_SET, INVALID


def test_the_shipped_barnet_set_loads(barnet_kpis: KpiSet) -> None:
    assert barnet_kpis.name == "Barnet Education Strategy 2017-2020"
    authority = barnet_kpis.local_authority
    assert (authority.code, authority.name, authority.region) == ("302", "Barnet", "Outer London")
    indicators = list(barnet_kpis.indicators.all())
    assert len(indicators) == 11
    # The illustrative set uses the five kinds of target it was written for; the sets that follow the seeds
    # use the others too (test_shipped_sets.py).
    assert {i.target_kind for i in indicators} == {
        TargetKind.VALUE,
        TargetKind.TOP_10_PERCENT,
        TargetKind.RANK_AT_MOST,
        TargetKind.AT_OR_ABOVE_NATIONAL,
        TargetKind.AT_OR_ABOVE_REGION,
    }
    p8 = barnet_kpis.indicators.get(key="ks4-progress-8")
    assert (p8.measure, p8.target_kind, p8.target_value, p8.baseline_year) == ("ks4.p8", "rank_at_most", 10, 2017)
    created = AuditEvent.objects.filter(verb="kpi_indicator.created", target_type="strategy.kpiindicator")
    assert created.count() == 11
    assert AuditEvent.objects.get(verb="kpi_set.created").reason == "loaded from barnet-302.yaml"


def test_loading_the_same_file_again_changes_nothing(barnet_kpis: KpiSet) -> None:
    events = AuditEvent.objects.count()
    result = kpi_set_load(path=BARNET_SET, actor_name="test")
    assert (result.set_created, result.set_updated, result.created, result.updated, result.removed) == (
        False,
        False,
        0,
        0,
        0,
    )
    assert result.unchanged == 11
    assert AuditEvent.objects.count() == events
    assert KpiSet.objects.count() == 1 and KpiIndicator.objects.count() == 11


def test_a_changed_file_updates_and_removes_indicators_with_audit(barnet_kpis: KpiSet, tmp_path: Path) -> None:
    text = BARNET_SET.read_text(encoding="utf-8")
    text = text.replace("target: {kind: rank_at_most, value: 10, year: 2020}", "target: {kind: rank_at_most, value: 5}")
    text = text[: text.index("  - key: ks4-destinations")]
    changed = tmp_path / "barnet-302.yaml"
    changed.write_text(text, encoding="utf-8")
    result = kpi_set_load(path=changed, actor_name="test")
    assert (result.created, result.updated, result.unchanged, result.removed) == (0, 1, 9, 1)
    update = AuditEvent.objects.get(verb="kpi_indicator.updated")
    assert update.before == {"target_value": "10", "target_year": 2020}
    assert update.after == {"target_value": "5", "target_year": None}
    removed = AuditEvent.objects.get(verb="kpi_indicator.removed")
    assert removed.before is not None and removed.before["key"] == "ks4-destinations"
    assert not KpiIndicator.objects.filter(key="ks4-destinations").exists()


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        (
            "unknown_measure.yaml",
            ["unknown_measure.yaml:10: measure 'ks4.att9' is not in the catalogue (did you mean ks4.att8"],
        ),
        (
            "rank_target_without_value.yaml",
            [
                "rank_target_without_value.yaml:8: a rank_at_most target needs a value",
                "rank_target_without_value.yaml:12: a top_10_percent target takes no value",
            ],
        ),
        (
            "unknown_region_and_field.yaml",
            [
                "unknown_region_and_field.yaml:8: region 'Greater Manchester' is not one of",
                "unknown_region_and_field.yaml:11: unknown field 'basline' in an indicator",
            ],
        ),
        (
            "context_measure_and_bad_baseline.yaml",
            [
                "context_measure_and_bad_baseline.yaml:6: census.fsm_ever is context",
                "context_measure_and_bad_baseline.yaml:11: no baseline value is given and absence.overall is not "
                "published for 2017",
                "context_measure_and_bad_baseline.yaml:15: 'value' must be a number (no % sign), not '69%'",
            ],
        ),
        ("not_yaml.yaml", ["not_yaml.yaml:6: not valid YAML"]),
        (
            "targets_locals_and_actuals.yaml",
            [
                "targets_locals_and_actuals.yaml:9: give 'target' (every year) or 'targets' (one a year), not both",
                "targets_locals_and_actuals.yaml:13: a top_quartile target compares the LA with others or with "
                "England, and a locally entered indicator has only the LA's own figure",
                "targets_locals_and_actuals.yaml:19: there are two targets for 2019",
                "targets_locals_and_actuals.yaml:20: a target in 'targets' needs its year",
                "targets_locals_and_actuals.yaml:24: a reduce_year_on_year target needs a measure where lower is "
                "better",
                "targets_locals_and_actuals.yaml:28: a higher_of target needs a region, e.g. London",
                "targets_locals_and_actuals.yaml:34: 'source' is missing",
                "targets_locals_and_actuals.yaml:37: give a catalogue 'measure' or 'local' (a figure the LA enters), "
                "not both",
            ],
        ),
        (
            "several_problems_in_file_order.yaml",
            [
                "several_problems_in_file_order.yaml:1: '999' is not an LA code",
                "several_problems_in_file_order.yaml:2: 'name' is empty",
                "several_problems_in_file_order.yaml:4: key 'Bad Key' must be lower-case letters",
                "several_problems_in_file_order.yaml:7: target must be a mapping",
                "several_problems_in_file_order.yaml:11: 'value' must be a number",
                "several_problems_in_file_order.yaml:12: target year 2016 is before the baseline year",
                "several_problems_in_file_order.yaml:13: indicator key 'ok' is used twice",
                "several_problems_in_file_order.yaml:16: rank 2.5 must be a whole number, 1 or more",
                "several_problems_in_file_order.yaml:16: a rank_at_most target takes no region",
            ],
        ),
    ],
)
def test_an_invalid_file_is_rejected_whole_with_file_and_line(db: None, file_name: str, expected: list[str]) -> None:
    with pytest.raises(KpiSetFileError) as caught:
        kpi_set_load(path=INVALID / file_name, actor_name="test")
    problems = caught.value.problems
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(f"{INVALID}/{start}"), problem
    assert not KpiSet.objects.exists() and not KpiIndicator.objects.exists() and not AuditEvent.objects.exists()
    assert not LocalAuthority.objects.exists()


def test_the_command_reports_problems_and_exits_2(db: None) -> None:
    path = INVALID / "unknown_measure.yaml"
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("kpi", "load", str(path), stdout=out, stderr=err)
    assert caught.value.code == 2
    assert f"{path}:10: measure 'ks4.att9' is not in the catalogue" in err.getvalue()
    assert "nothing was changed" in err.getvalue()


def test_the_command_loads_and_reports_json(db: None) -> None:
    admin = UserFactory(username="kpi-admin", role=Role.LA_ADMIN)
    out = StringIO()
    call_command("kpi", "load", str(BARNET_SET), "--as", "kpi-admin", "--json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (result["la"], result["created"], result["rejected"], result["errors"]) == ("302", 11, False, [])
    assert AuditEvent.objects.filter(verb="kpi_indicator.created", actor=admin).count() == 11


def test_changing_an_indicator_is_audited_with_who_and_why(barnet_kpis: KpiSet) -> None:
    officer = UserFactory(role=Role.LA_ADMIN, local_authority=barnet_kpis.local_authority)
    att8 = barnet_kpis.indicators.get(key="ks4-attainment-8")
    kpi_indicator_update(
        indicator=att8,
        changes={"target_value": 56, "label": "KS4: Attainment 8"},
        reason="Board raised the target, 12 March 2019",
        actor=officer,
    )
    att8.refresh_from_db()
    assert (att8.target_value, att8.label) == (56, "KS4: Attainment 8")
    event = AuditEvent.objects.get(verb="kpi_indicator.updated", target_id=str(att8.pk))
    assert event.actor == officer and event.actor_name == officer.username
    assert event.reason == "Board raised the target, 12 March 2019"
    assert event.before == {"label": "KS4: Attainment 8 average score per pupil", "target_value": "55"}
    assert event.after == {"label": "KS4: Attainment 8", "target_value": "56"}


def test_an_indicator_change_is_checked_and_needs_a_reason(barnet_kpis: KpiSet) -> None:
    officer = UserFactory(role=Role.LA_ADMIN, local_authority=barnet_kpis.local_authority)
    p8 = barnet_kpis.indicators.get(key="ks4-progress-8")
    events = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="needs a reason"):
        kpi_indicator_update(indicator=p8, changes={"target_value": 5}, reason=" ", actor=officer)
    with pytest.raises(ValidationError) as caught:
        kpi_indicator_update(
            indicator=p8, changes={"measure": "census.nor", "target_value": 0.5}, reason="test", actor=officer
        )
    assert set(caught.value.message_dict) == {"measure", "target_value"}
    with pytest.raises(ValidationError):
        kpi_indicator_update(
            indicator=p8, changes={"target_kind": "at_or_above_region"}, reason="no region given", actor=officer
        )
    p8.refresh_from_db()
    assert (p8.measure, p8.target_value, p8.target_kind) == ("ks4.p8", 10, "rank_at_most")
    assert AuditEvent.objects.count() == events


def test_sub_board_is_another_name_for_group(db: None, tmp_path: Path) -> None:
    path = tmp_path / "boards.yaml"
    path.write_text(
        'local_authority: "302"\nname: Boards\nindicators:\n'
        "  - {key: a, label: A, sub_board: School Standards, owner: Lead officer, measure: ks4.att8, "
        "target: {kind: none}}\n"
        "  - {key: b, label: B, sub_board: X, group: Y, measure: ks4.p8, target: {kind: none}}\n",
        encoding="utf-8",
    )
    with pytest.raises(KpiSetFileError) as caught:
        kpi_set_load(path=path, actor_name="test")
    assert caught.value.problems == [f"{path}:5: give 'group' or 'sub_board' (the same thing), not both"]
    path.write_text(path.read_text().replace("sub_board: X, ", ""), encoding="utf-8")
    kpi_set = kpi_set_load(path=path, actor_name="test").kpi_set
    assert list(kpi_set.indicators.values_list("group", "owner")) == [("School Standards", "Lead officer"), ("Y", "")]
