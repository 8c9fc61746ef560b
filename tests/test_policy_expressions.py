"""``policy_files.as_expression``: a policy condition decided for every row of a Polars frame at once (a national
round's standings) must decide each row as ``compiled`` decides it one at a time, for any condition an LA may
write (``all``, ``any``, ``not``; ``equals``, ``in`` and the four thresholds) over yes or no, whole numbers,
dates and text, with values missing; where it cannot, it says so (``NotAsColumns``) rather than decide
otherwise."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headway.policy_files import NotAsColumns, as_expression, compiled

DTYPES = {"flag": pl.Boolean, "grade": pl.Int64, "day": pl.Date, "kind": pl.Utf8}
VALUES = {
    "flag": st.sampled_from([True, False, None]),
    "grade": st.one_of(st.none(), st.integers(-1, 5)),
    "day": st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2021, 12, 31))),
    "kind": st.sampled_from(["graded", "report_card", "", None]),
}
OPERANDS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1, 5),
    st.sampled_from([2.5, 0.0]),
    st.dates(dt.date(2019, 1, 1), dt.date(2021, 12, 31)),
    st.sampled_from(["graded", "report_card", ""]),
)
THRESHOLDS = st.one_of(st.integers(-1, 5), st.sampled_from([2.5]), st.dates(dt.date(2019, 1, 1), dt.date(2021, 12, 31)))

leaf = st.one_of(
    st.builds(lambda name, value: {"evidence": name, "equals": value}, st.sampled_from(list(DTYPES)), OPERANDS),
    st.builds(
        lambda name, values: {"evidence": name, "in": values},
        st.sampled_from(list(DTYPES)),
        st.lists(OPERANDS, max_size=3),
    ),
    st.builds(
        lambda name, how, operand: {"evidence": name, how: operand},
        st.sampled_from(["flag", "grade", "day"]),
        st.sampled_from(["at_least", "at_most", "below", "above"]),
        THRESHOLDS,
    ),
)  # fmt: skip
conditions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(lambda parts: {"all": parts}, st.lists(inner, max_size=3)),
        st.builds(lambda parts: {"any": parts}, st.lists(inner, max_size=3)),
        st.builds(lambda part: {"not": part}, inner),
    ),
    max_leaves=6,
)
rows = st.lists(st.fixed_dictionaries(VALUES), min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(condition=conditions, facts=rows)
def test_every_row_is_decided_as_one_row_at_a_time(condition: dict[str, Any], facts: list[dict[str, Any]]) -> None:
    frame = pl.DataFrame(facts, schema=DTYPES)
    expression = as_expression(condition, frame.schema)
    decided = frame.with_columns(expression.alias("holds"))["holds"].to_list()
    one_at_a_time = compiled(condition)
    assert decided == [one_at_a_time(row) for row in facts]


def test_text_against_a_threshold_and_a_column_it_does_not_have_are_left_to_one_row_at_a_time() -> None:
    with pytest.raises(NotAsColumns):
        as_expression({"evidence": "kind", "at_least": 3}, DTYPES)  # (one at a time: Python refuses it)
    with pytest.raises(NotAsColumns):
        as_expression({"all": [{"evidence": "flag", "equals": True}, {"evidence": "unknown", "equals": 1}]}, DTYPES)
    with pytest.raises(NotAsColumns):
        as_expression({"evidence": "score", "below": 0.5}, {"score": pl.Float64})  # NaN orders otherwise
