"""A categorisation round with the risk model in play: a model trained and saved, a national backtest on record
that the model won, then a round whose proposals carry the model's probabilities, and whose page shows the model's
ranking, its version and the sentence saying why it is the one shown. When the latest backtest says the rule did
better, the same round shows the rule instead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from headway.accounts.models import Role
from headway.risk.model import save, score_schools, train
from headway.risk.policy import policy_named
from headway.risk.ranking import save_backtest
from headway.risk.services import round_run
from headway.schools.models import LocalAuthority
from tests.factories import UserFactory
from tests.risk.test_risk_model import load_barnsley_walsall

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2022, 9, 1)  # Barnsley's 2022 policy is in force from this day


def backtest(ranking: str) -> dict[str, Any]:
    """A national backtest's result as ``headway risk backtest`` saves it (its figures invented)."""
    model = {"recall_at_10pct": 0.31, "recall_at_20pct": 0.52}
    rule = {"recall_at_10pct": 0.22, "recall_at_20pct": 0.41}
    if ranking == "rule":
        model, rule = rule, model
    return {
        "la": None,
        "ranking": ranking,
        "windows": [
            {
                "train_until": "2016-08-31", "test_from": "2016-09-01", "test_until": "2018-08-31",
                "n_below_good": 120, "n_open": 900, "model": model, "rule": rule,
                "difference": {"recall_at_10pct": {"ci": [0.02, 0.15]}, "recall_at_20pct": {"ci": [0.01, 0.2]}},
            }
        ],
    }  # fmt: skip


@pytest.fixture
def barnsley(tmp_path: Path) -> Any:
    load_barnsley_walsall()
    with override_settings(VAR_DIR=tmp_path):
        save(train(until=dt.date(2016, 8, 31)))
        yield LocalAuthority.objects.get(code="370")


def test_a_round_ranks_schools_by_the_models_probability_when_the_model_won_the_backtest(barnsley: Any) -> None:
    save_backtest(backtest("model"))
    officer = UserFactory(username="officer.barnsley", role=Role.LA_OFFICER, local_authority=barnsley)
    made = round_run(local_authority=barnsley, policy=policy_named("barnsley-2022"), as_of=AS_OF, by=officer)

    assert made.risk_ranking == "model"
    assert made.risk_model_version.startswith("risk-2016-08-31-")
    assert "predictive model's probability" in made.risk_basis and "31%" in made.risk_basis
    proposals = list(made.proposals.select_related("establishment"))
    assert len(proposals) > 20
    expected = score_schools([p.establishment_id for p in proposals], as_of=AS_OF, ranking="model")
    for proposal in proposals:
        assert proposal.risk == pytest.approx(expected[proposal.establishment_id].probability, abs=1e-6)
    assert len({round(p.risk, 6) for p in proposals if p.risk is not None}) > 10  # a ranking, not one number

    client = Client()
    client.force_login(officer)
    page = client.get(reverse("risk:round", args=[made.pk]), {"sort": "risk"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "the risk model trained on inspections up to 31 August 2016" in html and "predictive model" in html
    assert made.risk_model_version not in html  # the model's file name is not shown
    by_risk = sorted(proposals, key=lambda p: -(p.risk or 0))
    positions = [html.index(f'href="{reverse("risk:school", args=[p.establishment.urn])}"') for p in by_risk[:10]]
    assert positions == sorted(positions), "the page does not list the riskiest schools first"


def test_the_same_round_shows_the_rule_when_the_rule_did_better(barnsley: Any) -> None:
    save_backtest(backtest("rule"))
    made = round_run(local_authority=barnsley, policy=policy_named("barnsley-2022"), as_of=AS_OF, by=None,
                     actor_name="test")  # fmt: skip
    assert made.risk_ranking == "rule"
    assert made.risk_model_version.startswith("rule (previous grade and age)")
    assert "because the model did not rank better" in made.risk_basis
    proposals = list(made.proposals.all())
    model = score_schools([p.establishment_id for p in proposals], as_of=AS_OF, ranking="model")
    assert any(p.risk != pytest.approx(model[p.establishment_id].probability, abs=1e-6) for p in proposals)


def test_a_round_over_many_schools_reads_every_inspection_once(barnsley: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over more schools than ``WHOLE_TABLE_ABOVE`` (a region, England), the risk model and the standings read
    the whole inspections table: once between them in a round (``reads_shared``), and to the same proposals as
    reading the schools' inspections a few thousand at a time."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    save_backtest(backtest("model"))
    common = {"local_authority": barnsley, "policy": policy_named("barnsley-2022"), "as_of": AS_OF, "by": None}
    by_parts = round_run(**common, actor_name="by parts")
    for module in ("headway.queries", "headway.inspections.history", "headway.risk.sources"):
        monkeypatch.setattr(f"{module}.WHOLE_TABLE_ABOVE", 0)
    with CaptureQueriesContext(connection) as reading:
        whole = round_run(**common, actor_name="whole")
    read_whole = [q["sql"] for q in reading.captured_queries if re.search(r'FROM "inspections_inspection"', q["sql"])]
    assert len(read_whole) == 1, read_whole

    def proposed(made: Any) -> list[tuple[Any, ...]]:
        return list(
            made.proposals.order_by("establishment_id").values_list("establishment_id", "category", "risk", "evidence")
        )

    assert proposed(whole) == proposed(by_parts)
    assert len(proposed(whole)) > 20
