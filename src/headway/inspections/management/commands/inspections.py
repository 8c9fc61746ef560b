"""``headway inspections``: what Ofsted's inspections say about an LA's schools, from the command line.

- ``standing --la CODE [--as-of YYYY-MM-DD] [--json]``: every open state-funded school of the LA with its
  standing (latest outcome, category of concern, stuck, RISE, the next inspection window), by URN;
- ``share --la CODE --as-of YYYY-MM-DD [--phase primary|secondary|all] [--json]``: the share of schools, and
  of pupils, in good or better schools, against the region and England, with the LA's rank among all LAs.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from headway.inspections.share import (
    PHASES,
    ShareResult,
    UnknownAuthority,
    authority_named,
    good_school_share,
    open_schools,
)
from headway.inspections.standing import Standing, standings
from headway.schools.models import LocalAuthority


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD") from exc


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _percent(value: float | None) -> str:
    return f"{value:.1f}%" if value is not None else "no figure"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _window(standing: Standing) -> str:
    window = standing.window
    if window is None or window.opens is None or window.closes is None:
        return window.reason if window is not None else "-"
    return f"{window.opens:%b %Y} to {window.closes:%b %Y}"


def share_sentences(result: ShareResult) -> list[str]:
    """The share in sentences a headteacher would read."""
    la, name = result.la, result.la_name
    phase = {"all": "schools", "primary": "primary schools", "secondary": "secondary schools"}[result.phase]
    if not la.schools:
        lines = [f"On {_day(result.as_of)}, none of {name}'s open {phase} has an inspection outcome on record."]
    else:
        lines = [
            f"On {_day(result.as_of)}, {_percent(result.schools_pct)} of {name}'s {phase} with an inspection outcome "
            f"were good or better ({la.good_schools:,} of {la.schools:,})."
        ]
        if la.pupils:
            lines.append(
                f"{_percent(result.pupils_pct)} of their pupils attended a good or better school "
                f"({la.good_pupils:,} of {la.pupils:,})."
            )
        else:
            lines.append("There are no pupil numbers for these schools, so there is no share of pupils.")
    if result.region_tally is not None:
        lines.append(
            f"{result.region}: {_percent(result.region_tally.schools_pct)} of schools and "
            f"{_percent(result.region_tally.pupils_pct)} of pupils."
        )
    england = result.england
    lines.append(f"England: {_percent(england.schools_pct)} of schools and {_percent(england.pupils_pct)} of pupils.")
    if result.rank is not None:
        pupils = f" ({_ordinal(result.pupils_rank)} on pupils)" if result.pupils_rank is not None else ""
        lines.append(
            f"{name} ranks {_ordinal(result.rank)} of {result.of} local authorities on the share of schools{pupils}."
        )
    if la.not_inspected == 1:
        lines.append("1 open school has no inspection outcome yet and is not counted.")
    elif la.not_inspected:
        lines.append(f"{la.not_inspected} open schools have no inspection outcome yet and are not counted.")
    if la.without_pupils:
        lines.append(f"{la.without_pupils} school(s) with an outcome have no pupil numbers: counted as schools only.")
    return lines


class Command(BaseCommand):
    help = (
        "What Ofsted's inspections say about an LA's schools. `standing` lists every open state-funded school "
        "with its latest outcome, category, whether it is stuck or eligible for RISE and its next inspection "
        "window; `share` gives the share of schools and of pupils in good or better schools, with the region, "
        "England and the LA's rank (--json for scripts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        standing = commands.add_parser("standing", help="every open state-funded school of an LA with its standing")
        standing.add_argument("--la", required=True, help="LA code, e.g. 302")
        standing.add_argument("--as-of", dest="as_of", help="the day, YYYY-MM-DD (default: today)")
        standing.add_argument("--json", action="store_true", help='print {"schools": [...]} as JSON')

        share = commands.add_parser("share", help="the share of schools and pupils in good or better schools")
        share.add_argument("--la", required=True, help="LA code, e.g. 302")
        share.add_argument("--as-of", dest="as_of", required=True, help="the day, YYYY-MM-DD")
        share.add_argument("--phase", choices=PHASES, default="all", help="primary, secondary or all (default)")
        share.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "standing":
            self._standing(options)
        elif action == "share":
            self._share(options)
        else:  # pragma: no cover - argparse refuses anything else
            raise CommandError(f"unknown action {action!r}")

    def _authority(self, code: str) -> LocalAuthority:
        try:
            return authority_named(code)
        except UnknownAuthority as exc:
            raise CommandError(str(exc)) from exc

    def _standing(self, options: dict[str, Any]) -> None:
        authority = self._authority(options["la"])
        as_of = _iso_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        schools = list(open_schools(as_of).filter(local_authority=authority).order_by("urn"))
        found = standings(schools, as_of=as_of)
        ordered = [found[school.pk] for school in schools]
        if options["json"]:
            self.stdout.write(json.dumps({"schools": [s.as_json() for s in ordered]}, indent=2))
            return
        if not ordered:
            self.stdout.write(f"No open state-funded schools in {authority.name} on {_day(as_of)}.")
            return
        self.stdout.write(f"{authority.name}: {len(ordered)} open schools on {_day(as_of)}")
        headings = ("URN", "School", "Latest outcome", "Category", "Stuck", "RISE", "Next inspection", "In window")
        table = [
            (
                str(s.urn),
                s.name,
                s.summary + (f" (predecessor {s.inherited_from_urn})" if s.inherited_from_urn else ""),
                s.category_label or "-",
                "Yes" if s.stuck else "No",
                "Yes" if s.rise_eligible else "No",
                _window(s),
                ("Overdue" if s.overdue else "Yes") if s.in_window else "No",
            )
            for s in ordered
        ]
        widths = [max(len(row[i]) for row in [headings, *table]) for i in range(len(headings) - 1)]
        for row in [headings, *table]:
            cells = [value.ljust(width) for value, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[-1]]))

    def _share(self, options: dict[str, Any]) -> None:
        code = options["la"]
        as_of = _iso_date(options["as_of"])
        try:
            result = good_school_share(code, as_of=as_of, phase=options["phase"])
        except UnknownAuthority as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), indent=2))
            return
        for line in share_sentences(result):
            self.stdout.write(line)
