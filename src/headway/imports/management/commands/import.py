"""``headway import KIND FILE``: load a published file into Headway."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.accounts.models import User
from headway.imports import jobs
from headway.imports.registry import importer_for, importers

ACTOR = "headway import (command line)"


class Command(BaseCommand):
    help = (
        "Import a published DfE, GIAS or Ofsted file. Exit status 2 means the file was rejected, 3 that the same "
        "file is already being imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(importers()), help="what the file is")
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-bad-rows", action="store_true", help="skip rows with bad values, import the rest")
        parser.add_argument("--json", action="store_true", help="print one JSON object with the counts and errors")
        parser.add_argument("--as", dest="username", help="record the import as made by this user")
        parser.add_argument("--dataset", help="performance: ks2, ks4, ks5, census, absence or ks4-destinations")
        parser.add_argument("--year", type=int, help="performance: the summer the results belong to (2019 = 2018/19)")
        parser.add_argument(
            "--background",
            action="store_true",
            help="hand the file to the background worker (headway db_worker) instead of importing it now",
        )

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
        del importer  # checked above; each run makes its own
        try:
            if options["background"]:
                self._queue(options, importer_options, path, user)
                return
            result = jobs.run_in_foreground(
                kind=options["kind"],
                options=importer_options,
                path=path,
                display_name=str(path),
                user=user,
                actor_name=ACTOR,
                skip_bad_rows=options["skip_bad_rows"],
            )
        except jobs.AlreadyImporting as refusal:
            if options["json"]:
                self.stdout.write(json.dumps({"refused": True, "reason": refusal.message}))
            else:
                self.stderr.write(refusal.message)
            raise SystemExit(3) from None
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

    def _queue(self, options: dict[str, Any], importer_options: dict[str, Any], path: Path, user: User | None) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open("rb") as handle:
            stored = jobs.store_upload(iter(lambda: handle.read(1024 * 1024), b""), path.name)
        job = jobs.start_upload(
            kind=options["kind"],
            options=importer_options,
            upload=stored,
            file_name=str(path),
            user=user,
            actor_name=ACTOR,
            skip_bad_rows=options["skip_bad_rows"],
        )
        if options["json"]:
            self.stdout.write(json.dumps({"queued": True, "job": job.pk, "status": job.status}))
        else:
            self.stdout.write(
                f"{path}: handed to the background worker as import {job.pk} ({job.get_status_display().lower()}); "
                "`headway db_worker` runs it, and the Imports page shows its progress."
            )
