"""``headway concerns``: the schools-causing-concern register from the command line.

- ``list --la CODE [--json] [--removed]``: the schools on the register (with ``--removed``, those removed too);
- ``pack --meeting ID --out FILE.pdf``: the review group's pack for a meeting;
- ``board --la CODE --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.pdf``: the termly summary for the board.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.concerns.models import ConcernStatus, ReviewGroupMeeting, SchoolCausingConcern
from headway.concerns.pdf import board_summary_pdf, review_group_pack_pdf
from headway.concerns.selectors import board_summary, concerns_list, open_warning_notice
from headway.schools.models import LocalAuthority


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD") from exc


def _removed_rows(authority: LocalAuthority) -> list[dict[str, Any]]:
    """The register's removed schools, in the shape of ``selectors.concerns_list``."""
    rows: list[dict[str, Any]] = []
    for concern in (
        SchoolCausingConcern.objects.filter(establishment__local_authority=authority, status=ConcernStatus.REMOVED)
        .select_related("establishment", "lead_officer")
        .order_by("establishment__name", "-designated_on")
    ):
        officer = concern.lead_officer
        notice = open_warning_notice(concern)
        rows.append(
            {
                "urn": str(concern.establishment.urn),
                "name": concern.establishment.name,
                "since": concern.designated_on.isoformat(),
                "triggers": [str(t.get("name", "")) for t in concern.triggers],
                "lead_officer": (officer.get_full_name() or officer.get_username()) if officer else None,
                "status": concern.status,
                "warning_notice": None
                if notice is None
                else {
                    "issued_on": notice.issued_on.isoformat(),
                    "ground": notice.ground,
                    "compliance_ends_on": notice.compliance_ends_on.isoformat(),
                    "outcome": notice.outcome,
                },
            }
        )
    return rows


class Command(BaseCommand):
    help = (
        "Schools causing concern. `list` prints an LA's register (--json for scripts), `pack` writes the review "
        "group's pack for a meeting and `board` the termly summary for the standards partnership board (PDF)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        listing = commands.add_parser("list", help="the schools on an LA's register of schools causing concern")
        listing.add_argument("--la", required=True, help="LA code, e.g. 850")
        listing.add_argument("--json", action="store_true", help='print {"schools": [...]} as JSON')
        listing.add_argument("--removed", action="store_true", help="include schools removed from the register")

        pack = commands.add_parser("pack", help="write the review group's pack for a meeting as a PDF")
        pack.add_argument("--meeting", required=True, type=int, help="the meeting's id")
        pack.add_argument("--out", required=True, type=Path, help="the PDF to write")

        board = commands.add_parser("board", help="write the termly summary for the standards partnership board")
        board.add_argument("--la", required=True, help="LA code, e.g. 850")
        board.add_argument("--from", dest="term_start", required=True, help="first day of the term, YYYY-MM-DD")
        board.add_argument("--to", dest="term_end", required=True, help="last day of the term, YYYY-MM-DD")
        board.add_argument("--out", required=True, type=Path, help="the PDF to write")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list(options)
        elif action == "pack":
            self._pack(options)
        elif action == "board":
            self._board(options)
        else:  # pragma: no cover - argparse refuses anything else
            raise CommandError(f"unknown action {action!r}")

    def _authority(self, code: str) -> LocalAuthority:
        authority = LocalAuthority.objects.filter(code=code).first()
        if authority is None:
            raise CommandError(f"no local authority {code!r} in the register")
        return authority

    def _write(self, out: Path, content: bytes) -> None:
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc}") from exc
        self.stdout.write(f"Wrote {out} ({len(content):,} bytes)")

    def _list(self, options: dict[str, Any]) -> None:
        authority = self._authority(options["la"])
        schools = concerns_list(authority)
        if options["removed"]:
            schools = sorted(schools + _removed_rows(authority), key=lambda s: (s["name"], s["since"]))
        if options["json"]:
            self.stdout.write(json.dumps({"schools": schools}, indent=2))
            return
        what = "on the register or removed" if options["removed"] else "on the register"
        if not schools:
            self.stdout.write(f"No schools causing concern {what} in {authority.name}.")
            return
        self.stdout.write(f"Schools causing concern {what} in {authority.name}: {len(schools)}")
        headings = ("URN", "School", "Since", "Status", "Lead officer", "Warning notice", "Triggers")
        table = [
            (
                s["urn"],
                s["name"],
                s["since"],
                str(ConcernStatus(s["status"]).label) if s["status"] in ConcernStatus.values else s["status"],
                s["lead_officer"] or "-",
                f"{s['warning_notice']['issued_on']} ({s['warning_notice']['outcome']})"
                if s["warning_notice"]
                else "-",
                ", ".join(s["triggers"]) or "-",
            )
            for s in schools
        ]
        widths = [max(len(str(row[i])) for row in [headings, *table]) for i in range(len(headings) - 1)]
        for row in [headings, *table]:
            cells = [str(value).ljust(width) for value, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, str(row[-1])]))

    def _pack(self, options: dict[str, Any]) -> None:
        meeting = ReviewGroupMeeting.objects.select_related("local_authority").filter(pk=options["meeting"]).first()
        if meeting is None:
            raise CommandError(f"no review group meeting with id {options['meeting']}")
        self._write(options["out"], review_group_pack_pdf(meeting))

    def _board(self, options: dict[str, Any]) -> None:
        authority = self._authority(options["la"])
        start = _iso_date(options["term_start"])
        end = _iso_date(options["term_end"])
        if end < start:
            raise CommandError(f"the term ends ({end}) before it starts ({start})")
        self._write(options["out"], board_summary_pdf(board_summary(authority, term_start=start, term_end=end)))
