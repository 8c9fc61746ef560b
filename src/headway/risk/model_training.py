"""Training the risk model from the browser: the choices an LA administrator makes, in words, handing the
training to the background runner (``headway.risk.tasks.train_model``), the work that task does for them and
what its result says.

The same training as ``headway risk train --until DATE [--train-from DATE] [--design NAME]``; who asked for it
is audited when they ask and again when the model is saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from headway import background
from headway.accounts import audit
from headway.accounts.models import User
from headway.risk.model_designs import DEFAULT_DESIGN, DEFAULT_TRAIN_FROM, DESIGNS

#: The session's name for the training tasks a person follows (``headway.background.remember``).
TASK_KIND = "risk-training"

#: Each way of training, as an officer would describe it (the model's designs, ``headway.risk.model``).
DESIGN_WORDS: dict[str, str] = {
    "ensemble": "Recommended: the two ways below, averaged",
    "window": "Two years at a time: how likely an inspection is, and how it may go",
    "hazard": "Six months at a time, so that the most recent results count",
    "direct": "One model of the whole outcome (for comparison only)",
    "inspection": "Each inspection as of the day it started (for comparison only)",
}
assert set(DESIGN_WORDS) == set(DESIGNS), "describe every design of headway.risk.model"


@dataclass(frozen=True)
class TrainingChoice:
    """What the person chose: outcomes published by ``until``, from inspections since ``since``."""

    until: dt.date
    since: dt.date
    design: str = DEFAULT_DESIGN


def default_choice(today: dt.date) -> TrainingChoice:
    return TrainingChoice(until=today, since=DEFAULT_TRAIN_FROM)


def start_training(choice: TrainingChoice, *, by: User) -> background.TaskState:
    """Hand the training to the background runner, audited as ``by``'s request."""
    if choice.design not in DESIGNS:
        raise ValueError(f"no such way of training: {choice.design!r}")
    audit.record(
        actor=by,
        verb="risk model training requested",
        target=by,
        after={"until": choice.until.isoformat(), "since": choice.since.isoformat(), "design": choice.design},
    )
    from headway.risk.tasks import train_model

    return background.enqueue(
        train_model, choice.until.isoformat(), choice.since.isoformat(), choice.design, started_by=by.pk
    )


def trained_for(user_id: int, *, until: str, since: str | None, design: str) -> dict[str, Any]:
    """The background task's work for a person: train, save and audit the model as theirs. Too little data is
    answered with ``{"error": ...}`` in words (and audited), not an exception."""
    from headway.risk.model import RiskModelUnavailable, save, train  # loads LightGBM: only when training

    user = User.objects.get(pk=user_id)
    cut = dt.date.fromisoformat(until)
    try:
        model = train(until=cut, since=dt.date.fromisoformat(since) if since else None, design=design)
    except RiskModelUnavailable:
        words = (
            f"There were too few inspections with published outcomes by {cut:%-d %B %Y} to learn from. Load "
            "Ofsted's inspections and the register of schools on the Imports page first, or choose a later date."
        )
        audit.record(actor=user, verb="risk model training failed", target=user, reason=words)
        return {"error": words, "trained_until": until, "train_from": since, "design": design}
    path = save(model)
    meta = model.metadata
    audit.record(
        actor=user,
        verb="risk model trained",
        target=user,
        after={"version": model.version, "training_rows": meta["training_rows"], "below_good": meta["below_good"]},
    )
    return {**meta, "path": str(path)}


def _day(value: Any) -> str:
    try:
        return f"{dt.date.fromisoformat(str(value)[:10]):%-d %B %Y}"
    except ValueError:
        return str(value)


def summary(result: dict[str, Any]) -> list[str]:
    """What ``headway risk train`` prints about a trained model, in sentences for the result page."""
    if "error" in result:
        return [str(result["error"])]
    rows = int(result.get("training_rows") or 0)
    below = int(result.get("below_good") or 0)
    share = f" ({below / rows:.0%})" if rows else ""
    sentences = [
        f"The model learnt from {rows:,} examples, {below:,} of them below good{share}, from inspections dated "
        f"{_day(result.get('first_example'))} to {_day(result.get('last_example'))}.",
        f"It used outcomes published by {_day(result.get('trained_until'))}"
        + (f", from inspections since {_day(result['train_from'])}." if result.get("train_from") else "."),
        f"Way of training: {DESIGN_WORDS.get(str(result.get('design')), str(result.get('design')))}.",
        f"It predicts: {result.get('outcome', '')}.",
        "Risk rankings made from now on use the newest model trained before their date.",
    ]
    return sentences
