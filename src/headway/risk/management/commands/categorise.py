"""``headway categorise --la CODE --policy NAME``: run a categorisation round from the command line."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from headway.accounts.models import User
from headway.risk.policy import PolicyError, policy_named
from headway.risk.services import round_confirm_all, round_run
from headway.schools.models import LocalAuthority


class Command(BaseCommand):
    help = "Propose a category for every open school of an LA under a policy; optionally confirm them all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--la", required=True, help="LA code, e.g. 302")
        parser.add_argument("--policy", required=True, help="policy name, e.g. barnet-2020")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="use evidence available on this date")
        parser.add_argument("--confirm-as", help="confirm every proposal unchanged as this user (scripted rounds)")
        parser.add_argument("--no-risk", action="store_true", help="do not score schools with the risk model")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            policy = policy_named(options["policy"])
        except PolicyError as exc:
            raise CommandError(str(exc)) from exc
        authority = LocalAuthority.objects.filter(code=options["la"]).first()
        if authority is None:
            raise CommandError(f"no local authority {options['la']!r} in the register")
        confirmer = None
        if options["confirm_as"]:
            confirmer = User.objects.filter(username=options["confirm_as"]).first()
            if confirmer is None:
                raise CommandError(f"no user called {options['confirm_as']!r}")
        try:
            categorisation_round = round_run(
                local_authority=authority,
                policy=policy,
                as_of=options["as_of"] or timezone.localdate(),
                by=None,
                actor_name="headway categorise (command line)",
                with_risk=not options["no_risk"],
            )
        except PolicyError as exc:
            raise CommandError(str(exc)) from exc
        if confirmer is not None:
            round_confirm_all(categorisation_round=categorisation_round, by=confirmer)
        proposals = categorisation_round.proposals.select_related("establishment").order_by("establishment__urn")
        result = {
            "policy": policy.name,
            "policy_version": policy.version,
            "round": categorisation_round.pk,
            "as_of": categorisation_round.as_of.isoformat(),
            "notes": categorisation_round.notes,
            "schools": [
                {
                    "urn": str(p.establishment.urn),
                    "name": p.establishment.name,
                    "category": p.category,
                    "causing_concern": p.causing_concern,
                    "triggers": [t["name"] for t in p.triggers],
                    "reasons": [r["label"] for r in p.reasons],
                    "risk": p.risk,
                }
                for p in proposals
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        counts: dict[str, int] = {}
        for school in result["schools"]:
            counts[school["category"]] = counts.get(school["category"], 0) + 1
        self.stdout.write(f"{policy.title}: {len(result['schools'])} schools as of {result['as_of']}")
        for code, count in sorted(counts.items()):
            self.stdout.write(f"  {code}: {count} ({policy.category(code).label})")
        for note in categorisation_round.notes:
            self.stdout.write(f"note: {note}")
