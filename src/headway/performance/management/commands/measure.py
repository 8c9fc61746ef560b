"""``headway measure``: one measure for an LA (value, rank among all LAs, top 10%) or for a school."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.performance import selectors
from headway.performance.catalogue import catalogue


class Command(BaseCommand):
    help = "Show a measure for an LA (--la) or a school (--urn) in a year, with benchmarks and rank."

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--la", help="LA code, e.g. 302")
        target.add_argument("--urn", type=int, help="a school's URN")
        parser.add_argument("--year", type=int, required=True, help="summer of the academic year (2019 = 2018/19)")
        parser.add_argument("--measure", required=True, help="measure code, e.g. ks4.att8")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["measure"] not in catalogue().measures:
            raise CommandError(
                f"unknown measure {options['measure']!r}; known: {', '.join(sorted(catalogue().measures))}"
            )
        if options["la"]:
            result = selectors.la_measure(la_code=options["la"], year=options["year"], measure_code=options["measure"])
        else:
            result = selectors.school_measure(urn=options["urn"], year=options["year"], measure_code=options["measure"])
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")
