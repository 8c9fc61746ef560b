"""On SQLite, an import's write never locks readers out: the database runs in WAL mode, write transactions
begin IMMEDIATE (a second writer queues for the lock instead of failing half-way) and connections wait up to the
busy timeout. Checked on a real database file with the connection settings Headway uses."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper


def connection_to(path: Path, alias: str) -> Any:
    configured = settings.DATABASES["default"]
    if configured["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    wrapper = DatabaseWrapper({**configured, "NAME": str(path), "OPTIONS": dict(configured["OPTIONS"])}, alias)
    wrapper.ensure_connection()
    return wrapper


def test_readers_are_not_locked_out_while_an_import_writes(tmp_path: Path, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        readers_can_read_during_a_write(tmp_path / "headway.sqlite3")


def readers_can_read_during_a_write(path: Path) -> None:
    writer = connection_to(path, "writer")
    reader = connection_to(path, "reader")
    try:
        assert writer.cursor().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert writer.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert writer.settings_dict["OPTIONS"]["timeout"] >= 1
        writer.cursor().execute("CREATE TABLE school (urn INTEGER, name TEXT)")
        writer.cursor().execute("INSERT INTO school VALUES (100000, 'Alton Infant School')")
        writer.set_autocommit(False)  # an import's long write transaction, still open
        writer.cursor().execute("UPDATE school SET name = 'Renamed'")
        started = time.monotonic()
        assert reader.cursor().execute("SELECT name FROM school").fetchall() == [("Alton Infant School",)]
        assert time.monotonic() - started < 1
        writer.commit()
        assert reader.cursor().execute("SELECT name FROM school").fetchall() == [("Renamed",)]
    finally:
        writer.close()
        reader.close()
