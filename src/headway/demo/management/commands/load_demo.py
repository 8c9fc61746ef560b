"""``headway load_demo``: load the shipped real sample data and the demo's year of school improvement, dated
relative to the day it is loaded, and create the demo users (idempotent). The steps are in ``headway.demo``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.demo.imports import DemoFileRejected
from headway.demo.loader import demo_load


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"a date such as 2026-12-01, not {text!r}") from exc


class Command(BaseCommand):
    help = "Load the shipped demo data (Hampshire, Barnet, Barnsley, Walsall) and create demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=Path("data/demo"))
        parser.add_argument(
            "--today",
            type=_day,
            default=None,
            help="load the demo as if today were this day (YYYY-MM-DD; default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo_load(folder=options["data_dir"], today=options["today"], write=self.stdout.write)
        except DemoFileRejected as exc:
            raise CommandError(str(exc)) from exc
