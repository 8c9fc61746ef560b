"""``policy_proposer`` (issue 12: a national round's policy worked out once per group of schools the policy
cannot tell apart) must propose exactly what ``apply_policy`` proposes, reasons and the values they quote
included, for every shipped policy, whatever the evidence and in whatever order schools come."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headway.policy_files import condition_leaves
from headway.risk.policy import (
    POLICY_DIR,
    Policy,
    Proposal,
    _policy_conditions,
    apply_policy,
    policy_named,
    policy_proposer,
)

SHIPPED = sorted(path.stem for path in Path(POLICY_DIR).glob("*.yaml"))


def _values_near(leaf: dict[str, Any]) -> list[Any]:
    """Values that sit on each side of, and on, what the condition compares with."""
    if "equals" in leaf:
        return [leaf["equals"]]
    if "in" in leaf:
        return list(leaf["in"])
    operand = next(leaf[key] for key in ("at_least", "at_most", "below", "above") if key in leaf)
    if isinstance(operand, dt.date):
        return [operand, operand - dt.timedelta(days=1), operand + dt.timedelta(days=1)]
    return [operand, operand - 1, operand + 1, operand - 0.05, operand + 0.05, int(operand)]


ODD = [None, True, False, 0, "", math.nan, dt.date(2020, 1, 1)]


def values_to_try(policy: Policy) -> dict[str, list[Any]]:
    near: dict[str, list[Any]] = {}
    for condition in _policy_conditions(policy):
        for leaf in condition_leaves(condition):
            near.setdefault(str(leaf["evidence"]), []).extend(_values_near(leaf))
    return {name: values + ODD for name, values in sorted(near.items())}


def as_compared(proposal: Proposal) -> tuple[Any, ...]:
    def fired(items: list[Any]) -> list[tuple[str, str, list[tuple[str, Any]]]]:
        # the values quoted, in the order read; NaN as text so that it equals itself
        return [
            (f.name, f.label, [(k, "nan" if isinstance(v, float) and v != v else v) for k, v in f.evidence.items()])
            for f in items
        ]

    return (proposal.category, fired(proposal.reasons), fired(proposal.triggers), proposal.derived)


@pytest.mark.parametrize("name", SHIPPED)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_proposer_proposes_what_apply_policy_proposes(name: str, data: st.DataObject) -> None:
    policy = policy_named(name)
    tried = values_to_try(policy)
    base = data.draw(st.fixed_dictionaries({n: st.sampled_from(values) for n, values in tried.items()}))
    # Schools that differ from one another in one value only: where the proposer took two of them for alike
    # when a rule would tell them apart, one of them gets the other's proposal.
    schools = [base] + [{**base, n: value} for n, values in tried.items() for value in values]
    propose = policy_proposer(policy)
    for evidence in schools + schools[::-1]:  # each seen again: the second time from the remembered proposal
        assert_same(policy, propose, evidence)


def assert_same(policy: Policy, propose: Any, evidence: dict[str, Any]) -> None:
    try:
        expected = as_compared(apply_policy(policy, evidence))
    except TypeError:  # text compared with a number: refused alike
        with pytest.raises(TypeError):
            propose(evidence)
    else:
        assert as_compared(propose(evidence)) == expected


def test_evidence_the_policy_cannot_place_is_decided_as_apply_policy_decides() -> None:
    policy = policy_named("barnet-2020")
    propose = policy_proposer(policy)
    for odd in ([1, 2], "text", {"a": 1}):
        assert_same(policy, propose, {"latest_grade": odd, "grade_age_years": odd, "risk": odd})
