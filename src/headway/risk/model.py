"""The predictive risk model: the probability that a school has a below-good graded inspection (requires
improvement or inadequate; under report cards, an area that needs attention or worse, or safeguarding not
met) within the next ``HORIZON_MONTHS``, from public evidence only, with the features that raised or lowered
each school's risk most.

That outcome is two things at once: *inspected in the window* (mostly policy: see ``timing``) and *below good
if inspected* (the evidence about quality). The default design (``ensemble``) models them separately, twice,
and averages the two estimates:

* ``window``: a timing model (a judging inspection within the horizon) and an outcome model (below good,
  among the schools inspected within it), both trained on snapshots of every open school every six months
  whose whole window had passed by the cut date: the probability is their product;
* ``hazard``: the same two questions for six months at a time, trained on every half-year that had ended by
  the cut, so that the most recent half-years (and the results published in them) count; the probability over
  the horizon adds up, half-year by half-year, the chance of being inspected first in that half-year and found
  below good, looking ahead with the school's features aged as if nothing else happened. (Steps of three
  months ranked no better in the backtests and need twice the snapshots.)

``direct`` (one model of the whole outcome) and ``inspection`` (every graded inspection as of its own start
date) are kept for comparison. Every part is a gradient-boosted model (LightGBM, fixed seed, at most two
threads, deterministic). Every model also carries the previous-grade rule's probabilities (each position of
the rule's order given the historical rate, made monotone), so that the rule can be shown as a probability
when it ranks better than the model (``ranking``).

Model files are versioned by the cut date of their training data and saved under
``$HEADWAY_VAR_DIR/models/`` as ``<version>.joblib`` with a ``<version>.json`` metadata sidecar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata as package_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import polars as pl
from django.conf import settings
from django.utils import timezone

from headway.queries import rows_for
from headway.risk.features import (
    FEATURE_NAMES,
    Evidence,
    aged,
    build_features,
    describe,
    load_evidence,
    queries_frame,
    training_queries,
)
from headway.risk.model_designs import DEFAULT_DESIGN as DEFAULT_DESIGN
from headway.risk.model_designs import DEFAULT_TRAIN_FROM as DEFAULT_TRAIN_FROM
from headway.risk.model_designs import DESIGNS as DESIGNS
from headway.schools.models import Establishment

if TYPE_CHECKING:
    # LightGBM (with scikit-learn and SciPy, which it loads) takes a second or two to import: it is imported where
    # a model is trained, loaded or asked for its factors, never by the previous-grade rule, which reads only a
    # model's metadata (see ``model_for``).
    import lightgbm as lgb

SEED = 2016
MIN_TRAINING_ROWS = 30
TOP_FACTORS = 5
MODEL_KIND = "lightgbm-gbdt"
HORIZON_MONTHS = 24
WINDOW_STEP_MONTHS = 6
HAZARD_STEP_MONTHS = 6
#: The parts each design trains (see the module's docstring).
PARTS = {
    "ensemble": ("timing", "outcome", "hazard", "hazard_outcome"),
    "window": ("timing", "outcome"),
    "hazard": ("hazard", "hazard_outcome"),
    "direct": ("direct",),
    "inspection": ("direct",),
}
OUTCOME = (
    "a graded or report-card inspection within {months} months that is below good (RI or inadequate; report "
    "card: an area needs attention or worse, or safeguarding not met); no inspection counts as not below good"
)
OUTCOMES = {
    "inspection": "next graded inspection is below good "
    "(RI or inadequate; report card: an area needs attention or worse, or safeguarding not met)",
}
RULE_NAME = "previous grade and age"

FloatArray = npt.NDArray[np.float64]


class RiskModelUnavailable(RuntimeError):
    """No model can be trained or loaded; the message says what to do."""


@dataclass(frozen=True)
class Factor:
    """One feature's part in a school's risk: ``contribution`` is in log-probability (positive raises the
    risk); ``part`` says whether it bears on being inspected soon (``timing``), on being found below good
    (``outcome``), or on both."""

    feature: str
    label: str
    value: float | None
    contribution: float
    part: str = ""


@dataclass(frozen=True)
class RiskScore:
    probability: float
    model_version: str
    top_factors: list[Factor] = field(default_factory=list)
    ranking: str = "model"


def _sigmoid(values: FloatArray) -> FloatArray:
    result: FloatArray = 1.0 / (1.0 + np.exp(-values))
    return result


def _log_sigmoid(values: FloatArray) -> FloatArray:
    result: FloatArray = -np.logaddexp(0.0, -values)
    return result


@dataclass
class RiskModel:
    boosters: dict[str, lgb.Booster]
    features: tuple[str, ...]
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata["version"])

    @property
    def trained_until(self) -> dt.date:
        return dt.date.fromisoformat(str(self.metadata["trained_until"]))

    @property
    def design(self) -> str:
        return str(self.metadata.get("design") or "direct")

    @property
    def horizon_months(self) -> int:
        return int(self.metadata.get("horizon_months") or HORIZON_MONTHS)

    def matrix(self, frame: pl.DataFrame) -> FloatArray:
        missing = [name for name in self.features if name not in frame.columns]
        if missing:
            raise RiskModelUnavailable(
                f"model {self.version} needs features this version of Headway does not build ({', '.join(missing)}); "
                "train a new one with `headway risk train --until DATE`"
            )
        return frame.select([pl.col(name).cast(pl.Float64) for name in self.features]).to_numpy().astype(np.float64)

    def raw(self, part: str, frame: pl.DataFrame) -> FloatArray:
        """One part's log-odds for each row."""
        if frame.is_empty():
            return np.zeros(0, dtype=np.float64)
        return np.asarray(self.boosters[part].predict(self.matrix(frame), raw_score=True), dtype=np.float64)

    def window_probability(self, frame: pl.DataFrame) -> FloatArray:
        """The window design: P(inspected within the horizon) x P(below good if inspected)."""
        return _sigmoid(self.raw("timing", frame)) * _sigmoid(self.raw("outcome", frame))

    def hazard_probability(self, frame: pl.DataFrame, *, months: int | None = None) -> tuple[FloatArray, FloatArray]:
        """The hazard design over ``months`` (default: the horizon): P(first inspected in the half-year and found
        below good), added up over the half-years, with the features aged step by step; and P(inspected)."""
        months = months if months is not None else self.horizon_months
        surviving = np.ones(frame.height, dtype=np.float64)
        below_good = np.zeros(frame.height, dtype=np.float64)
        for start in range(0, months, HAZARD_STEP_MONTHS):
            ahead = aged(frame, start)
            hazard = _sigmoid(self.raw("hazard", ahead))
            if start + HAZARD_STEP_MONTHS > months:  # a part-step at the end
                hazard = 1.0 - (1.0 - hazard) ** ((months - start) / HAZARD_STEP_MONTHS)
            below_good += surviving * hazard * _sigmoid(self.raw("hazard_outcome", ahead))
            surviving *= 1.0 - hazard
        return below_good, 1.0 - surviving

    def predict(self, frame: pl.DataFrame) -> FloatArray:
        """Probability of a below-good outcome within the horizon, one per row of a features frame."""
        if frame.is_empty():
            return np.zeros(0, dtype=np.float64)
        design = self.design
        if design == "ensemble":
            return (self.window_probability(frame) + self.hazard_probability(frame)[0]) / 2.0
        if design == "window":
            return self.window_probability(frame)
        if design == "hazard":
            return self.hazard_probability(frame)[0]
        return _sigmoid(self.raw("direct", frame))

    def inspection_probability(self, frame: pl.DataFrame) -> FloatArray | None:
        """P(a judging inspection within the horizon), for designs that model it."""
        if frame.is_empty():
            return np.zeros(0, dtype=np.float64)
        if self.design == "ensemble":
            return (_sigmoid(self.raw("timing", frame)) + self.hazard_probability(frame)[1]) / 2.0
        if self.design == "window":
            return _sigmoid(self.raw("timing", frame))
        if self.design == "hazard":
            return self.hazard_probability(frame)[1]
        return None

    def explained_parts(self) -> tuple[str, ...]:
        """The parts whose factors are shown: the window design's timing and outcome models where there are
        some (for ``ensemble``, one of the two estimates it averages), the first half-year's for ``hazard``."""
        if "timing" in self.boosters:
            return ("timing", "outcome")
        if "hazard" in self.boosters:
            return ("hazard", "hazard_outcome")
        return ("direct",)

    def _part_contributions(self, part: str, matrix: FloatArray) -> FloatArray:
        """TreeSHAP contributions of one part, rescaled from log-odds to log-probability: each row (with the
        base log-probability in the last column) adds up to log(sigmoid(raw score))."""
        shap = np.asarray(self.boosters[part].predict(matrix, pred_contrib=True), dtype=np.float64)
        raw = shap.sum(axis=1)
        base = shap[:, -1]
        log_p = _log_sigmoid(raw)
        log_base = _log_sigmoid(base)
        change = raw - base
        slope = np.where(
            np.abs(change) > 1e-9, (log_p - log_base) / np.where(change == 0, 1.0, change), 1.0 - _sigmoid(raw)
        )
        scaled: FloatArray = shap[:, :-1] * slope[:, None]
        return np.column_stack([scaled, log_base])

    def contributions(self, frame: pl.DataFrame) -> FloatArray:
        """Per-feature contributions in log-probability with the base value in the last column: each row adds
        up to the log of the explained probability (``explained_probability``)."""
        if frame.is_empty():
            return np.zeros((0, len(self.features) + 1), dtype=np.float64)
        matrix = self.matrix(frame)
        total = np.zeros((frame.height, len(self.features) + 1), dtype=np.float64)
        for part in self.explained_parts():
            total += self._part_contributions(part, matrix)
        return total

    def explained_probability(self, frame: pl.DataFrame) -> FloatArray:
        """The probability the factors explain: the product of the explained parts' probabilities."""
        result = np.ones(frame.height, dtype=np.float64)
        for part in self.explained_parts():
            result *= _sigmoid(self.raw(part, frame))
        return result

    def explain(self, frame: pl.DataFrame, *, top: int = TOP_FACTORS) -> list[list[Factor]]:
        """For each row, the ``top`` features that raised or lowered its risk most, largest first."""
        if frame.is_empty():
            return []
        matrix = self.matrix(frame)
        parts = self.explained_parts()
        by_part = {part: self._part_contributions(part, matrix)[:, :-1] for part in parts}
        total = sum(by_part.values())
        assert isinstance(total, np.ndarray)
        explained = []
        for row, (row_contributions, row_values) in enumerate(zip(total, matrix, strict=True)):
            order = np.argsort(-np.abs(row_contributions), kind="stable")[:top]
            factors = []
            for index in order:
                if row_contributions[index] == 0:
                    continue
                value = float(row_values[index])
                known = None if math.isnan(value) else value
                name = self.features[index]
                part = ""
                if len(parts) == 2:
                    timing, outcome = (float(by_part[p][row, index]) for p in parts)
                    part = (
                        "timing"
                        if abs(timing) >= 2 * abs(outcome)
                        else "outcome"
                        if abs(outcome) >= 2 * abs(timing)
                        else "both"
                    )
                factors.append(
                    Factor(name, describe(name, known), known, round(float(row_contributions[index]), 4), part)
                )
            explained.append(factors)
        return explained

    # --- the previous-grade rule, as a probability -------------------------------------------------------

    def rule_probability(self, frame: pl.DataFrame) -> FloatArray:
        """The rule's probability for each row: the historical rate at its position in the rule's order."""
        calibration = self.metadata.get("rule_calibration") or {}
        xs = np.asarray(calibration.get("x", [0.0]), dtype=np.float64)
        ys = np.asarray(calibration.get("y", [0.0]), dtype=np.float64)
        return np.interp(rule_scores(frame), xs, ys)

    def rule_factors(self, frame: pl.DataFrame) -> list[list[Factor]]:
        """The rule's two inputs as factors: log(rate of the school's grade / overall rate), then log(its
        probability / the rate of its grade). They add up to log(probability / overall rate)."""
        calibration = self.metadata.get("rule_calibration") or {}
        overall = max(float(calibration.get("base_rate", 0.0)), 1e-6)
        by_grade = {str(k): float(v) for k, v in (calibration.get("by_grade") or {}).items()}
        probabilities = self.rule_probability(frame)
        factors = []
        # A national round has 21,000 schools but a handful of grades and a few thousand ages of grade: each
        # grade's factor (and rate) and each age's words are worked out once.
        by_grade_value: dict[float | None, tuple[Factor, float]] = {}
        years_words: dict[float | None, str] = {}
        for row, probability in zip(
            frame.select("latest_grade", "latest_grade_years").iter_rows(), probabilities, strict=True
        ):
            grade, years = row
            known = by_grade_value.get(grade)
            if known is None:
                key = str(int(grade)) if grade is not None and not math.isnan(grade) else "none"
                grade_rate = max(by_grade.get(key, overall), 1e-6)
                known = by_grade_value[grade] = (
                    Factor(
                        "latest_grade", describe("latest_grade", grade), grade, round(math.log(grade_rate / overall), 4)
                    ),
                    grade_rate,
                )
            grade_factor, grade_rate = known
            words = years_words.get(years)
            if words is None:
                words = years_words[years] = describe("latest_grade_years", years)
            factors.append(
                [
                    grade_factor,
                    Factor("latest_grade_years", words, years, round(math.log(max(probability, 1e-6) / grade_rate), 4)),
                ]
            )
        return factors


def rule_scores(features: pl.DataFrame) -> FloatArray:
    """The ``previous_grade_and_age`` rule: latest grade worst first (inadequate, RI, good, outstanding, then
    never graded), then the longest since that inspection first."""
    grade = features["latest_grade"].fill_null(0).fill_nan(0).to_numpy().astype(np.float64)
    years = features["latest_grade_years"].fill_null(0).fill_nan(0).to_numpy().astype(np.float64)
    scores: FloatArray = grade * 1000.0 + np.minimum(years, 999.0)
    return scores


def rule_calibration(features: pl.DataFrame, labels: FloatArray) -> dict[str, Any]:
    """The rule as a probability: the rate of below-good outcomes at each position of the rule's order
    (isotonic: never lower for a school the rule ranks riskier), and the rate for each latest grade."""
    from sklearn.isotonic import IsotonicRegression  # type: ignore[import-untyped]

    scores = rule_scores(features)
    isotonic = IsotonicRegression(increasing=True, out_of_bounds="clip", y_min=0.0, y_max=1.0)
    isotonic.fit(scores, labels)
    grades = features["latest_grade"].fill_nan(None).to_list()
    by_grade: dict[str, list[float]] = {}
    for grade, label in zip(grades, labels.tolist(), strict=True):
        by_grade.setdefault(str(int(grade)) if grade is not None else "none", []).append(label)
    return {
        "x": [round(float(x), 4) for x in isotonic.X_thresholds_],
        "y": [round(float(y), 6) for y in isotonic.y_thresholds_],
        "base_rate": round(float(labels.mean()), 6) if len(labels) else 0.0,
        "by_grade": {key: round(float(np.mean(values)), 6) for key, values in sorted(by_grade.items())},
    }


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("lightgbm", "numpy", "polars", "scikit-learn", "joblib"):
        try:
            versions[package] = package_metadata.version(package)
        except package_metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def training_params(rows: int) -> dict[str, Any]:
    """LightGBM settings: small trees, shrinkage, fixed seed, deterministic, two threads at most."""
    return {
        "objective": "binary",
        "learning_rate": 0.05,
        "num_leaves": 15,
        "min_data_in_leaf": max(5, min(50, rows // 40)),
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "lambda_l2": 5.0,
        "seed": SEED,
        "deterministic": True,
        "force_row_wise": True,
        # two threads only where there is work for them: on a busy machine, OpenMP's two threads make a
        # small training set 20 times slower than one
        "num_threads": 2 if rows >= 50_000 else 1,
        "verbose": -1,
    }


def boosting_rounds(rows: int) -> int:
    return 300 if rows >= 2000 else 100


@dataclass(frozen=True)
class TrainingSet:
    """The examples of one part: queries (with ``inspected`` and ``label``) and their features, row for row."""

    queries: pl.DataFrame
    features: pl.DataFrame


def training_sets(
    evidence: Evidence,
    *,
    until: dt.date,
    since: dt.date | None = DEFAULT_TRAIN_FROM,
    design: str = DEFAULT_DESIGN,
    horizon_months: int = HORIZON_MONTHS,
) -> dict[str, TrainingSet]:
    """The training sets a design needs for a cut date: ``window`` (snapshots with whole windows),
    ``hazard`` (half-years) and ``inspection`` (each inspection as of its start)."""
    if design not in DESIGNS:
        raise ValueError(f"unknown design {design!r}: {', '.join(DESIGNS)}")
    wanted = {
        "ensemble": ("window", "hazard"),
        "window": ("window",),
        "direct": ("window",),
        "hazard": ("hazard",),
        "inspection": ("inspection",),
    }[design]
    sets: dict[str, TrainingSet] = {}
    for name in wanted:
        if name == "window":
            queries = training_queries(
                evidence, until=until, since=since, horizon_months=horizon_months, step_months=WINDOW_STEP_MONTHS
            )
        elif name == "hazard":
            queries = training_queries(
                evidence, until=until, since=since, horizon_months=HAZARD_STEP_MONTHS, step_months=HAZARD_STEP_MONTHS
            )
        else:
            queries = training_queries(evidence, until=until, since=since, design="inspection")
        sets[name] = TrainingSet(queries, build_features(evidence, queries))
    return sets


def _part_rows(part: str, sets: dict[str, TrainingSet]) -> tuple[pl.DataFrame, FloatArray]:
    """The rows one part learns from: (features, labels)."""
    if part in {"timing", "outcome"} or (part == "direct" and "window" in sets):
        chosen = sets["window"]
    elif part in {"hazard", "hazard_outcome"}:
        chosen = sets["hazard"]
    else:
        chosen = sets["inspection"]
    queries, features = chosen.queries, chosen.features
    if part in {"timing", "hazard"}:
        return features, queries["inspected"].to_numpy().astype(np.float64)
    if part in {"outcome", "hazard_outcome"}:
        inspected = queries["inspected"] == 1
        return features.filter(inspected), queries.filter(inspected)["label"].to_numpy().astype(np.float64)
    return features, queries["label"].to_numpy().astype(np.float64)


def train(
    *,
    until: dt.date,
    evidence: Evidence | None = None,
    since: dt.date | None = DEFAULT_TRAIN_FROM,
    design: str = DEFAULT_DESIGN,
    horizon_months: int = HORIZON_MONTHS,
    features: Sequence[str] | None = None,
) -> RiskModel:
    """Train on outcomes public on or before ``until`` (from ``since``), each example seen only through the
    evidence available before its own date (``features.training_queries`` says which examples). ``features``
    (default: all) limits what the model reads, to measure what each family adds."""
    import lightgbm as lgb

    evidence = evidence if evidence is not None else load_evidence()
    names = tuple(name for name in FEATURE_NAMES if features is None or name in set(features))
    sets = training_sets(evidence, until=until, since=since, design=design, horizon_months=horizon_months)
    boosters: dict[str, lgb.Booster] = {}
    parts_meta: dict[str, dict[str, int]] = {}
    digest = hashlib.sha256()
    params_used: dict[str, Any] = {}
    rounds_used = 0
    for part in PARTS[design]:
        frame, labels = _part_rows(part, sets)
        rows = len(labels)
        positives = int(labels.sum())
        if rows < MIN_TRAINING_ROWS or positives == 0 or positives == rows:
            raise RiskModelUnavailable(
                f"only {rows} example(s) ({positives} positive) for the {part} model had public outcomes by "
                f"{until:%-d %B %Y}; import Ofsted's inspections (`headway import ofsted FILE`) and the register "
                "first, then run `headway risk train --until DATE`"
            )
        matrix = frame.select(names).to_numpy().astype(np.float64)
        params = training_params(rows)
        rounds = boosting_rounds(rows)
        boosters[part] = lgb.train(
            params, lgb.Dataset(matrix, label=labels, feature_name=list(names), free_raw_data=True), rounds
        )
        parts_meta[part] = {"rows": rows, "positives": positives, "rounds": rounds}
        params_used, rounds_used = params, max(rounds_used, rounds)
        digest.update(part.encode())
        digest.update(np.ascontiguousarray(np.nan_to_num(matrix, nan=-999.0)).tobytes())
        digest.update(labels.tobytes())
    main = sets.get("window") or sets.get("inspection") or sets["hazard"]
    main_queries, main_features = main.queries, main.features
    labels = main_queries["label"].to_numpy().astype(np.float64)
    digest.update(
        json.dumps([design, horizon_months, list(names), params_used, library_versions()["lightgbm"]]).encode()
    )
    digest.update(main_queries.select("inspection_id", "as_of", "label").write_csv().encode())
    dates = main_queries["as_of"]
    rows = main_queries.height
    positives = int(labels.sum())
    metadata: dict[str, Any] = {
        "version": f"risk-{until.isoformat()}-{digest.hexdigest()[:8]}",
        "kind": MODEL_KIND,
        "trained_until": until.isoformat(),
        "train_from": since.isoformat() if since else None,
        "training_rows": rows,
        "below_good": positives,
        "base_rate": round(positives / rows, 4) if rows else None,
        "first_example": str(dates.min()),
        "last_example": str(dates.max()),
        "design": design,
        "horizon_months": horizon_months if design != "inspection" else None,
        "outcome": OUTCOMES.get(design, OUTCOME.format(months=horizon_months)),
        "parts": parts_meta,
        "evidence_rule": "only evidence available strictly before each example's date (headway.risk.features)",
        "features": list(names),
        "params": params_used,
        "boosting_rounds": rounds_used,
        "libraries": library_versions(),
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "training_data_sha256": digest.hexdigest(),
        "rule_calibration": rule_calibration(main_features, labels),
    }
    return RiskModel(boosters=boosters, features=names, metadata=metadata)


def models_dir() -> Path:
    return Path(settings.VAR_DIR) / "models"


def save(model: RiskModel, directory: Path | None = None) -> Path:
    """Write ``<version>.joblib`` and its ``<version>.json`` metadata; returns the model file's path."""
    import joblib  # type: ignore[import-untyped]

    folder = directory or models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{model.version}.joblib"
    joblib.dump(
        {
            "models": {part: booster.model_to_string() for part, booster in model.boosters.items()},
            "features": list(model.features),
            "metadata": model.metadata,
        },
        path,
    )
    path.with_suffix(".json").write_text(json.dumps(model.metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load(path: Path) -> RiskModel:
    import joblib
    import lightgbm as lgb

    stored = joblib.load(path)
    texts = stored["models"] if "models" in stored else {"direct": stored["model"]}
    boosters = {part: lgb.Booster(model_str=text) for part, text in texts.items()}
    return RiskModel(boosters=boosters, features=tuple(stored["features"]), metadata=dict(stored["metadata"]))


def saved_models(directory: Path | None = None) -> list[dict[str, Any]]:
    """Metadata of every saved model, newest training cut first."""
    folder = directory or models_dir()
    found = []
    for sidecar in folder.glob("risk-*.json") if folder.exists() else []:
        try:
            found.append(
                {**json.loads(sidecar.read_text(encoding="utf-8")), "path": str(sidecar.with_suffix(".joblib"))}
            )
        except (OSError, ValueError):
            continue
    return sorted(found, key=lambda m: (m.get("trained_until", ""), m.get("created_at", "")), reverse=True)


def model_for(
    *, as_of: dt.date, directory: Path | None = None, evidence: Evidence | None = None, boosters: bool = True
) -> RiskModel:
    """The saved model with the latest training cut before ``as_of`` (of the features this version of Headway
    builds); if there is none, one is trained on every outcome public before ``as_of``, saved, and returned.
    Without ``boosters``, a saved model is read from its metadata alone (``<version>.json``), without its
    gradient-boosted parts: what the previous-grade rule's probabilities and factors read, without loading
    LightGBM."""
    for found in saved_models(directory):
        path = Path(found["path"])
        if (
            dt.date.fromisoformat(found["trained_until"]) < as_of
            and path.exists()
            and found.get("features") == list(FEATURE_NAMES)
        ):
            if not boosters:
                metadata = {key: value for key, value in found.items() if key != "path"}
                return RiskModel(boosters={}, features=tuple(found["features"]), metadata=metadata)
            return load(path)
    model = train(until=as_of - dt.timedelta(days=1), evidence=evidence)
    save(model, directory)
    return model


def score_schools(
    establishment_ids: list[int] | None,
    *,
    as_of: dt.date,
    model: RiskModel | None = None,
    top: int = TOP_FACTORS,
    ranking: str | None = None,
) -> dict[int, RiskScore]:
    """Each school's probability of a below-good graded inspection within the horizon, from evidence
    available before ``as_of``, with the factors that raised or lowered it most. ``ranking`` is ``model`` or
    ``rule``; by default, whichever ranked better in the latest national backtest (``ranking.shipped``). The
    rule's probability is the historical rate at the school's position in the rule's order.
    ``None`` scores every school in the register. Without ``model``, the newest saved model trained before
    ``as_of`` is used, or one is trained and saved (``RiskModelUnavailable`` if there are too few inspections)."""
    from headway.risk.ranking import shipped

    chosen = ranking or shipped().ranking
    if model is None:
        model = model_for(as_of=as_of, boosters=chosen != "rule")
    history_only = chosen == "rule"  # the rule reads the inspection history alone
    if establishment_ids is None:
        ids = list(Establishment.objects.values_list("id", flat=True))
        evidence = load_evidence(history_only=history_only)
    else:
        ids = list(dict.fromkeys(establishment_ids))
        urns = {urn for _, urn in rows_for(Establishment.objects.all(), "id", set(ids), ("id", "urn"), as_stored=True)}
        evidence = load_evidence(urns=urns, history_only=history_only)
    known = set(evidence.schools["id"].to_list())
    ids = [pk for pk in ids if pk in known]
    if not ids:
        return {}
    queries = queries_frame((pk, as_of) for pk in ids)
    if chosen == "rule":
        features = build_features(evidence, queries, families=["history"])
        probabilities = model.rule_probability(features)
        factors = model.rule_factors(features)
        version = f"rule ({RULE_NAME}), rates from {model.version}"
    else:
        features = build_features(evidence, queries)
        probabilities = model.predict(features)
        factors = model.explain(features, top=top)
        version = model.version
    return {
        pk: RiskScore(
            probability=round(float(probability), 4), model_version=version, top_factors=explained, ranking=chosen
        )
        for pk, probability, explained in zip(
            queries["establishment_id"].to_list(), probabilities, factors, strict=True
        )
    }
