"""The predictive risk model: the probability that a school's next graded inspection is below good
(requires improvement or inadequate; under report cards, any area "needs attention" or worse), from
public evidence only, with the features that raised or lowered each school's risk most.

A gradient-boosted model (LightGBM, fixed seed, at most two threads) is trained on graded inspections
whose outcomes were public by a cut date, each seen as of its own start date (``features.py`` keeps
later evidence out). Model files are versioned by the cut date of their training data and saved under
``$HEADWAY_VAR_DIR/models/`` as ``<version>.joblib`` with a ``<version>.json`` metadata sidecar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import platform
from dataclasses import dataclass, field
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]
import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import polars as pl
from django.conf import settings
from django.utils import timezone

from headway.risk.features import (
    FEATURE_NAMES,
    Evidence,
    build_features,
    describe,
    load_evidence,
    queries_frame,
    training_queries,
)
from headway.schools.models import Establishment

SEED = 2016
#: Inspections from September 2012, when "requires improvement" replaced "satisfactory", are learnt from
#: (every earlier inspection still counts as history in the features).
DEFAULT_TRAIN_FROM = dt.date(2012, 9, 1)
MIN_TRAINING_ROWS = 30
TOP_FACTORS = 5
MODEL_KIND = "lightgbm-gbdt"
#: What the model learns (see ``features.training_queries``): "window" = a below-good graded inspection
#: within ``HORIZON_MONTHS`` of the day of scoring; "inspection" = the next inspection, whenever it comes.
DEFAULT_DESIGN = "window"
HORIZON_MONTHS = 24
OUTCOMES = {
    "window": f"first graded inspection within {HORIZON_MONTHS} months is below good "
    "(RI or inadequate; report card: any area needs attention or worse); no inspection counts as not below good",
    "inspection": "next graded inspection is below good "
    "(RI or inadequate; report card: any area needs attention or worse)",
}

FloatArray = npt.NDArray[np.float64]


class RiskModelUnavailable(RuntimeError):
    """No model can be trained or loaded; the message says what to do."""


@dataclass(frozen=True)
class Factor:
    """One feature's part in a school's risk: ``contribution`` is in log-odds (positive raises the risk)."""

    feature: str
    label: str
    value: float | None
    contribution: float


@dataclass(frozen=True)
class RiskScore:
    probability: float
    model_version: str
    top_factors: list[Factor] = field(default_factory=list)


@dataclass
class RiskModel:
    booster: lgb.Booster
    features: tuple[str, ...]
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata["version"])

    @property
    def trained_until(self) -> dt.date:
        return dt.date.fromisoformat(str(self.metadata["trained_until"]))

    def matrix(self, frame: pl.DataFrame) -> FloatArray:
        missing = [name for name in self.features if name not in frame.columns]
        if missing:
            raise RiskModelUnavailable(
                f"model {self.version} needs features this version of Headway does not build ({', '.join(missing)}); "
                "train a new one with `headway risk train --until DATE`"
            )
        return frame.select([pl.col(name).cast(pl.Float64) for name in self.features]).to_numpy().astype(np.float64)

    def raw_scores(self, frame: pl.DataFrame) -> FloatArray:
        """Log-odds of a below-good outcome."""
        if frame.is_empty():
            return np.zeros(0, dtype=np.float64)
        return np.asarray(self.booster.predict(self.matrix(frame), raw_score=True), dtype=np.float64)

    def predict(self, frame: pl.DataFrame) -> FloatArray:
        """Probability of a below-good outcome, one per row of a features frame."""
        return 1.0 / (1.0 + np.exp(-self.raw_scores(frame)))

    def contributions(self, frame: pl.DataFrame) -> FloatArray:
        """Per-feature contributions (TreeSHAP, log-odds) with the base value in the last column: each row
        sums to the row's raw score."""
        if frame.is_empty():
            return np.zeros((0, len(self.features) + 1), dtype=np.float64)
        return np.asarray(self.booster.predict(self.matrix(frame), pred_contrib=True), dtype=np.float64)

    def explain(self, frame: pl.DataFrame, *, top: int = TOP_FACTORS) -> list[list[Factor]]:
        """For each row, the ``top`` features that raised or lowered its risk most, largest first."""
        contributions = self.contributions(frame)
        values = self.matrix(frame) if not frame.is_empty() else np.zeros((0, len(self.features)))
        explained = []
        for row_contributions, row_values in zip(contributions, values, strict=True):
            order = np.argsort(-np.abs(row_contributions[:-1]), kind="stable")[:top]
            factors = []
            for index in order:
                if row_contributions[index] == 0:
                    continue
                value = float(row_values[index])
                known = None if math.isnan(value) else value
                name = self.features[index]
                factors.append(Factor(name, describe(name, known), known, round(float(row_contributions[index]), 4)))
            explained.append(factors)
        return explained


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
        "num_threads": 2,
        "verbose": -1,
    }


def boosting_rounds(rows: int) -> int:
    return 300 if rows >= 2000 else 100


def training_frame(
    evidence: Evidence,
    *,
    until: dt.date,
    since: dt.date | None = DEFAULT_TRAIN_FROM,
    design: str = DEFAULT_DESIGN,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The training set for a cut date: (queries with labels, their features), row for row."""
    queries = training_queries(evidence, until=until, since=since, design=design, horizon_months=HORIZON_MONTHS)
    return queries, build_features(evidence, queries)


def train(
    *,
    until: dt.date,
    evidence: Evidence | None = None,
    since: dt.date | None = DEFAULT_TRAIN_FROM,
    design: str = DEFAULT_DESIGN,
) -> RiskModel:
    """Train on outcomes public on or before ``until`` (from ``since``), each example seen only through the
    evidence available before its own date (``features.training_queries`` says which examples)."""
    evidence = evidence if evidence is not None else load_evidence()
    queries, features = training_frame(evidence, until=until, since=since, design=design)
    labels = queries["label"].to_numpy().astype(np.float64)
    rows = len(labels)
    positives = int(labels.sum())
    if rows < MIN_TRAINING_ROWS or positives == 0 or positives == rows:
        raise RiskModelUnavailable(
            f"only {rows} example(s) ({positives} below good) had public outcomes by {until:%d %B %Y}; "
            "import Ofsted's inspections (`headway import ofsted FILE`) and the register first, then run "
            "`headway risk train --until DATE`"
        )
    matrix = features.select(FEATURE_NAMES).to_numpy().astype(np.float64)
    params = training_params(rows)
    rounds = boosting_rounds(rows)
    booster = lgb.train(
        params, lgb.Dataset(matrix, label=labels, feature_name=list(FEATURE_NAMES), free_raw_data=True), rounds
    )
    digest = hashlib.sha256()
    digest.update(json.dumps([design, list(FEATURE_NAMES), params, rounds, library_versions()["lightgbm"]]).encode())
    digest.update(queries.select("inspection_id", "as_of", "label").write_csv().encode())
    digest.update(np.ascontiguousarray(np.nan_to_num(matrix, nan=-999.0)).tobytes())
    dates = queries["as_of"]
    metadata: dict[str, Any] = {
        "version": f"risk-{until.isoformat()}-{digest.hexdigest()[:8]}",
        "kind": MODEL_KIND,
        "trained_until": until.isoformat(),
        "train_from": since.isoformat() if since else None,
        "training_rows": rows,
        "below_good": positives,
        "base_rate": round(positives / rows, 4),
        "first_example": str(dates.min()),
        "last_example": str(dates.max()),
        "design": design,
        "horizon_months": HORIZON_MONTHS if design == "window" else None,
        "outcome": OUTCOMES[design],
        "evidence_rule": "only evidence available strictly before each example's date (headway.risk.features)",
        "features": list(FEATURE_NAMES),
        "params": params,
        "boosting_rounds": rounds,
        "libraries": library_versions(),
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "training_data_sha256": digest.hexdigest(),
    }
    return RiskModel(booster=booster, features=FEATURE_NAMES, metadata=metadata)


def models_dir() -> Path:
    return Path(settings.VAR_DIR) / "models"


def save(model: RiskModel, directory: Path | None = None) -> Path:
    """Write ``<version>.joblib`` and its ``<version>.json`` metadata; returns the model file's path."""
    folder = directory or models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{model.version}.joblib"
    joblib.dump(
        {"model": model.booster.model_to_string(), "features": list(model.features), "metadata": model.metadata},
        path,
    )
    path.with_suffix(".json").write_text(json.dumps(model.metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load(path: Path) -> RiskModel:
    stored = joblib.load(path)
    booster = lgb.Booster(model_str=stored["model"])
    return RiskModel(booster=booster, features=tuple(stored["features"]), metadata=dict(stored["metadata"]))


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


def model_for(*, as_of: dt.date, directory: Path | None = None, evidence: Evidence | None = None) -> RiskModel:
    """The saved model with the latest training cut before ``as_of``; if there is none, one is trained on
    every inspection whose outcome was public before ``as_of``, saved, and returned."""
    for found in saved_models(directory):
        path = Path(found["path"])
        if dt.date.fromisoformat(found["trained_until"]) < as_of and path.exists():
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
) -> dict[int, RiskScore]:
    """Each school's probability that its next graded inspection is below good, from evidence available
    before ``as_of``, with the factors that raised or lowered it most. ``None`` scores every school in the
    register. Without ``model``, the newest saved model trained before ``as_of`` is used, or one is
    trained and saved (``RiskModelUnavailable`` if the inspections to train on are too few)."""
    if model is None:
        model = model_for(as_of=as_of)
    if establishment_ids is None:
        ids = list(Establishment.objects.values_list("id", flat=True))
        evidence = load_evidence()
    else:
        ids = list(dict.fromkeys(establishment_ids))
        urns = set(Establishment.objects.filter(id__in=ids).values_list("urn", flat=True))
        evidence = load_evidence(urns=urns)
    known = set(evidence.schools["id"].to_list())
    ids = [pk for pk in ids if pk in known]
    if not ids:
        return {}
    queries = queries_frame((pk, as_of) for pk in ids)
    features = build_features(evidence, queries)
    probabilities = model.predict(features)
    factors = model.explain(features, top=top)
    return {
        pk: RiskScore(probability=round(float(probability), 4), model_version=model.version, top_factors=explained)
        for pk, probability, explained in zip(
            queries["establishment_id"].to_list(), probabilities, factors, strict=True
        )
    }
