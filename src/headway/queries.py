"""Reading many rows by key without one query per row, and without a query the database refuses for having
too many parameters (SQLite allows about 32,000)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import models

T = TypeVar("T")

#: Keys per ``__in`` lookup.
CHUNK = 2000


def in_chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """The values, ``size`` at a time, in the order given."""
    listed = list(values)
    for start in range(0, len(listed), size):
        yield listed[start : start + size]


def known_related(instance: models.Model, related_name: str, objects: Sequence[models.Model]) -> None:
    """Give ``instance`` its related objects as ``prefetch_related(related_name)`` would, from rows already read:
    ``instance.<related_name>.all()`` then answers without a query. For tens of thousands of instances this costs
    a list each, where Django's prefetching builds and filters a query set each (seconds for a national round).
    The objects must be all of the instance's related rows, in the model's order."""
    cache: dict[str, Any] = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[related_name] = objects
