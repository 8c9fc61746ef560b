"""The real background runner in tests: django-tasks-db's database queue and its worker loop, in this process.

Tests run tasks at once by default (tests/conftest.py); ``database_queue`` switches a test to the database queue
the product uses, and ``WorkerThread`` runs ``headway db_worker``'s own loop (django_tasks_db's Worker) in a
thread, as the demo's and production's worker process does.

pytest-django's SQLite test database is in memory, shared by the live server's threads through one connection;
the worker thread uses that same connection (as Django's LiveServerThread does). On PostgreSQL the thread has its
own connection, closed when it stops.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db import OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker


def use_database_queue(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class WorkerThread(threading.Thread):
    """``headway db_worker --interval 0.1`` in a thread; ``stop()`` lets the task in hand finish, then ends."""

    def __init__(self) -> None:
        super().__init__(name="headway-test-worker", daemon=True)
        self.worker = Worker(
            queue_names=["default"],
            interval=0.1,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="headway-test-worker",
            excluded_queue_names=[],
        )
        main = connections["default"]  # the connection itself, not django.db.connection's per-thread proxy
        self.shared = main if main.vendor == "sqlite" and main.is_in_memory_db() else None
        self.error: BaseException | None = None

    def run(self) -> None:
        if self.shared is not None:
            connections["default"] = self.shared
        try:
            while True:
                try:
                    self.worker.run()
                    break
                except OperationalError as exc:
                    # The in-memory database's one connection is shared with the live server's threads: a
                    # statement of theirs still open makes the worker's BEGIN EXCLUSIVE fail at once with "table
                    # is locked" (the busy timeout does not apply to a shared connection). Try again, as the
                    # worker process does on its next poll.
                    if self.shared is None or "locked" not in str(exc) or not self.worker.running:
                        raise
                    time.sleep(0.05)
        except BaseException as exc:  # pragma: no cover - reported by stop()
            self.error = exc
        finally:
            if self.shared is None:
                connections.close_all()

    def __enter__(self) -> WorkerThread:
        if self.shared is not None:
            self.shared.inc_thread_sharing()
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.worker.running = False
        self.join(timeout=60)
        if self.shared is not None:
            self.shared.dec_thread_sharing()
        assert not self.is_alive(), "the worker did not stop"
        if self.error is not None:
            raise self.error
