"""headway notes_digest: the officers' weekly digest of notes awaiting a response and visits overdue.

An LA runs it weekly from cron, e.g. ``0 7 * * MON /srv/headway/.venv/bin/headway notes_digest``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from headway.visits import notifications


class Command(BaseCommand):
    help = "Send each officer a notice and an email: notes awaiting the school's response, visits overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="the day to count overdue visits from (YYYY-MM-DD); default today")
        parser.add_argument("--dry-run", action="store_true", help="show the digests without sending anything")
        parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["as_of"]:
            try:
                today = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"--as-of {options['as_of']!r} is not a date (YYYY-MM-DD)") from exc
        send = notifications.digests if options["dry_run"] else notifications.digest_send
        digests = send(today=today)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "as_of": today.isoformat(),
                        "sent": not options["dry_run"],
                        "digests": [d.as_json() for d in digests],
                    }
                )
            )
            return
        verb = "Would send" if options["dry_run"] else "Sent"
        self.stdout.write(f"{verb} {len(digests)} digest(s) for {today}.")
        for digest in digests:
            self.stdout.write(
                f"  {digest.officer.username}: {len(digest.awaiting)} note(s) awaiting a response, "
                f"{len(digest.overdue)} visit(s) overdue"
            )
