"""``headway governance``: governing boards from the command line.

- ``chairs --la CODE [--as-of YYYY-MM-DD] [--json]``: every open school of the authority with its current chair;
  with ``--json``: ``{"schools": [{"urn", "chair", "appointed", "term_ends"}]}``, ``"chair": null`` for a
  school without one.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from headway.governance.selectors import chairs_for
from headway.schools.models import LocalAuthority


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD") from exc


def _day(value: dt.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else "not given"


class Command(BaseCommand):
    help = "Governing boards. `chairs` lists every open school of an LA with its current chair (--json for scripts)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        chairs = commands.add_parser("chairs", help="every open school of an LA with its current chair")
        chairs.add_argument("--la", required=True, help="LA code, e.g. 850")
        chairs.add_argument("--as-of", dest="as_of", help="the day, YYYY-MM-DD (default today)")
        chairs.add_argument("--json", action="store_true", help='print {"schools": [...]} as JSON')

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "chairs":  # pragma: no cover - argparse refuses anything else
            raise CommandError(f"unknown action {options['action']!r}")
        authority = LocalAuthority.objects.filter(code=options["la"]).first()
        if authority is None:
            raise CommandError(f"no local authority {options['la']!r} in the register")
        as_of = _iso_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        rows = chairs_for(authority, as_of)
        if options["json"]:
            self.stdout.write(json.dumps({"schools": [row.as_json() for row in rows]}, indent=2))
            return
        if not rows:
            self.stdout.write(f"{authority.name} has no open schools in the register.")
            return
        without = [row for row in rows if row.chair is None]
        self.stdout.write(
            f"Chairs of {authority.name}'s {len(rows)} open school(s) on {_day(as_of)}: {len(without)} without a chair"
        )
        for row in rows:
            chair = row.chair
            described = (
                f"{chair.name} (appointed {_day(chair.appointed_on)}, term ends {_day(chair.term_ends_on)})"
                if chair
                else "NO CHAIR"
            )
            self.stdout.write(f"{row.school.urn}  {row.school.name}: {described}")
