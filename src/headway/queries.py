"""Reading many rows by key without one query per row, and without a query the database refuses for having
too many parameters (SQLite allows about 32,000)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: Keys per ``__in`` lookup.
CHUNK = 2000


def in_chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """The values, ``size`` at a time, in the order given."""
    listed = list(values)
    for start in range(0, len(listed), size):
        yield listed[start : start + size]
