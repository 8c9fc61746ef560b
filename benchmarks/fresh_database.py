"""Run a benchmark against a freshly migrated database: a temporary SQLite file unless
HEADWAY_DATABASE_URL names another database."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run_on_fresh_database(run: Callable[[str], int], *, prefix: str) -> int:
    """Set up Django, migrate, call ``run(database_vendor)`` and remove the temporary database."""
    temporary = None
    if not os.environ.get("HEADWAY_DATABASE_URL"):
        temporary = tempfile.mkdtemp(prefix=prefix)
        os.environ["HEADWAY_VAR_DIR"] = temporary
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.settings")
    # Debug stays off (it would keep every query in memory); Headway then needs a secret key to start.
    os.environ.setdefault("HEADWAY_SECRET_KEY", "headway-benchmarks-only-secret-key-0123456789-abcdefghij")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", verbosity=0)
        return run(connection.vendor)
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)


def emptied(*models: Any) -> None:
    """Empty the models' tables as a fresh database has them: ``TRUNCATE`` on PostgreSQL, where deleting every
    row leaves the dead rows in the table and its indexes until a vacuum (a later run's lookups then wade through
    them: the KS2 import took 3.6 s instead of 1.5 s after a few runs); ``DELETE`` on SQLite."""
    from django.core.management.color import no_style
    from django.db import connection

    tables = [model._meta.db_table for model in models]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
