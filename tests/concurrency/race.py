"""Running two operations at the same time, so that a missing row lock shows.

``race(first, second)`` runs ``first`` in a thread and holds it inside its transaction, just after its first
audit event is written (after it has read what it checks and written what it decided, before it commits),
while ``second`` runs in another thread. With the lock, ``second`` waits for ``first`` to commit and then sees
what it did; without it, ``second`` reads the state from before ``first`` and both act on it. ``first`` waits
for ``second`` to finish, or HOLD seconds when ``second`` is (rightly) waiting for its lock.

On PostgreSQL this is the meaningful test. SQLite serialises writers, so there the second writer may instead be
told the database is locked; ``Outcome.locked_out`` says so, and the tests accept it only on SQLite.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from unittest import mock

from django.db import OperationalError, connection, connections

from headway.accounts import audit

HOLD = 1.5  # seconds the first operation holds its transaction open while the second one waits for its lock


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None

    @property
    def locked_out(self) -> bool:
        """SQLite's answer to a second writer: the database (or a table) is locked."""
        return isinstance(self.error, OperationalError) and "locked" in str(self.error)

    def refused(self, kind: type[BaseException] | tuple[type[BaseException], ...]) -> bool:
        return isinstance(self.error, kind)


def on_sqlite() -> bool:
    return connection.vendor == "sqlite"


def race(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Outcome, Outcome]:
    holding = threading.Event()
    second_done = threading.Event()
    outcomes = (Outcome(), Outcome())
    original = audit.record
    first_thread: list[threading.Thread] = []

    def held_record(*args: Any, **kwargs: Any) -> Any:
        event = original(*args, **kwargs)
        if first_thread and threading.current_thread() is first_thread[0] and not holding.is_set():
            holding.set()
            second_done.wait(HOLD)
        return event

    def run(operation: Callable[[], Any], outcome: Outcome, done: threading.Event | None) -> None:
        try:
            outcome.value = operation()
        except BaseException as exc:
            outcome.error = exc
        finally:
            if done is not None:
                done.set()
            holding.set()
            connections.close_all()

    with mock.patch.object(audit, "record", held_record):
        one = threading.Thread(target=run, args=(first, outcomes[0], None))
        first_thread.append(one)
        one.start()
        holding.wait(30)
        two = threading.Thread(target=run, args=(second, outcomes[1], second_done))
        two.start()
        two.join(60)
        one.join(60)
    assert not one.is_alive() and not two.is_alive(), "an operation never finished"
    return outcomes


def one_won(first: Outcome, second: Outcome, refusal: type[BaseException] | tuple[type[BaseException], ...]) -> None:
    """Exactly one of the two succeeded, and the other was refused by the rules (or, on SQLite only, locked out)."""
    assert first.succeeded, first.error
    if on_sqlite() and second.locked_out:
        return
    assert second.refused(refusal), f"the second operation was not refused: {second.error or second.value!r}"


def assert_chained(events: list[Any], field: str) -> None:
    """Each change's "before" is the previous change's "after": nobody changed a value they had not seen."""
    for earlier, later in itertools.pairwise(events):
        assert later.before.get(field) == earlier.after.get(field), (
            f"{later.verb}: changed {field} from {later.before.get(field)!r}, but it was {earlier.after.get(field)!r}"
        )
