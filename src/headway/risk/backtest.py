"""Backtest the risk model as an LA would have used it: train on outcomes public by a cut date, rank every
open school on that date using only evidence then available, and compare the ranking with the outcomes of
the inspections that followed; do it from several cut dates (rolling origin), each window trained only on
what was public at its own cut.

Metrics (all over the schools open on the cut date):

* ``recall_at_10pct`` / ``_20pct``: the share of below-good outcomes in the test window that fall among
  the riskiest 10% / 20% of all open schools (Ofsted's published anchor for its own model: about 65% and 85%);
* ``precision_at_10pct``: the share of the riskiest 10% that were inspected in the window and judged below good;
* ``auc`` and ``pr_auc`` (average precision): over the schools inspected in the window;
* ``base_rate``: the share of inspected schools judged below good; ``n_test``: schools inspected.

A school's outcome is its first graded or report-card inspection in the window; below good as the
accountability rules define it. Every figure comes with a bootstrap 95% confidence interval (schools
resampled with replacement; ``<metric>_ci``), and the same figures for two baselines:
``previous_grade_and_age`` (latest grade worst first, then the oldest) and ``random``. Each window also
gives the model's lead over the rule with a *paired* interval (the same resamples for both), the calibration
of both probabilities, and two ceilings (rankings that know in advance which schools will be inspected).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.metrics import average_precision_score, roc_auc_score  # type: ignore[import-untyped]

from headway.risk.features import FAMILIES, Evidence, build_features, load_evidence, open_schools, queries_frame
from headway.risk.model import (
    DEFAULT_DESIGN,
    DEFAULT_TRAIN_FROM,
    HORIZON_MONTHS,
    RiskModel,
    rule_scores,
    train,
)
from headway.risk.ranking import decide
from headway.risk.training import months_before

__all__ = ["ranking_metrics", "rule_scores", "run_backtest"]

#: Ofsted's published figures for its own risk model: share of RI/inadequate outcomes among its riskiest
#: 10% and 20% of schools.
OFSTED_ANCHOR = {"recall_at_10pct": 0.65, "recall_at_20pct": 0.85}
METRICS = ("auc", "pr_auc", "recall_at_10pct", "recall_at_20pct", "precision_at_10pct")
#: Families added one at a time for ``family_contributions`` (what each family of features adds).
FAMILY_ORDER = ("history", "register", "timing", "results", "finance", "context")

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


def _interval(samples: Sequence[float | None]) -> list[float | None]:
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


MetricInputs = Callable[
    [npt.NDArray[np.intp], np.random.Generator], tuple[FloatArray, BoolArray, BoolArray, FloatArray]
]


def bootstrap(
    metric_inputs: MetricInputs, n: int, *, replicates: int, rng: np.random.Generator
) -> list[dict[str, float | None]]:
    """Recompute the metrics on ``replicates`` resamples (with replacement) of the ``n`` open schools."""
    samples = []
    for _ in range(replicates):
        index = rng.integers(0, n, n)
        scores, inspected, below_good, tiebreak = metric_inputs(index, rng)
        samples.append(ranking_metrics(scores, inspected, below_good, tiebreak=tiebreak))
    return samples


def outcomes_in_window(
    evidence: Evidence, schools: pl.DataFrame, *, test_from: dt.date, test_until: dt.date
) -> pl.DataFrame:
    """Each school's first judging (graded or report-card) inspection in the window: id, inspected,
    below_good (as the accountability rules define it)."""
    first = (
        evidence.inspections.filter(
            pl.col("judging") & (pl.col("start_date") >= test_from) & (pl.col("start_date") <= test_until)
        )
        .sort("start_date", "inspection_id")
        .group_by("urn", maintain_order=True)
        .first()
        .select("urn", pl.col("start_date").alias("inspected_on"), pl.col("below_good").fill_null(False))
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


def calibration(probabilities: FloatArray, outcome: BoolArray, *, bins: int = 10) -> dict[str, Any]:
    """How far a probability can be read as a rate: schools in ten equal groups by probability, each group's
    mean probability against the share that had a below-good inspection in the window; the Brier score; and
    the expected calibration error (the groups' gaps weighted by size)."""
    n = len(probabilities)
    if n == 0:
        return {"groups": [], "brier": None, "ece": None}
    order = np.argsort(probabilities, kind="stable")
    groups = []
    error = 0.0
    for chunk in np.array_split(order, min(bins, n)):
        predicted = float(probabilities[chunk].mean())
        observed = float(outcome[chunk].mean())
        error += len(chunk) / n * abs(predicted - observed)
        groups.append({"schools": len(chunk), "predicted": round(predicted, 4), "observed": round(observed, 4)})
    brier = float(np.mean((probabilities - outcome.astype(np.float64)) ** 2))
    return {"groups": groups, "brier": round(brier, 5), "ece": round(error, 4)}


def window_months(test_from: dt.date, test_until: dt.date) -> int:
    """The window's length in whole months (a part month counts), at most the model's horizon."""
    months = (test_until.year - test_from.year) * 12 + test_until.month - test_from.month
    if test_until.day >= test_from.day - 1:
        months += 1
    return max(1, min(HORIZON_MONTHS, months))


def _difference(
    model_samples: list[dict[str, float | None]], rule_samples: list[dict[str, float | None]], key: str
) -> list[float | None]:
    gaps: list[float | None] = []
    for model, rule in zip(model_samples, rule_samples, strict=True):
        a, b = model[key], rule[key]
        gaps.append(None if a is None or b is None else a - b)
    return _interval(gaps)


def evaluate_window(
    evidence: Evidence,
    model: RiskModel,
    *,
    train_until: dt.date,
    test_from: dt.date,
    test_until: dt.date,
    la_code: str | None,
    replicates: int,
    seed: int,
) -> dict[str, Any]:
    """Rank the schools open on ``train_until`` with evidence available before ``test_from`` by the model, the
    rule and at random; score every ranking against the window's outcomes, with intervals."""
    timings: dict[str, float] = {}
    mark = time.perf_counter()
    schools = open_schools(evidence, on=train_until, la_code=la_code).sort("id")
    if schools.is_empty():
        raise ValueError(f"no open state-funded school on {train_until} in the register")
    features = build_features(evidence, queries_frame((pk, test_from) for pk in schools["id"].to_list()))
    model_scores = model.predict(features)
    baseline_scores = rule_scores(features)
    rule_probabilities = model.rule_probability(features)
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

    def resampled(scores: FloatArray | None) -> MetricInputs:
        def inputs(
            index: npt.NDArray[np.intp], generator: np.random.Generator
        ) -> tuple[FloatArray, BoolArray, BoolArray, FloatArray]:
            chosen = generator.random(len(index)) if scores is None else scores[index]
            return chosen, inspected[index], below_good[index], generator.random(len(index))

        return inputs

    # the model and the rule see the same resamples (and tie-breaks): their difference is paired
    model_samples = bootstrap(resampled(model_scores), n, replicates=replicates, rng=np.random.default_rng(seed + 1))
    rule_samples = bootstrap(resampled(baseline_scores), n, replicates=replicates, rng=np.random.default_rng(seed + 1))
    random_samples = bootstrap(resampled(None), n, replicates=replicates, rng=np.random.default_rng(seed + 2))
    timings["bootstrap"] = time.perf_counter() - mark

    hit = inspected & below_good
    inspection_probability = model.inspection_probability(features)
    ceiling: dict[str, Any] = {}
    # Rankings that know in advance which schools will be inspected in the window: by the rule among them,
    # and by the model's "below good if inspected" among them.
    known = inspected.astype(np.float64)
    oracle_rule = ranking_metrics(known * 1e6 + baseline_scores, inspected, below_good, tiebreak=fixed_tiebreak)
    ceiling["inspected_known_then_rule"] = {k: _rounded(oracle_rule[k]) for k in ("recall_at_10pct", "recall_at_20pct")}
    if inspection_probability is not None:
        outcome_probability = model_scores / np.maximum(inspection_probability, 1e-9)
        oracle_model = ranking_metrics(
            known * (1.0 + outcome_probability), inspected, below_good, tiebreak=fixed_tiebreak
        )
        ceiling["inspected_known_then_model"] = {
            k: _rounded(oracle_model[k]) for k in ("recall_at_10pct", "recall_at_20pct")
        }
        if 0 < inspected.sum() < len(inspected):
            ceiling["timing_auc"] = _rounded(float(roc_auc_score(inspected, inspection_probability)))
        timing_only = ranking_metrics(inspection_probability, inspected, below_good, tiebreak=fixed_tiebreak)
        ceiling["timing_only"] = {k: _rounded(timing_only[k]) for k in ("recall_at_10pct", "recall_at_20pct")}

    return {
        "train_until": train_until.isoformat(),
        "test_from": test_from.isoformat(),
        "test_until": test_until.isoformat(),
        "horizon_months": model.horizon_months,
        "n_open": n,
        "n_test": n_test,
        "n_below_good": hits,
        "model": with_intervals(point, model_samples),
        "rule": with_intervals(rule_point, rule_samples),
        "random": with_intervals(random_point, random_samples),
        "difference": {
            key: {
                "model_less_rule": _rounded((point[key] or 0.0) - (rule_point[key] or 0.0)),
                "ci": _difference(model_samples, rule_samples, key),
            }
            for key in ("recall_at_10pct", "recall_at_20pct", "precision_at_10pct")
        },
        "calibration": {
            "model": calibration(model_scores, hit),
            "rule": calibration(rule_probabilities, hit),
        },
        "ceiling": ceiling,
        "model_version": model.version,
        "training": {
            "rows": model.metadata.get("training_rows"),
            "below_good": model.metadata.get("below_good"),
            "parts": model.metadata.get("parts"),
        },
        "seconds": {key: round(value, 2) for key, value in timings.items()},
    }


def run_backtest(
    *,
    train_until: dt.date | None = None,
    test_from: dt.date | None = None,
    test_until: dt.date | None = None,
    cuts: Sequence[dt.date] = (),
    window_length_months: int = HORIZON_MONTHS,
    outcomes_until: dt.date | None = None,
    replicates: int = 200,
    seed: int = 0,
    la_code: str | None = None,
    train_from: dt.date | None = DEFAULT_TRAIN_FROM,
    design: str = DEFAULT_DESIGN,
    evidence: Evidence | None = None,
    model: RiskModel | None = None,
) -> dict[str, Any]:
    """Backtest from one or more cut dates. The main window trains on outcomes public by ``train_until`` and
    tests on ``test_from`` to ``test_until`` (default: the latest inspection); each of ``cuts`` adds a window
    from the day after it, ``window_length_months`` long, cut short at ``outcomes_until`` (the last day the
    inspection records cover; default: the latest inspection on record). Every window's model is
    trained afresh on what was public at its cut, for a horizon as long as its window (at most 24 months).

    Returns the main window's figures at the top level (as before), ``windows`` (every window, oldest first)
    and ``ranking``: ``model`` if the model beat the rule in the latest window (``ranking.decide``), else
    ``rule``."""
    if train_until is None and not cuts:
        raise ValueError("give --train-until (with --test-from) or one or more --cut dates")
    started = time.perf_counter()
    timings: dict[str, float] = {}
    evidence = evidence if evidence is not None else load_evidence()
    timings["load_evidence"] = time.perf_counter() - started
    latest = evidence.inspections.filter(pl.col("judging"))["start_date"].max()
    last_outcome = outcomes_until or (latest if isinstance(latest, dt.date) else None)

    plans: list[tuple[dt.date, dt.date, dt.date, bool]] = []
    if train_until is not None:
        test_from = test_from or train_until + dt.timedelta(days=1)
        if test_from <= train_until:
            raise ValueError("the test window must start after the training cut (--test-from after --train-until)")
        until = test_until or last_outcome or test_from
        if until < test_from:
            raise ValueError("--test-until is before --test-from")
        plans.append((train_until, test_from, until, True))
    for cut in sorted(set(cuts)):
        if train_until is not None and cut == train_until:
            continue
        start = cut + dt.timedelta(days=1)
        end = months_before(start, -window_length_months) - dt.timedelta(days=1)
        if last_outcome is not None:
            end = min(end, last_outcome)
        if end < start:
            raise ValueError(f"no outcomes after the cut {cut}: the latest inspection on record is {last_outcome}")
        plans.append((cut, start, end, False))
    plans.sort()

    windows: list[dict[str, Any]] = []
    main: dict[str, Any] | None = None
    for cut, start, end, is_main in plans:
        mark = time.perf_counter()
        horizon = window_months(start, end)
        window_model = (
            model
            if model is not None and is_main
            else train(until=cut, evidence=evidence, since=train_from, design=design, horizon_months=horizon)
        )
        trained = time.perf_counter() - mark
        window = evaluate_window(
            evidence,
            window_model,
            train_until=cut,
            test_from=start,
            test_until=end,
            la_code=la_code,
            replicates=replicates,
            seed=seed,
        )
        window["seconds"] = {"train": round(trained, 2), **window["seconds"]}
        window["design"] = window_model.design
        windows.append(window)
        if is_main:
            main = window
    main = main or windows[-1]
    timings["total"] = time.perf_counter() - started
    for key in ("train", "rank", "bootstrap"):
        timings[key] = sum(w["seconds"].get(key, 0.0) for w in windows)

    result: dict[str, Any] = {
        **{k: v for k, v in main["model"].items()},
        "n_open": main["n_open"],
        "n_below_good": main["n_below_good"],
        "baselines": {"previous_grade_and_age": main["rule"], "random": main["random"]},
        "ofsted_anchor": OFSTED_ANCHOR,
        "train_until": main["train_until"],
        "train_from": train_from.isoformat() if train_from else None,
        "test_from": main["test_from"],
        "test_until": main["test_until"],
        "la": la_code,
        "bootstrap": replicates,
        "seed": seed,
        "model": {
            "version": main["model_version"],
            "design": main["design"],
            "horizon_months": main["horizon_months"],
            "training_rows": main["training"]["rows"],
            "below_good": main["training"]["below_good"],
        },
        "ranking": decide(windows[-1]),
        "windows": windows,
        "seconds": {key: round(value, 2) for key, value in timings.items()},
    }
    return result


def family_contributions(
    *,
    cuts: Sequence[dt.date],
    window_length_months: int = HORIZON_MONTHS,
    outcomes_until: dt.date | None = None,
    seed: int = 0,
    design: str = DEFAULT_DESIGN,
    train_from: dt.date | None = DEFAULT_TRAIN_FROM,
    evidence: Evidence | None = None,
) -> list[dict[str, Any]]:
    """What each family of features adds: for every window, the model's recall at 10% and 20% with the
    families of ``FAMILY_ORDER`` added one at a time (the others left unknown), against the rule."""
    evidence = evidence if evidence is not None else load_evidence()
    last = outcomes_until or evidence.inspections.filter(pl.col("judging"))["start_date"].max()
    rows: list[dict[str, Any]] = []
    for cut in sorted(cuts):
        start = cut + dt.timedelta(days=1)
        end = months_before(start, -window_length_months) - dt.timedelta(days=1)
        if isinstance(last, dt.date):
            end = min(end, last)
        schools = open_schools(evidence, on=cut).sort("id")
        outcomes = outcomes_in_window(evidence, schools, test_from=start, test_until=end)
        inspected = outcomes["inspected"].to_numpy().astype(np.bool_)
        below_good = outcomes["below_good"].to_numpy().astype(np.bool_)
        tiebreak = np.random.default_rng(seed).random(schools.height)
        full = build_features(evidence, queries_frame((pk, start) for pk in schools["id"].to_list()))
        rule = ranking_metrics(rule_scores(full), inspected, below_good, tiebreak=tiebreak)
        entry: dict[str, Any] = {
            "train_until": cut.isoformat(),
            "test_from": start.isoformat(),
            "test_until": end.isoformat(),
            "rule": {k: _rounded(rule[k]) for k in ("recall_at_10pct", "recall_at_20pct")},
            "added": [],
        }
        for count in range(1, len(FAMILY_ORDER) + 1):
            kept = [name for family in FAMILY_ORDER[:count] for name in FAMILIES[family]]
            model = train(
                until=cut,
                evidence=evidence,
                since=train_from,
                design=design,
                horizon_months=window_months(start, end),
                features=kept,
            )
            scores = model.predict(full)
            figures = ranking_metrics(scores, inspected, below_good, tiebreak=tiebreak)
            entry["added"].append(
                {
                    "family": FAMILY_ORDER[count - 1],
                    **{k: _rounded(figures[k]) for k in ("recall_at_10pct", "recall_at_20pct", "auc")},
                }
            )
        rows.append(entry)
    return rows
