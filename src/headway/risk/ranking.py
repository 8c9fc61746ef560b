"""Which ranking the product shows: the model, or the previous-grade rule, whichever ranked better in the
latest national backtest, and a sentence saying which, why and how well it did.

``headway risk backtest`` saves each national run's result as ``$HEADWAY_VAR_DIR/models/backtest-*.json``;
the latest one decides. The model is shown only when, in that run's latest window, it found more of the
below-good outcomes than the rule in the riskiest 10% and in the riskiest 20% of schools, and at one of them
by more than chance (the 95% bootstrap interval of the difference, the same schools resampled for both, lies
above zero). Otherwise, and when no backtest has been run, the rule is shown, and the sentence says so.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

CUTOFFS = ("recall_at_10pct", "recall_at_20pct")
#: The product's probabilities are for this many months (``model.HORIZON_MONTHS``).
PRODUCT_HORIZON_MONTHS = 24


@dataclass(frozen=True)
class ShippedRanking:
    ranking: str  # "model" or "rule"
    statement: str
    backtest: str = ""  # the file it rests on


def backtests_dir() -> Path:
    return Path(settings.VAR_DIR) / "models"


def decide(window: dict[str, Any]) -> str:
    """``model`` when it beat the rule at both cut-offs in the window, at one of them beyond chance."""
    differences = window.get("difference") or {}
    model, rule = window.get("model") or {}, window.get("rule") or {}
    ahead = all(model.get(key) is not None and rule.get(key) is not None and model[key] > rule[key] for key in CUTOFFS)
    beyond_chance = any(
        (differences.get(key) or {}).get("ci", [None, None])[0] is not None and differences[key]["ci"][0] > 0
        for key in CUTOFFS
    )
    return "model" if ahead and beyond_chance else "rule"


def _pct(value: Any) -> str:
    return f"{float(value):.0%}" if isinstance(value, int | float) else "not known"


def _day(value: Any) -> str:
    """A backtest's ISO date as pages say dates ("19 April 2022"); anything else as it is."""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


def statement(result: dict[str, Any]) -> str:
    """The sentence officers read about the ranking shown, from a backtest result."""
    window = result["windows"][-1]
    model, rule = window["model"], window["rule"]
    period = f"{_day(window['test_from'])} to {_day(window['test_until'])}"
    figures = (
        f"in the latest backtest (trained on outcomes public by {_day(window['train_until'])}, tested on {period}, "
        f"{window['n_below_good']} below-good outcomes among {window['n_open']} open schools) the model found "
        f"{_pct(model['recall_at_10pct'])} of them among its riskiest 10% of schools and "
        f"{_pct(model['recall_at_20pct'])} among its riskiest 20%; the rule 'latest grade worst first, then "
        f"longest since inspected' found {_pct(rule['recall_at_10pct'])} and {_pct(rule['recall_at_20pct'])}"
    )
    if result.get("ranking") == "model":
        return (
            f"Risk is the predictive model's probability of a below-good graded inspection within "
            f"{PRODUCT_HORIZON_MONTHS} months: {figures}. Ofsted reports about 65% and 85% for its own model, "
            "which uses data that are not public."
        )
    return (
        f"Risk is the previous-grade rule's (each school's probability is the historical rate for its place in "
        f"the rule's order), because the model did not rank better: {figures}."
    )


def save_backtest(result: dict[str, Any], directory: Path | None = None) -> Path:
    """Keep a national backtest's result; the latest one decides the ranking shown."""
    folder = directory or backtests_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"backtest-{stamp}.json"
    path.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def latest_backtest(directory: Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    folder = directory or backtests_dir()
    for path in sorted(folder.glob("backtest-*.json"), reverse=True) if folder.exists() else []:
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if result.get("la") is None and result.get("windows"):
            return path, result
    return None


def shipped(directory: Path | None = None) -> ShippedRanking:
    """The ranking the product shows, and the sentence that says which and how well it did."""
    found = latest_backtest(directory)
    if found is None:
        return ShippedRanking(
            "rule",
            "Risk is the previous-grade rule's ('latest grade worst first, then longest since inspected'; each "
            "school's probability is the historical rate for its place in the rule's order): no national backtest "
            "has been run, so the model has not shown that it ranks better.",
        )
    path, result = found
    return ShippedRanking(str(result.get("ranking") or "rule"), statement(result), path.name)
