"""The index of keys an import has seen (``headway.imports.keys_seen``, issue 12: memory flat as files grow):
it must find every repeat, and the row first seen, whether the earlier key is still among the newest or has
been merged into the sorted arrays."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from headway.imports.keys_seen import RECENT_LIMIT, KeysSeen
from headway.schools.models import EstablishmentLink
from tests.helpers import load


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.one_of(st.integers(-5, 60), st.tuples(st.integers(0, 9), st.text(max_size=2))), max_size=120),
    limit=st.integers(1, 9),
)
def test_every_repeat_is_found_with_the_row_first_seen(keys: list[object], limit: int) -> None:
    seen = KeysSeen(recent_limit=limit)
    expected: dict[object, int] = {}
    for row, key in enumerate(keys, start=2):
        first = expected.setdefault(key, row)
        assert seen.first_row(key, row) == first
    assert len(seen) == len(expected)


def test_keys_of_different_types_that_compare_equal_are_told_apart_by_their_repr() -> None:
    # A key's repr is its identity: URN 1 (an int) and "1" (text) are different keys, as importers build them.
    seen = KeysSeen(recent_limit=1)
    assert seen.first_row(1, 2) == 2
    assert seen.first_row("1", 3) == 3
    assert seen.first_row(1, 4) == 2


def test_a_link_repeated_thousands_of_rows_later_is_still_a_problem(db: None, tmp_path: Path) -> None:
    # Far more rows than the newest keys kept in the dict, so the first row is found in the sorted arrays.
    rows = [f"{100000 + n},{200000 + n},School {n},Successor,01-09-2015" for n in range(RECENT_LIMIT * 2 + 10)]
    rows.append("100007,200007,School 7 again,Successor,01-09-2016")
    path = tmp_path / "links_far_apart.csv"
    path.write_text("URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n" + "\n".join(rows) + "\n")
    result = load("gias-links", path)
    assert result.rejected
    assert result.errors == [
        f"links_far_apart.csv:{len(rows) + 1}:LinkURN: the link from URN 100007 to URN 200007 (Successor) "
        "is already in the file at row 9"
    ]
    assert EstablishmentLink.objects.count() == 0
