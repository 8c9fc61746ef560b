"""The risk model's background task: training (minutes on the national data), run by the background worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from headway.background import task


@task()
def train_model(until: str, since: str | None, design: str, started_by: int | None = None) -> dict[str, Any]:
    """Train the predictive model on outcomes public by ``until`` (ISO dates) and save it; returns its metadata
    and where it was saved (what ``headway risk train --json`` prints).

    ``started_by`` is the person who asked for it on the training page (``headway.risk.model_training``): then
    the trained model is audited as theirs, and too little data is answered with ``{"error": ...}`` in words
    instead of failing the task."""
    from headway.risk.model import save, train

    if started_by is not None:
        from headway.risk.model_training import trained_for

        return trained_for(started_by, until=until, since=since, design=design)
    model = train(
        until=dt.date.fromisoformat(until),
        since=dt.date.fromisoformat(since) if since else None,
        design=design,
    )
    path = save(model)
    return {**model.metadata, "path": str(path)}


@task()
def run_round(la_id: int, policy_name: str, as_of: str, started_by: int) -> dict[str, Any]:
    """Run a categorisation round started on the round page (``headway.risk.services.round_start``): seconds
    for one authority, minutes if the risk model must first be trained for the date."""
    from headway.risk.services import round_run_for

    return round_run_for(la_id, policy_name, as_of, started_by)
