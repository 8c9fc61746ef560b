"""``headway import KIND FILE``: load a published file into Headway."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.accounts.models import User
from headway.imports.registry import importer_for, importers
from headway.imports.services import run_import


class Command(BaseCommand):
    help = "Import a published DfE, GIAS or Ofsted file. Exit status 2 means the file was rejected."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(importers()), help="what the file is")
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-bad-rows", action="store_true", help="skip rows with bad values, import the rest")
        parser.add_argument("--json", action="store_true", help="print one JSON object with the counts and errors")
        parser.add_argument("--as", dest="username", help="record the import as made by this user")
        parser.add_argument("--dataset", help="performance: ks2, ks4, ks5, census, absence or ks4-destinations")
        parser.add_argument("--year", type=int, help="performance: the summer the results belong to (2019 = 2018/19)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["username"]:
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"no user called {options['username']!r}")
        path: Path = options["file"]
        if options["kind"] == "areas" and not path.exists():
            # An LA's areas live in its configuration folder (config/areas/NAME.csv): import them by name.
            from headway import configuration

            found = configuration.find("areas", str(path))
            if found is not None:
                path = found
        importer_options = {name: options[name] for name in ("dataset", "year") if options[name] is not None}
        try:
            importer = importer_for(options["kind"], **importer_options)
        except (TypeError, ValueError) as exc:
            raise CommandError(f"{options['kind']}: {exc}") from exc
        result = run_import(
            importer,
            path,
            display_name=str(path),
            user=user,
            actor_name="headway import (command line)",
            skip_bad_rows=options["skip_bad_rows"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json()))
        else:
            for notice in result.notices:
                self.stdout.write(f"note: {notice}")
            for error in result.errors:
                self.stderr.write(error)
            if result.rejected and not options["skip_bad_rows"]:
                self.stderr.write("To import the other rows, run again with --skip-bad-rows.")
            self.stdout.write(result.summary())
        if result.rejected:
            raise SystemExit(2)
