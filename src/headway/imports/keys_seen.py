"""The keys an import has seen so far in its file, to find a row that repeats an earlier row's key, in about
12 bytes a row whatever the key (issue 12: memory stays flat as files grow).

A key is kept as a 64-bit fingerprint (BLAKE2b of its ``repr``) with the row it was first seen at. The newest
few thousand are kept in a dict; older ones in two sorted NumPy arrays (fingerprints, rows), into which the
dict is merged each time it fills. A Python dict of int to int costs about 130 bytes a row; the arrays cost 12.
Two different keys of one file share a fingerprint with a chance of about one in 30 million for a
million-row file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable

import numpy as np
import numpy.typing as npt

#: Keys kept in the dict before they are merged into the sorted arrays.
RECENT_LIMIT = 4096


def fingerprint(key: Hashable) -> int:
    """A 64-bit fingerprint of a record's key (its ``repr``, stable within a file)."""
    return int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "little")


class KeysSeen:
    """Which keys a file has given so far, and at which row each was first given."""

    def __init__(self, recent_limit: int = RECENT_LIMIT) -> None:
        self._recent_limit = recent_limit
        self._recent: dict[int, int] = {}
        self._fingerprints: npt.NDArray[np.uint64] = np.empty(0, dtype=np.uint64)
        self._rows: npt.NDArray[np.uint32] = np.empty(0, dtype=np.uint32)

    def __len__(self) -> int:
        return len(self._recent) + len(self._fingerprints)

    def first_row(self, key: Hashable, row: int) -> int:
        """The row ``key`` was first seen at; ``row`` itself (and ``key`` is remembered) if it is new."""
        key_print = fingerprint(key)
        first = self._recent.get(key_print)
        if first is not None:
            return first
        stored = self._fingerprints
        if len(stored):
            index = int(np.searchsorted(stored, np.uint64(key_print)))
            if index < len(stored) and int(stored[index]) == key_print:
                return int(self._rows[index])
        self._recent[key_print] = row
        if len(self._recent) >= self._recent_limit:
            self._merge_recent()
        return row

    def _merge_recent(self) -> None:
        count = len(self._recent)
        prints = np.fromiter(self._recent.keys(), dtype=np.uint64, count=count)
        rows = np.fromiter(self._recent.values(), dtype=np.uint32, count=count)
        self._recent = {}
        order = np.argsort(prints, kind="stable")
        prints, rows = prints[order], rows[order]
        # Each new fingerprint goes in before the first stored one not below it: one copy of the arrays.
        at = np.searchsorted(self._fingerprints, prints)
        self._fingerprints = np.insert(self._fingerprints, at, prints)
        self._rows = np.insert(self._rows, at, rows)
