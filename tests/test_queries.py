"""``headway.queries.json_text``: JSON fields written in bulk (a round's proposals) must read back as Django's own
``json.dumps`` would have written them, and refuse what Django refuses. ``rows_for`` and ``stored_frame``: whole
tables read without sorting them; ``stored_frame_for``: the rows ``rows_for`` reads, as a frame; ``read_once``:
once within ``reads_shared``, and every time outside it."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from headway.queries import json_text, read_once, reads_shared, rows_for, stored_frame, stored_frame_for
from headway.schools.models import Establishment
from tests.factories import EstablishmentFactory

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


@pytest.mark.parametrize("wanted", ["all", "some", "many"])
@pytest.mark.parametrize("as_stored", [False, True])
def test_rows_are_read_without_the_models_default_ordering(
    db: None, monkeypatch: pytest.MonkeyPatch, wanted: str, as_stored: bool
) -> None:
    # A school's default ordering (authority, then name) sorted the whole register at every read, and an
    # inspection's (by date) had SQLite walk the date index: a national round read each twice as slowly.
    import headway.queries

    schools = EstablishmentFactory.create_batch(5)
    urns = {school.urn for school in schools}
    if wanted == "many":  # more than a query's list holds: the whole table is read and the rest left out
        monkeypatch.setattr(headway.queries, "WHOLE_TABLE_ABOVE", 2)
    chosen = None if wanted == "all" else set(sorted(urns)[:3])
    with CaptureQueriesContext(connection) as read:
        rows = rows_for(Establishment.objects.all(), "urn", chosen, ("urn", "name"), as_stored=as_stored)
    assert sorted(rows) == sorted((s.urn, s.name) for s in schools if chosen is None or s.urn in chosen)
    assert read.captured_queries and not any("ORDER BY" in q["sql"].upper() for q in read.captured_queries)

    with CaptureQueriesContext(connection) as read:
        frame = stored_frame(Establishment.objects.all(), ("urn",), {"urn": pl.Int64}, batch=2)
    assert sorted(frame["urn"].to_list()) == sorted(urns)
    assert not any("ORDER BY" in q["sql"].upper() for q in read.captured_queries)


@pytest.mark.parametrize("wanted", ["all", "some", "many", "none"])
def test_a_frame_for_some_keys_holds_the_rows_read_for_them(
    db: None, monkeypatch: pytest.MonkeyPatch, wanted: str
) -> None:
    import headway.queries

    schools = EstablishmentFactory.create_batch(5)
    urns = sorted(school.urn for school in schools)
    if wanted == "many":  # the whole table read, in batches, and the rest left out by Polars
        monkeypatch.setattr(headway.queries, "WHOLE_TABLE_ABOVE", 2)
    chosen = {"all": None, "some": set(urns[:3]), "many": set(urns[1:4]), "none": set()}[wanted]
    fields = ("urn", "name", "open_date")
    schema = {"urn": pl.Int64, "name": pl.Utf8, "open_date": pl.Date}
    with CaptureQueriesContext(connection) as read:
        frame = stored_frame_for(Establishment.objects.all(), "urn", chosen, fields, schema)
    assert frame.schema == pl.Schema(schema)
    assert sorted(frame.rows()) == sorted(rows_for(Establishment.objects.all(), "urn", chosen, fields, as_stored=True))
    assert len(frame) == (5 if chosen is None else len(chosen))
    assert not any("ORDER BY" in q["sql"].upper() for q in read.captured_queries)


def test_a_read_is_shared_only_within_a_block() -> None:
    reads: list[int] = []

    def read() -> int:
        reads.append(1)
        return len(reads)

    assert read_once("counted", read) == 1 and read_once("counted", read) == 2  # outside a block: read each time
    with reads_shared():
        assert read_once("counted", read) == 3
        assert read_once("counted", read) == 3  # the same, not read again
        assert read_once("another", read) == 4
    assert read_once("counted", read) == 5  # nothing is kept after the block
    with reads_shared():
        assert read_once("counted", read) == 6  # nor handed to the next block
