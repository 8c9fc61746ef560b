"""``headway.queries.json_text``: JSON fields written in bulk (a round's proposals) must read back as Django's own
``json.dumps`` would have written them, and refuse what Django refuses."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import given
from hypothesis import strategies as st

from headway.queries import json_text

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_json_text_reads_back_as_json_dumps_does(value: Any) -> None:
    assert json.loads(json_text(value)) == json.loads(json.dumps(value))


def test_keys_that_are_not_text_are_written_as_text_as_json_dumps_does() -> None:
    assert json.loads(json_text({1: "a", 2.5: "b"})) == json.loads(json.dumps({1: "a", 2.5: "b"}))


def test_a_fields_own_encoder_is_used_and_what_django_refuses_is_refused() -> None:
    assert json.loads(json_text({"on": dt.date(2026, 12, 2)}, DjangoJSONEncoder)) == {"on": "2026-12-02"}
    assert json.loads(json_text([Decimal("1.50")], DjangoJSONEncoder)) == ["1.50"]
    for refused in (dt.date(2026, 12, 2), Decimal("1.5"), {1, 2}):
        with pytest.raises(TypeError):
            json_text({"value": refused})


def test_a_float_that_is_not_a_number_is_never_written_as_nan() -> None:
    # json.dumps would write NaN, which is not JSON (PostgreSQL refuses it); orjson writes null.
    assert json_text({"value": math.nan}) == '{"value":null}'
