"""``headway restore FILE [--yes]``: replace the database with a backup made by ``headway backup``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.accounts import backup


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `headway backup`. Refuses a file that is not a Headway "
        "backup or is from a newer version of Headway; asks before replacing a database that holds data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a backup made by `headway backup`")
        parser.add_argument("--yes", action="store_true", help="replace the database even though it already holds data")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            found = backup.check_restorable(path)
        except backup.BackupRefused as exc:
            raise CommandError(str(exc)) from exc
        holding = backup.tables_with_rows()
        if holding and not options["yes"] and not self._confirmed(len(holding)):
            raise CommandError(
                f"The database already holds data ({len(holding)} tables have rows); restoring would replace all "
                "of it. Nothing was changed. Run again with --yes to replace it."
            )
        try:
            backup.restore(found)
        except backup.BackupRefused as exc:
            raise CommandError(f"{exc} The database was left as it was.") from exc
        self.stdout.write(f"Restored the database from {found.path}.")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("The database is at this version's schema (migrations applied).")

    def _confirmed(self, tables: int) -> bool:
        if not sys.stdin.isatty():
            return False
        self.stdout.write(f"The database already holds data ({tables} tables have rows). Replace all of it?")
        answer = input("Type yes to replace it: ")
        return answer.strip().lower() == "yes"
