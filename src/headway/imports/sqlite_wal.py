"""The embedded SQLite database in WAL mode, so readers never wait for an import's writes.

Switching a file to WAL needs the database to itself, so it is tried when a connection opens and the file is not
in WAL mode yet; a file that is busy at that moment is left as it is for this connection (the next connection
tries again) rather than failing the request with "database is locked". In-memory databases (the tests') have
no WAL and are left alone."""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper


def use_wal(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        row = cursor.fetchone()
        if row is None or str(row[0]).lower() in {"wal", "memory"}:
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except OperationalError:
            return
