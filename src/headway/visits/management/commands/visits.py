"""``headway visits plan --la CODE --year YEAR``: build or rebuild an LA's visit plan from confirmed categories."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from headway.accounts.models import User
from headway.schools.models import LocalAuthority
from headway.visits.planning import visit_plan_build


class Command(BaseCommand):
    help = "Visit plans. `plan` builds (or rebuilds, keeping visits done, cancelled or moved by hand) a year's plan."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        plan = commands.add_parser("plan", help="build or rebuild the visit plan of an LA for an academic year")
        plan.add_argument("--la", required=True, help="LA code, e.g. 302")
        plan.add_argument("--year", required=True, type=int, help="the year the academic year starts (2025 = 2025/26)")
        plan.add_argument("--as-of", type=dt.date.fromisoformat, help="treat this date as today (default: today)")
        plan.add_argument("--as", dest="as_user", help="record the rebuild as this user")
        plan.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        authority = LocalAuthority.objects.filter(code=options["la"]).first()
        if authority is None:
            raise CommandError(f"no local authority {options['la']!r} in the register")
        by = None
        if options["as_user"]:
            by = User.objects.filter(username=options["as_user"]).first()
            if by is None:
                raise CommandError(f"no user called {options['as_user']!r}")
        result = visit_plan_build(
            local_authority=authority,
            start_year=options["year"],
            today=options["as_of"] or timezone.localdate(),
            by=by,
            actor_name="headway visits plan (command line)",
        )
        summary = result.summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary))
            return
        self.stdout.write(
            f"Visit plan {result.academic_year} for {authority.name}: {summary['schools']} schools, "
            f"{summary['visits']} visits; {len(result.not_categorised)} schools not categorised (no plan)"
        )
        for code, row in summary["by_category"].items():
            self.stdout.write(f"  category {code}: {row['schools']} schools, {row['visits']} visits")
        for name, row in summary["by_officer"].items():
            self.stdout.write(f"  {name}: {row['schools']} schools, {row['visits']} visits")
        for note in result.notes:
            self.stdout.write(f"note: {note}")
