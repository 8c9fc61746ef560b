"""``headway kpi``: load an LA's KPI set, and print its KPI table for a year.

headway kpi load NAME|FILE [--as USERNAME] [--json]     (NAME: a shipped or configured set, e.g. barnet-2017-20)
headway kpi sets                                        (the sets that can be loaded by name)
headway kpi table --la 302 --year 2019 [--set NAME] [--json | --csv]
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.accounts.models import User
from headway.schools.models import LocalAuthority
from headway.strategy.definitions import KpiSetFileError, KpiSetNotFound, kpi_set_names, kpi_set_path
from headway.strategy.exports import csv_rows
from headway.strategy.selectors import KpiReport, KpiRow, kpi_report
from headway.strategy.services import kpi_set_load
from headway.strategy.targets import NO_FIGURE

HUMAN_COLUMNS = ("Indicator", "Pupils", "Baseline", "Target", "Actual", "Rank", "National", "Met")


class Command(BaseCommand):
    help = (
        "Load a KPI set (kpi load barnet-2017-20, or a file), list the sets (kpi sets), or print an LA's KPI "
        "table for a year (kpi table --la 302 --year 2019)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{load,sets,table}")
        load = actions.add_parser(
            "load", help="load a KPI set by name (kpi sets lists them) or a YAML file (again: brings it in line)"
        )
        load.add_argument("file", help="a set's name, e.g. barnet-2017-20, or a KPI-set YAML file")
        actions.add_parser("sets", help="the KPI sets that can be loaded by name (the LA's configuration first)")
        load.add_argument("--as", dest="username", help="record the change as made by this user")
        load.add_argument("--json", action="store_true", help="print one JSON object with the counts and errors")
        table = actions.add_parser("table", help="an LA's KPI table for a year")
        table.add_argument("--la", required=True, help="LA code, e.g. 302")
        table.add_argument("--year", type=int, required=True, help="summer of the academic year (2019 = 2018/19)")
        table.add_argument("--set", dest="set_name", help="the KPI set's name (default: the LA's latest set)")
        output = table.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true", help="one JSON object on the last line")
        output.add_argument("--csv", action="store_true", help="CSV with a header row")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self._load(options)
        elif options["action"] == "sets":
            for name in kpi_set_names():
                self.stdout.write(f"{name}  {kpi_set_path(name)}")
        else:
            self._table(options)

    def _load(self, options: dict[str, Any]) -> None:
        user = None
        if options["username"]:
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"no user called {options['username']!r}")
        given: str = options["file"]
        path = Path(given)
        if not path.is_file():
            try:
                path = kpi_set_path(given)
            except KpiSetNotFound as exc:
                raise CommandError(f"{given!r} is neither a file nor a KPI set's name: {exc}") from exc
        try:
            result = kpi_set_load(
                path=path, actor=user, actor_name="headway kpi load (command line)", display_name=str(path)
            )
        except KpiSetFileError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"file": str(path), "errors": exc.problems, "rejected": True}))
            else:
                for problem in exc.problems:
                    self.stderr.write(problem)
                self.stderr.write(f"{path}: not loaded ({len(exc.problems)} problem(s)); nothing was changed.")
            raise SystemExit(2) from exc
        if options["json"]:
            self.stdout.write(json.dumps({**result.as_json(), "rejected": False}))
        else:
            self.stdout.write(result.summary())

    def _table(self, options: dict[str, Any]) -> None:
        authority = LocalAuthority.objects.filter(code=options["la"]).first()
        if authority is None:
            raise CommandError(f"no local authority {options['la']!r} (load its KPI set first: headway kpi load FILE)")
        report = kpi_report(authority=authority, year=options["year"], set_name=options["set_name"])
        if report.kpi_set is None:
            wanted = f"called {options['set_name']!r} " if options["set_name"] else ""
            raise CommandError(f"{authority} has no KPI set {wanted}(load one: headway kpi load FILE)")
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
        elif options["csv"]:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(csv_rows(report.rows))
            self.stdout.write(buffer.getvalue(), ending="")
        else:
            self._print_table(report)

    def _print_table(self, report: KpiReport) -> None:
        assert report.kpi_set is not None
        self.stdout.write(f"{report.kpi_set.name}: {report.local_authority}, {report.year}")
        lines = [list(HUMAN_COLUMNS), *(_human_row(row) for row in report.rows)]
        widths = [max(len(line[i]) for line in lines) for i in range(len(HUMAN_COLUMNS))]

        def write(line: list[str]) -> None:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())

        write(lines[0])
        self.stdout.write("  ".join("-" * width for width in widths))
        if report.is_grouped:
            for group in report.groups:
                heading = group.name or "Other indicators"
                self.stdout.write(f"[{heading}{f' - {group.owner}' if group.owner else ''}]")
                for row in group.rows:
                    write(_human_row(row))
        else:
            for line in lines[1:]:
                write(line)
        notes = [(row.indicator, note) for row in report.rows for note in row.notes]
        if notes:
            self.stdout.write("")
            for indicator, note in notes:
                self.stdout.write(f"note: {indicator}: {note}")
        self.stdout.write(
            "Rank: among all LAs with a figure, 1 = best, ties share a rank. * computed from school figures "
            "(not published by DfE). † entered locally by the LA. No data: a figure the target needs is missing."
        )


def _human_row(row: KpiRow) -> list[str]:
    baseline = NO_FIGURE
    if row.baseline_value is not None:
        star = "*" if row.baseline_source == "computed" else ""
        star = star or ("†" if row.baseline_source == "local" else "")
        baseline = f"{row.baseline_text}{star} ({row.baseline_year})"
    elif row.baseline_year is not None:
        baseline = f"{NO_FIGURE} ({row.baseline_year})"
    target = row.target + (f" by {row.target_year}" if row.target_year and row.has_target else "")
    if row.region:
        target += f" [{row.region}: {row.regional_text}{'*' if row.regional_source == 'computed' else ''}]"
    actual = row.actual_text + ("*" if row.actual_source == "computed" else "†" if row.actual_source == "local" else "")
    rank = f"{row.rank} of {row.of}" if row.rank is not None else NO_FIGURE
    national = row.national_text + ("*" if row.national_source == "computed" else "")
    return [row.indicator, row.scope_label, baseline, target, actual, rank, national, row.met_text]
