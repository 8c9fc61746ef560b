"""The predictive risk model: evidence dates and no leakage, backtest metrics, explanations, model files."""

from __future__ import annotations

import datetime as dt
import json
import math
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from django.core.management import call_command
from django.test import override_settings

from headway.imports.registry import importer_for
from headway.imports.services import run_import
from headway.inspections.models import Framework, Inspection, Source
from headway.performance.models import SchoolResult
from headway.risk import features as F
from headway.risk.backtest import ranking_metrics, rule_scores, run_backtest
from headway.risk.model import RiskModel, load, model_for, save, score_schools, train
from headway.risk.models import SchoolFinance
from headway.schools.models import Establishment, EstablishmentLink, LocalAuthority
from tests.factories import EstablishmentFactory
from tests.helpers import DEMO_DATA, FIXTURES
from tests.helpers import load as load_file

RISK = FIXTURES / "risk"
PERFORMANCE = [(stage, year) for stage in ("ks2", "ks4") for year in (2016, 2017, 2018)]


def load_barnsley_walsall() -> None:
    """Real rows for Barnsley (370) and Walsall (335): register, links, graded inspections, KS2 and KS4."""
    for kind, name in (
        ("spine", "spine_2017-2018_370_335.csv"),
        ("gias-links", "links_370_335.csv"),
        ("ofsted", "ofsted_graded_370_335.csv"),
    ):
        result = load_file(kind, RISK / name)
        assert not result.rejected, result.errors
    for stage, year in PERFORMANCE:
        result = run_import(
            importer_for("performance", dataset=stage, year=year),
            RISK / f"{stage}_perf_{year}_370_335.csv",
            actor_name="test",
        )
        assert not result.rejected, result.errors


@pytest.fixture
def schools(db: None) -> None:
    load_barnsley_walsall()


@pytest.fixture
def small_model(schools: None) -> RiskModel:
    return train(until=dt.date(2016, 8, 31))


def features_of(establishment_id: int, as_of: dt.date) -> dict[str, float | None]:
    frame = F.build_features(F.load_evidence(), F.queries_frame([(establishment_id, as_of)]))
    return frame.drop("qid").to_dicts()[0]


def same(left: dict[str, float | None], right: dict[str, float | None]) -> bool:
    def norm(value: float | None) -> float | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return round(value, 9)

    return {k: norm(v) for k, v in left.items()} == {k: norm(v) for k, v in right.items()}


def add_result(
    urn: int, measure: str, year: int, value: str, lower: str | None = None, upper: str | None = None
) -> None:
    run = (
        SchoolResult.objects.first().source_import  # type: ignore[union-attr]
    )
    SchoolResult.objects.create(
        urn=urn, year=year, measure=measure, value=value, lower=lower, upper=upper, source_import=run
    )


# --- when evidence became available -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "kwargs", "expected"),
    [
        ("inspection", {"start_date": dt.date(2016, 3, 2)}, dt.date(2016, 4, 1)),
        (
            "inspection",
            {"start_date": dt.date(2016, 3, 2), "publication_date": dt.date(2016, 3, 20)},
            dt.date(2016, 3, 20),
        ),
        # a publication date before the start is a slip in the file: the conservative rule applies
        (
            "inspection",
            {"start_date": dt.date(2020, 2, 19), "publication_date": dt.date(2020, 1, 11)},
            dt.date(2020, 3, 20),
        ),
        ("ks2", {"year": 2016}, dt.date(2016, 12, 15)),
        ("ks4", {"year": 2016}, dt.date(2017, 1, 31)),
        ("census", {"year": 2019}, dt.date(2019, 6, 30)),
        ("absence", {"year": 2018}, dt.date(2019, 3, 31)),
        ("finance", {"year": 2016}, dt.date(2017, 1, 31)),  # the financial year to March 2016
    ],
)
def test_each_piece_of_evidence_has_the_date_it_became_public(
    kind: str, kwargs: dict[str, object], expected: dt.date
) -> None:
    assert F.available_from(kind, **kwargs) == expected  # type: ignore[arg-type]


def test_evidence_frames_carry_the_same_dates_as_the_rule(schools: None) -> None:
    evidence = F.load_evidence()
    for start, published, available in (
        evidence.inspections.select("start_date", "publication_date", "available").head(50).iter_rows()
    ):
        assert available == F.available_from("inspection", start_date=start, publication_date=published)
    for dataset, year, available in evidence.results.select("dataset", "year", "available").unique().iter_rows():
        assert available == F.available_from(dataset, year=year)


# --- no leakage ---------------------------------------------------------------------------------------


def test_features_as_of_a_date_ignore_everything_that_became_public_on_or_after_it(schools: None) -> None:
    school = Establishment.objects.get(urn=106584)  # Oxspring Primary, Barnsley: good, RI, good; KS2 results
    as_of = dt.date(2017, 6, 1)
    predecessor = EstablishmentFactory(urn=999001, local_authority=school.local_authority, status="Closed")
    EstablishmentLink.objects.create(urn=school.urn, linked_urn=predecessor.urn, link_type="Predecessor")
    Inspection.objects.create(
        establishment=predecessor,
        start_date=dt.date(2010, 5, 5),
        framework=Framework.SECTION_5_2005,
        source=Source.OFSTED_HISTORY,
        overall_effectiveness=2,
        overall_label="Good",
    )
    before = features_of(school.pk, as_of)
    assert before["predecessor_latest_grade"] == 2
    assert before["ks2_rwm_exp"] is not None  # KS2 2016 was public on 15 December 2016

    # Later evidence: an inspection that starts on the day, one that started before it but was not yet
    # published, a predecessor's late inspection, results and census figures published afterwards.
    for start, grade in ((as_of, 4), (dt.date(2017, 5, 20), 4), (dt.date(2018, 1, 10), 1)):
        Inspection.objects.create(
            establishment=school,
            start_date=start,
            framework=Framework.CIF_2015,
            source=Source.OFSTED_MI,
            overall_effectiveness=grade,
            category_of_concern="SM" if grade == 4 else "",
        )
    Inspection.objects.create(
        establishment=predecessor,
        start_date=dt.date(2017, 5, 30),
        framework=Framework.CIF_2015,
        source=Source.OFSTED_HISTORY,
        overall_effectiveness=4,
    )
    SchoolResult.objects.filter(urn=school.urn, year=2017).delete()
    add_result(school.urn, "ks2.rwm_exp", 2017, "5")
    add_result(school.urn, "ks2.read_prog", 2017, "-9", "-11", "-7")
    add_result(school.urn, "census.fsm_ever", 2017, "80")  # January 2017 census, public 30 June 2017
    add_result(school.urn, "absence.overall", 2017, "15")  # 2016/17 absence, public March 2018
    run = SchoolResult.objects.first().source_import  # type: ignore[union-attr]
    # finances for the year to March 2017, public 31 January 2018
    SchoolFinance.objects.create(urn=school.urn, year=2017, income=900000, expenditure=990000, source_import=run)

    assert same(features_of(school.pk, as_of), before)

    # The test can fail: evidence public before the day does change the features.
    Inspection.objects.create(
        establishment=school,
        start_date=dt.date(2017, 3, 1),
        publication_date=dt.date(2017, 3, 30),
        framework=Framework.CIF_2015,
        source=Source.OFSTED_MI,
        overall_effectiveness=4,
        category_of_concern="SWK",
    )
    add_result(school.urn, "absence.overall", 2016, "9")  # 2015/16 absence, public March 2017
    SchoolFinance.objects.create(urn=school.urn, year=2016, income=1000000, expenditure=1050000, source_import=run)
    after = features_of(school.pk, as_of)
    assert after["latest_grade"] == 4 and after["latest_category"] == 1
    assert after["absence_pct"] == 9
    assert after["finance_in_year_balance_pct"] == pytest.approx(-5.0)
    assert after["window_rule"] != before["window_rule"]  # the standing now sees the inadequate judgement
    assert not same(after, before)


@pytest.mark.parametrize(("design", "horizon"), [("window", 24), ("window", 6), ("inspection", 24)])
def test_no_training_example_sees_its_own_outcome_or_any_later_one(schools: None, design: str, horizon: int) -> None:
    until = dt.date(2016, 8, 31)
    evidence = F.load_evidence()
    queries = F.training_queries(
        evidence, until=until, since=dt.date(2010, 9, 1), design=design, horizon_months=horizon, step_months=6
    )
    assert queries.height > 100 and 0 < queries["label"].sum() < queries.height
    outcomes = queries.drop_nulls("inspection_id").join(
        evidence.inspections.select("inspection_id", "start_date", "available"), on="inspection_id"
    )
    assert (outcomes["available"] <= until).all(), "a label the trainer could not have known on the cut date"
    assert (outcomes["start_date"] >= outcomes["as_of"]).all(), "a label that is already history for its example"
    features = F.build_features(evidence, queries)

    # Rebuild a sample of examples from evidence in which every inspection from the example's date on
    # (its own outcome and all later ones) has the opposite grade and every later result is wiped:
    # the features must not move.
    rng = np.random.default_rng(7)
    for qid in rng.choice(queries.height, size=25, replace=False).tolist():
        row = queries.row(qid, named=True)
        as_of = row["as_of"]
        later = pl.col("start_date") >= as_of
        altered = F.Evidence(
            schools=evidence.schools,
            inspections=evidence.inspections.with_columns(
                grade=pl.when(later).then(5 - pl.col("grade")).otherwise(pl.col("grade")),
                below_good=pl.when(later).then(~pl.col("below_good")).otherwise(pl.col("below_good")),
            ),
            results=evidence.results.with_columns(
                value=pl.when(pl.col("available") >= as_of).then(-99.0).otherwise(pl.col("value"))
            ),
            lineage=evidence.lineage,
            finance=evidence.finance,
            started=evidence.started,
            memberships=evidence.memberships,
        )
        # the timing family reads the register's standing, whose no-leakage rule has its own tests
        families = set(F.FAMILIES) - {"timing"}
        rebuilt = F.build_features(altered, queries.filter(pl.col("qid") == qid), families=families)
        expected = features.filter(pl.col("qid") == qid).drop("qid").drop(F.FAMILIES["timing"]).to_dicts()[0]
        assert same(rebuilt.drop("qid").drop(F.FAMILIES["timing"]).to_dicts()[0], expected)


def test_an_inspection_reported_after_the_cut_is_not_learnt_from(schools: None) -> None:
    school = Establishment.objects.get(urn=106584)
    late = Inspection.objects.create(
        establishment=school,
        start_date=dt.date(2016, 8, 20),
        framework=Framework.CIF_2015,
        source=Source.OFSTED_HISTORY,
        overall_effectiveness=4,
    )  # public on 19 September 2016 at the earliest
    queries = F.training_queries(F.load_evidence(), until=dt.date(2016, 8, 31), design="inspection")
    assert late.pk not in queries["inspection_id"].to_list()
    queries = F.training_queries(F.load_evidence(), until=dt.date(2016, 9, 30), design="inspection")
    assert late.pk in queries["inspection_id"].to_list()


# --- backtest metrics ---------------------------------------------------------------------------------


def test_backtest_metrics_on_a_hand_made_ranking() -> None:
    # Ten open schools ranked 1..10 by score. Inspected in the window: ranks 1, 3, 6 (below good) and
    # 2, 5, 9 (good or better). Riskiest 10% = rank 1; riskiest 20% = ranks 1-2.
    scores = np.arange(10, 0, -1, dtype=np.float64)
    inspected = np.zeros(10, dtype=bool)
    below_good = np.zeros(10, dtype=bool)
    inspected[[0, 2, 5, 1, 4, 8]] = True
    below_good[[0, 2, 5]] = True
    figures = ranking_metrics(scores, inspected, below_good)
    assert figures["n_test"] == 6 and figures["base_rate"] == 0.5
    assert figures["recall_at_10pct"] == pytest.approx(1 / 3)
    assert figures["recall_at_20pct"] == pytest.approx(1 / 3)
    assert figures["precision_at_10pct"] == 1.0
    # inspected: below good at scores 10, 8, 5; not at 9, 6, 2: 6 of 9 pairs ordered correctly
    assert figures["auc"] == pytest.approx(6 / 9)
    assert figures["pr_auc"] == pytest.approx((1 / 1 + 2 / 3 + 3 / 5) / 3)

    # Twenty schools: the riskiest 10% is two schools; equal scores are broken by the tie-break order.
    scores = np.array([5.0, 5.0] + [1.0] * 18)
    inspected = np.ones(20, dtype=bool)
    below_good = np.zeros(20, dtype=bool)
    below_good[[1, 19]] = True
    figures = ranking_metrics(scores, inspected, below_good, tiebreak=np.arange(20, dtype=np.float64))
    assert figures["recall_at_10pct"] == 0.5 and figures["precision_at_10pct"] == 0.5


def test_previous_grade_and_age_baseline_ranks_worst_grade_then_oldest_first() -> None:
    frame = pl.DataFrame(
        {"latest_grade": [2.0, 4.0, None, 3.0, 3.0, 1.0], "latest_grade_years": [5.0, 0.5, None, 1.0, 2.5, 9.0]}
    )
    order = np.argsort(-rule_scores(frame), kind="stable").tolist()
    assert order == [1, 4, 3, 0, 5, 2]


# --- the model ----------------------------------------------------------------------------------------


def test_each_explanation_adds_up_with_the_base_value_to_the_log_of_the_explained_probability(
    small_model: RiskModel,
) -> None:
    evidence = F.load_evidence()
    ids = evidence.schools["id"].to_list()[:40]
    features = F.build_features(evidence, F.queries_frame((pk, dt.date(2016, 9, 1)) for pk in ids))
    contributions = small_model.contributions(features)
    explained = small_model.explained_probability(features)
    assert contributions.shape == (40, len(small_model.features) + 1)
    np.testing.assert_allclose(contributions.sum(axis=1), np.log(explained), atol=1e-6)
    # the explained probability is the window design's: P(inspected within two years) x P(below good if so)
    probabilities = small_model.predict(features)
    np.testing.assert_allclose(probabilities, (explained + small_model.hazard_probability(features)[0]) / 2, atol=1e-9)
    factors = small_model.explain(features, top=3)
    assert all(len(row) <= 3 for row in factors)
    first = next(row for row in factors if row)
    assert abs(first[0].contribution) >= abs(first[-1].contribution)
    assert ": " in first[0].label and first[0].part in {"timing", "outcome", "both"}


def test_a_model_file_records_its_training_cut_and_data(small_model: RiskModel, tmp_path: Path) -> None:
    path = save(small_model, tmp_path)
    metadata = json.loads(path.with_suffix(".json").read_text())
    assert metadata["trained_until"] == "2016-08-31"
    assert "2016-08-31" in metadata["version"] and path.name == f"{metadata['version']}.joblib"
    assert metadata["training_rows"] > 100 and metadata["features"] == list(F.FEATURE_NAMES)
    assert {"lightgbm", "numpy", "polars", "python"} <= set(metadata["libraries"])
    assert metadata["created_at"] and metadata["design"] == "ensemble" and metadata["horizon_months"] == 24
    assert set(metadata["parts"]) == {"timing", "outcome", "hazard", "hazard_outcome"}
    assert metadata["rule_calibration"]["y"] == sorted(metadata["rule_calibration"]["y"])
    again = load(path)
    features = F.build_features(
        F.load_evidence(), F.queries_frame([(Establishment.objects.first().pk, dt.date(2017, 1, 1))])
    )  # type: ignore[union-attr]
    np.testing.assert_allclose(again.predict(features), small_model.predict(features))
    # the same data gives the same model: the version names the training data, not the moment
    assert train(until=dt.date(2016, 8, 31)).version == small_model.version


def test_score_schools_uses_a_model_trained_before_the_date_and_trains_one_if_none(
    schools: None, tmp_path: Path
) -> None:
    with override_settings(VAR_DIR=tmp_path):
        ids = list(Establishment.objects.filter(local_authority__code="370").values_list("id", flat=True)[:5])
        scores = score_schools(ids, as_of=dt.date(2016, 9, 1), ranking="model")
        saved = sorted((tmp_path / "models").glob("*.json"))
        assert len(saved) == 1 and json.loads(saved[0].read_text())["trained_until"] == "2016-08-31"
        assert set(scores) == set(ids)
        score = scores[ids[0]]
        assert 0 < score.probability < 1 and score.model_version.startswith("risk-2016-08-31-")
        assert score.top_factors and all(f.label for f in score.top_factors)

        # With no backtest on record the rule is shown: its probability and its two inputs as factors.
        ruled = score_schools(ids, as_of=dt.date(2016, 9, 1))[ids[0]]
        assert ruled.ranking == "rule" and ruled.model_version.startswith("rule (previous grade and age)")
        assert [f.feature for f in ruled.top_factors] == ["latest_grade", "latest_grade_years"]
        base = json.loads(saved[0].read_text())["rule_calibration"]["base_rate"]
        assert sum(f.contribution for f in ruled.top_factors) == pytest.approx(
            math.log(ruled.probability / base), abs=1e-3
        )

        # The rule reads the model's metadata alone, never its gradient-boosted parts (nor LightGBM: see
        # tests/startup): with the model file spoilt, the rule gives the same scores and the model refuses.
        model_file = saved[0].with_suffix(".joblib")
        kept = model_file.read_bytes()
        model_file.write_bytes(b"not a model")
        assert score_schools(ids, as_of=dt.date(2016, 9, 1))[ids[0]] == ruled
        with pytest.raises(Exception):  # noqa: B017 - joblib's own error for a file that is not one
            score_schools(ids, as_of=dt.date(2016, 9, 1), ranking="model")
        model_file.write_bytes(kept)

        save(train(until=dt.date(2017, 12, 31)))  # a later model must not be used for an earlier date
        assert model_for(as_of=dt.date(2016, 9, 1)).trained_until == dt.date(2016, 8, 31)
        assert model_for(as_of=dt.date(2018, 1, 1)).trained_until == dt.date(2017, 12, 31)
        assert (
            model_for(as_of=dt.date(2018, 1, 1), boosters=False).metadata
            == load(saved[0].parent / f"{model_for(as_of=dt.date(2018, 1, 1)).version}.joblib").metadata
        )


# --- the backtest end to end --------------------------------------------------------------------------


def test_backtest_command_prints_the_figures_and_baselines_as_json_on_its_last_line(
    schools: None, tmp_path: Path, settings: Any
) -> None:
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command(
        "risk",
        "backtest",
        "--train-until",
        "2016-08-31",
        "--test-from",
        "2016-09-01",
        "--test-until",
        "2018-08-31",
        "--cut",
        "2015-08-31",
        "--outcomes-until",
        "2018-08-31",
        "--bootstrap",
        "20",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["ranking"] in {"model", "rule"}
    assert [w["train_until"] for w in result["windows"]] == ["2015-08-31", "2016-08-31"]
    assert result["windows"][0]["test_until"] == "2017-08-31" and result["windows"][0]["horizon_months"] == 24
    for window in result["windows"]:
        assert {"model", "rule", "random", "difference", "calibration", "ceiling"} <= set(window)
        assert len(window["difference"]["recall_at_10pct"]["ci"]) == 2
        assert len(window["calibration"]["model"]["groups"]) == 10
    # kept for the product: the latest national backtest decides which ranking is shown
    assert (tmp_path / "models" / result["saved_as"]).exists() and result["statement"]
    for key in ("n_test", "base_rate", "auc", "pr_auc", "recall_at_10pct", "recall_at_20pct", "precision_at_10pct"):
        assert (
            key in result
            and key in result["baselines"]["previous_grade_and_age"]
            and key in result["baselines"]["random"]
        )
    assert result["n_test"] > 20 and len(result["recall_at_10pct_ci"]) == 2
    assert result["baselines"]["random"]["auc"] == 0.5
    # state-funded schools of the two LAs open on the cut date: 200 in the register, less 8 URNs that began
    # after it (their first predecessor link is later: their predecessors were the schools then)
    assert result["n_open"] == 192


def test_backtest_runs_on_a_database_loaded_from_ofsted_management_information(schools: None) -> None:
    """The MI layout gives each school's latest and previous inspection; that is enough to backtest."""
    for urn, la in ((990001, "302"), (990002, "370"), (990004, "302"), (990006, "335"), (990008, "370"),
                    (990010, "302"), (990011, "370"), (990012, "335")):  # fmt: skip
        authority, _ = LocalAuthority.objects.get_or_create(code=la, defaults={"name": la})
        EstablishmentFactory(urn=urn, local_authority=authority)
    result = load_file("ofsted", DEMO_DATA / "ofsted_mi_sample.csv")
    assert not result.rejected and result.created == 16
    figures = run_backtest(
        train_until=dt.date(2019, 8, 31), test_from=dt.date(2019, 9, 1), test_until=dt.date(2023, 12, 31), replicates=20
    )
    # the MI schools inspected in the window (2020 to 2023) are among the outcomes
    assert figures["n_test"] == 5
    assert figures["n_open"] >= 190 and figures["model"]["training_rows"] > 100
