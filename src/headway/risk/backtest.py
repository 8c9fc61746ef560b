"""Backtest the risk model as an LA would have used it: train on inspections before a cut date, rank
every open school on that date using only evidence then available, and compare the ranking with the
outcomes of the inspections that followed.

Metrics (all over the schools open on the cut date):

* ``recall_at_10pct`` / ``_20pct``: the share of below-good outcomes in the test window that fall among
  the riskiest 10% / 20% of all open schools (Ofsted's published anchor for its own model: about 65% and 85%);
* ``precision_at_10pct``: the share of the riskiest 10% that were inspected in the window and judged below good;
* ``auc`` and ``pr_auc`` (average precision): over the schools inspected in the window;
* ``base_rate``: the share of inspected schools judged below good; ``n_test``: schools inspected.

A school's outcome is its first graded inspection in the window. Every figure comes with a bootstrap 95%
confidence interval (schools resampled with replacement; ``<metric>_ci``), and the same figures for two
baselines: ``previous_grade_and_age`` (latest grade worst first, then the oldest) and ``random``.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.metrics import average_precision_score, roc_auc_score  # type: ignore[import-untyped]

from headway.risk.features import Evidence, build_features, load_evidence, open_schools, queries_frame
from headway.risk.model import DEFAULT_DESIGN, DEFAULT_TRAIN_FROM, RiskModel, train

#: Ofsted's published figures for its own risk model: share of RI/inadequate outcomes among its riskiest
#: 10% and 20% of schools.
OFSTED_ANCHOR = {"recall_at_10pct": 0.65, "recall_at_20pct": 0.85}
METRICS = ("auc", "pr_auc", "recall_at_10pct", "recall_at_20pct", "precision_at_10pct")

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def riskiest(scores: FloatArray, share: float, tiebreak: FloatArray) -> npt.NDArray[np.intp]:
    """Positions of the riskiest ``share`` of schools (at least one): highest score first, equal scores in
    ``tiebreak`` order."""
    count = max(1, math.ceil(share * len(scores) - 1e-9))
    order = np.lexsort((tiebreak, -scores))
    return order[:count]


def ranking_metrics(
    scores: FloatArray, inspected: BoolArray, below_good: BoolArray, *, tiebreak: FloatArray | None = None
) -> dict[str, float | None]:
    """The backtest's figures for one ranking of every open school. ``below_good`` is true only for schools
    inspected in the window and judged below good."""
    n = len(scores)
    if tiebreak is None:
        tiebreak = np.arange(n, dtype=np.float64)
    hits = below_good & inspected
    total_hits = int(hits.sum())
    n_test = int(inspected.sum())
    result: dict[str, float | None] = {
        "n_open": float(n),
        "n_test": float(n_test),
        "n_below_good": float(total_hits),
        "base_rate": total_hits / n_test if n_test else None,
    }
    top10 = riskiest(scores, 0.10, tiebreak) if n else np.zeros(0, dtype=np.intp)
    top20 = riskiest(scores, 0.20, tiebreak) if n else np.zeros(0, dtype=np.intp)
    result["recall_at_10pct"] = int(hits[top10].sum()) / total_hits if total_hits else None
    result["recall_at_20pct"] = int(hits[top20].sum()) / total_hits if total_hits else None
    result["precision_at_10pct"] = int(hits[top10].sum()) / len(top10) if len(top10) else None
    outcome = hits[inspected]
    if 0 < outcome.sum() < len(outcome):
        result["auc"] = float(roc_auc_score(outcome, scores[inspected]))
        result["pr_auc"] = float(average_precision_score(outcome, scores[inspected]))
    else:
        result["auc"] = result["pr_auc"] = None
    return result


def _rounded(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def _interval(samples: list[float | None]) -> list[float | None]:
    values = np.array([s for s in samples if s is not None], dtype=np.float64)
    if len(values) == 0:
        return [None, None]
    low, high = np.percentile(values, [2.5, 97.5])
    return [_rounded(float(low)), _rounded(float(high))]


def with_intervals(
    point: dict[str, float | None], samples: list[dict[str, float | None]]
) -> dict[str, float | list[float | None] | None]:
    out: dict[str, float | list[float | None] | None] = {}
    for key in ("n_test", "base_rate", *METRICS):
        out[key] = _rounded(point[key]) if key != "n_test" else point[key]
        if key != "n_test":
            out[f"{key}_ci"] = _interval([sample[key] for sample in samples])
    if out["n_test"] is not None:
        out["n_test"] = int(out["n_test"])  # type: ignore[arg-type]
    return out


def bootstrap(
    metric_inputs: Callable[
        [npt.NDArray[np.intp], np.random.Generator], tuple[FloatArray, BoolArray, BoolArray, FloatArray]
    ],
    n: int,
    *,
    replicates: int,
    rng: np.random.Generator,
) -> list[dict[str, float | None]]:
    """Recompute the metrics on ``replicates`` resamples (with replacement) of the ``n`` open schools."""
    samples = []
    for _ in range(replicates):
        index = rng.integers(0, n, n)
        scores, inspected, below_good, tiebreak = metric_inputs(index, rng)
        samples.append(ranking_metrics(scores, inspected, below_good, tiebreak=tiebreak))
    return samples


def rule_scores(features: pl.DataFrame) -> FloatArray:
    """The ``previous_grade_and_age`` baseline: latest grade worst first (inadequate, RI, good, outstanding,
    then never graded), then the longest since that inspection first."""
    grade = features["latest_grade"].fill_null(0).to_numpy().astype(np.float64)
    years = features["latest_grade_years"].fill_null(0).to_numpy().astype(np.float64)
    scores: FloatArray = grade * 1000.0 + np.minimum(years, 999.0)
    return scores


def outcomes_in_window(
    evidence: Evidence, schools: pl.DataFrame, *, test_from: dt.date, test_until: dt.date
) -> pl.DataFrame:
    """Each school's first graded inspection in the window: id, inspected, below_good."""
    first = (
        evidence.inspections.filter(
            pl.col("grade").is_not_null() & (pl.col("start_date") >= test_from) & (pl.col("start_date") <= test_until)
        )
        .sort("start_date")
        .group_by("urn", maintain_order=True)
        .first()
        .select("urn", pl.col("start_date").alias("inspected_on"), (pl.col("grade") >= 3).alias("below_good"))
    )
    return (
        schools.select("id", "urn")
        .join(first, on="urn", how="left")
        .select(
            "id",
            pl.col("inspected_on").is_not_null().alias("inspected"),
            pl.col("below_good").fill_null(False),
        )
    )


def run_backtest(
    *,
    train_until: dt.date,
    test_from: dt.date,
    test_until: dt.date | None = None,
    replicates: int = 200,
    seed: int = 0,
    la_code: str | None = None,
    train_from: dt.date | None = DEFAULT_TRAIN_FROM,
    design: str = DEFAULT_DESIGN,
    evidence: Evidence | None = None,
    model: RiskModel | None = None,
) -> dict[str, Any]:
    """Train on inspections with outcomes public by ``train_until``; rank every state-funded school open on
    ``train_until`` (of ``la_code``, if given) with evidence available before ``test_from``; score the
    ranking against the graded inspections from ``test_from`` to ``test_until`` (default: the latest)."""
    if test_from <= train_until:
        raise ValueError("the test window must start after the training cut (--test-from after --train-until)")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    evidence = evidence if evidence is not None else load_evidence()
    timings["load_evidence"] = time.perf_counter() - started
    if test_until is None:
        latest = evidence.inspections.filter(pl.col("grade").is_not_null())["start_date"].max()
        test_until = latest if isinstance(latest, dt.date) else test_from
    if test_until < test_from:
        raise ValueError("--test-until is before --test-from")

    mark = time.perf_counter()
    model = model if model is not None else train(until=train_until, evidence=evidence, since=train_from, design=design)
    timings["train"] = time.perf_counter() - mark

    mark = time.perf_counter()
    schools = open_schools(evidence, on=train_until, la_code=la_code).sort("id")
    if schools.is_empty():
        raise ValueError(f"no open state-funded school on {train_until} in the register")
    features = build_features(evidence, queries_frame((pk, test_from) for pk in schools["id"].to_list()))
    model_scores = model.predict(features)
    baseline_scores = rule_scores(features)
    outcomes = outcomes_in_window(evidence, schools, test_from=test_from, test_until=test_until)
    inspected = outcomes["inspected"].to_numpy().astype(np.bool_)
    below_good = outcomes["below_good"].to_numpy().astype(np.bool_)
    timings["rank"] = time.perf_counter() - mark

    mark = time.perf_counter()
    rng = np.random.default_rng(seed)
    n = len(model_scores)
    fixed_tiebreak = rng.random(n)
    point = ranking_metrics(model_scores, inspected, below_good, tiebreak=fixed_tiebreak)
    rule_point = ranking_metrics(baseline_scores, inspected, below_good, tiebreak=fixed_tiebreak)
    hits = int((inspected & below_good).sum())
    n_test = int(inspected.sum())
    random_point: dict[str, float | None] = {
        "n_test": float(n_test),
        "base_rate": hits / n_test if n_test else None,
        "auc": 0.5,
        "pr_auc": hits / n_test if n_test else None,
        "recall_at_10pct": math.ceil(0.1 * n - 1e-9) / n,
        "recall_at_20pct": math.ceil(0.2 * n - 1e-9) / n,
        "precision_at_10pct": hits / n,
    }

    def resampled(
        scores: FloatArray | None,
    ) -> Callable[[npt.NDArray[np.intp], np.random.Generator], tuple[FloatArray, BoolArray, BoolArray, FloatArray]]:
        def inputs(
            index: npt.NDArray[np.intp], generator: np.random.Generator
        ) -> tuple[FloatArray, BoolArray, BoolArray, FloatArray]:
            chosen = generator.random(len(index)) if scores is None else scores[index]
            return chosen, inspected[index], below_good[index], generator.random(len(index))

        return inputs

    model_samples = bootstrap(resampled(model_scores), n, replicates=replicates, rng=np.random.default_rng(seed + 1))
    rule_samples = bootstrap(resampled(baseline_scores), n, replicates=replicates, rng=np.random.default_rng(seed + 1))
    random_samples = bootstrap(resampled(None), n, replicates=replicates, rng=np.random.default_rng(seed + 2))
    timings["bootstrap"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started

    result: dict[str, Any] = {
        **with_intervals(point, model_samples),
        "n_open": n,
        "n_below_good": hits,
        "baselines": {
            "previous_grade_and_age": with_intervals(rule_point, rule_samples),
            "random": with_intervals(random_point, random_samples),
        },
        "ofsted_anchor": OFSTED_ANCHOR,
        "train_until": train_until.isoformat(),
        "train_from": train_from.isoformat() if train_from else None,
        "test_from": test_from.isoformat(),
        "test_until": test_until.isoformat(),
        "la": la_code,
        "bootstrap": replicates,
        "seed": seed,
        "model": {
            "version": model.version,
            "design": model.metadata.get("design"),
            "training_rows": model.metadata.get("training_rows"),
            "below_good": model.metadata.get("below_good"),
        },
        "seconds": {key: round(value, 2) for key, value in timings.items()},
    }
    return result
