"""``headway config check [DIR]``: validate an LA's configuration (or the LA's folder and the shipped set)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway import configuration
from headway.configuration_check import check


class Command(BaseCommand):
    help = "Check every configuration file (policies, rules, KPI sets, templates); problems as file:line: problem."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        checking = sub.add_parser("check", help="validate the configuration")
        checking.add_argument(
            "directory", nargs="?", help="a configuration folder (default: the LA's and the shipped set)"
        )
        sub.add_parser("where", help="say where the LA's configuration folder is")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "where":
            self.stdout.write(str(configuration.config_dir()))
            return
        directory = Path(options["directory"]).resolve() if options.get("directory") else None
        if directory is not None and not directory.is_dir():
            raise CommandError(f"{directory} is not a folder")
        count, problems = check(directory)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {count} configuration file(s)")
        self.stdout.write(f"{count} configuration file(s) checked: no problems")
