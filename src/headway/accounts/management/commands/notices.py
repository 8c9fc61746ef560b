"""``headway notices``: the scheduled notices, safe to run as often as wanted (from cron or a task queue).

- ``send-due [--as-of DATE] [--within DAYS] [--json]``: tells lead officers and schools' users about action plan
  reviews due within DAYS days (default 14) or overdue, once per review per due date.
- ``weekly-digest [--as-of DATE] [--dry-run] [--json]``: each officer's weekly digest (notes awaiting a
  school's response, visits overdue), once per ISO week.

For example: ``0 7 * * * headway notices send-due`` and ``0 7 * * MON headway notices weekly-digest``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from headway.accounts.notices import long_date, person_name
from headway.concerns.notices import DEFAULT_WITHIN_DAYS, review_due_send
from headway.visits import notifications


def _as_of(value: object) -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise CommandError(f"--as-of {value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Scheduled notices: `send-due` (action plan reviews due) and `weekly-digest` (officers' digest)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        due = commands.add_parser("send-due", help="notices of action plan reviews due soon or overdue")
        due.add_argument("--as-of", help="the day to count from (YYYY-MM-DD); default today")
        due.add_argument(
            "--within", type=int, default=DEFAULT_WITHIN_DAYS, help="days ahead to look (default %(default)s)"
        )
        due.add_argument("--json", action="store_true", help="print one JSON object")
        digest = commands.add_parser("weekly-digest", help="each officer's weekly digest, once a week")
        digest.add_argument("--as-of", help="the day to count overdue visits from (YYYY-MM-DD); default today")
        digest.add_argument("--dry-run", action="store_true", help="show the digests still to go, sending nothing")
        digest.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _as_of(options["as_of"])
        if options["action"] == "send-due":
            self._send_due(today, options)
        else:
            self._digest(today, options)

    def _send_due(self, today: dt.date, options: dict[str, Any]) -> None:
        within = int(options["within"])
        if within < 0:
            raise CommandError("--within must be 0 or more days.")
        told = review_due_send(today=today, within_days=within)
        if options["json"]:
            rows = [
                {
                    "urn": item.concern.establishment.urn,
                    "due_on": item.due_on.isoformat(),
                    "overdue": item.overdue,
                    "user": user.username,
                }
                for item, user in told
            ]
            self.stdout.write(json.dumps({"as_of": today.isoformat(), "within": within, "sent": rows}))
            return
        self.stdout.write(f"Sent {len(told)} notice(s) of action plan reviews due, {long_date(today)}.")
        for item, user in told:
            state = "overdue since" if item.overdue else "due by"
            self.stdout.write(
                f"  {person_name(user)}: {item.concern.establishment.name}, {state} {long_date(item.due_on)}"
            )

    def _digest(self, today: dt.date, options: dict[str, Any]) -> None:
        dry = bool(options["dry_run"])
        digests = notifications.digests_unsent(today=today) if dry else notifications.digest_send(today=today)
        if options["json"]:
            payload = {"as_of": today.isoformat(), "sent": not dry, "digests": [d.as_json() for d in digests]}
            self.stdout.write(json.dumps(payload))
            return
        verb = "Would send" if dry else "Sent"
        self.stdout.write(f"{verb} {len(digests)} digest(s) for the week of {long_date(today)}.")
        for digest in digests:
            self.stdout.write(
                f"  {person_name(digest.officer)}: {len(digest.awaiting)} note(s) awaiting a response, "
                f"{len(digest.overdue)} visit(s) overdue"
            )
