"""``headway settings summary --la CODE [--as-of DATE] --json``: the authority's active early years settings,
how many are inspected and the share good or better; ``headway settings categorise``: a categorisation round."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from headway.earlyyears import services
from headway.earlyyears.policy import settings_policy_named
from headway.earlyyears.selectors import settings_summary
from headway.policy_files import PolicyError
from headway.refusals import RuleRefused
from headway.schools.models import LocalAuthority


class Command(BaseCommand):
    help = "Early years settings: the summary the strategy reports, and categorisation rounds."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        summary = sub.add_parser("summary", help="active settings, inspected, % good or better, by type")
        summary.add_argument("--la", required=True, help="LA code, e.g. 302")
        summary.add_argument("--as-of", type=dt.date.fromisoformat, help="as on this date (default today)")
        summary.add_argument("--policy", default=None, help="settings policy that defines good or better")
        summary.add_argument("--json", action="store_true")
        categorise = sub.add_parser("categorise", help="propose a category for every active setting")
        categorise.add_argument("--la", required=True)
        categorise.add_argument("--policy", required=True)
        categorise.add_argument("--as-of", type=dt.date.fromisoformat)

    def handle(self, *args: Any, **options: Any) -> None:
        authority = LocalAuthority.objects.filter(code=options["la"]).first()
        if authority is None:
            raise CommandError(f"no local authority {options['la']!r} in the register")
        as_of = options["as_of"] or timezone.localdate()
        try:
            policy = settings_policy_named(options["policy"]) if options["policy"] else settings_policy_named()
        except PolicyError as exc:
            raise CommandError(str(exc)) from exc
        if options["action"] == "summary":
            summary = settings_summary(authority, as_of=as_of, policy=policy)
            if options["json"]:
                self.stdout.write(json.dumps(summary.as_json(), indent=2))
                return
            share = f"{summary.good_or_better_pct}%" if summary.good_or_better_pct is not None else "no figure"
            self.stdout.write(
                f"{authority.name}, {as_of:%-d %B %Y}: {summary.settings} active settings, {summary.inspected} "
                f"inspected, {share} of those good or better."
            )
            for kind, figures in summary.by_type.items():
                self.stdout.write(f"  {kind}: {figures['settings']} active, {figures['inspected']} inspected")
            return
        try:
            settings_round = services.round_run(local_authority=authority, policy=policy, as_of=as_of, by=None)
        except (PolicyError, RuleRefused) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{settings_round.proposals.count()} settings categorised (round {settings_round.pk}).")
