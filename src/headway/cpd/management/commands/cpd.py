"""``headway cpd``: the CPD offer from the command line.

- ``uptake --la CODE --year YYYY [--json]``: the year's uptake by category and by area (schools, schools with a
  place, places booked and attended, and the schools that need a course on offer and booked one) and the income
  from traded courses per term, as on the uptake page.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.cpd import selectors
from headway.cpd.selectors import UptakeRow
from headway.reports.terms import academic_year_label
from headway.schools.models import LocalAuthority


def _row(row: UptakeRow) -> dict[str, Any]:
    return {
        "schools": row.schools,
        "schools_booking": row.schools_booking,
        "take_up": row.take_up,
        "places": row.places,
        "attended": row.attended,
        "schools_with_need": row.schools_with_need,
        "schools_with_need_booking": row.schools_with_need_booking,
    }


class Command(BaseCommand):
    help = "The CPD offer. `uptake` prints the year's uptake by category and area and the income from traded courses."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        uptake = commands.add_parser("uptake", help="uptake by category and area, and income, for a year")
        uptake.add_argument("--la", required=True, help="LA code, e.g. 370")
        uptake.add_argument("--year", type=int, required=True, help="the academic year's start, e.g. 2025")
        uptake.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: object, **options: object) -> None:
        authority = LocalAuthority.objects.filter(code=str(options["la"])).first()
        if authority is None:
            raise CommandError(f"No local authority with code {options['la']!r} is in the register.")
        year = options["year"]
        assert isinstance(year, int)
        report = selectors.uptake(authority, start_year=year)
        income = selectors.income(authority, start_year=year)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "la": authority.code,
                        "year": academic_year_label(year),
                        "by_category": [{"category": r.label, **_row(r)} for r in report["by_category"]],
                        "by_area": [{"area": r.label, **_row(r)} for r in report["by_area"]],
                        "total": _row(report["total"]),
                        "income": {
                            "terms": [
                                {"term": t["term"], "places": t["places"], "income": str(t["income"])}
                                for t in income["terms"]
                            ],
                            "places": income["places"],
                            "total": str(income["total"]),
                        },
                    }
                )
            )
            return
        self.stdout.write(f"CPD uptake in {authority.name}, {academic_year_label(year)}")
        for title, rows in (("By category", report["by_category"]), ("By area", report["by_area"])):
            self.stdout.write(f"\n{title}:")
            for r in rows:
                take_up = f" ({r.take_up}%)" if r.take_up is not None else ""
                self.stdout.write(
                    f"  {r.label}: {r.schools_booking} of {r.schools} schools with a place{take_up}, "
                    f"{r.places} places, {r.attended} attended; {r.schools_with_need_booking} of "
                    f"{r.schools_with_need} that need a course on offer booked one"
                )
        self.stdout.write("\nIncome from traded courses:")
        for t in income["terms"]:
            self.stdout.write(f"  {t['term']}: £{t['income']:,} for {t['places']} places")
        self.stdout.write(f"  {academic_year_label(year)}: £{income['total']:,} for {income['places']} places")
