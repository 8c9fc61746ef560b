"""``headway backup FILE``: a backup of the whole database (see ``headway.accounts.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.accounts import backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE: a pg_dump archive for PostgreSQL, a copy made with SQLite's online "
        "backup for SQLite. Restore it with `headway restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file to write (replaced if it exists)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = backup.backup(options["file"])
        except backup.BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        size = made.path.stat().st_size
        self.stdout.write(
            f"Backed up the {made.engine} database to {made.path} ({size:,} bytes, {len(made.tables)} tables)."
        )
