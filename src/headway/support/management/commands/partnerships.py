"""``headway partnerships``: the partnership match-maker from the command line.

- ``propose --la CODE --year YYYY [--json] [--save] [--time-limit S] [--policy NAME]``: propose the year's
  partnerships (schools an officer fixed stay where they are); ``--save`` stores them as proposals;
- ``generate-preferences --la CODE --year YYYY [--seed N] [--replace]``: invent survey answers for a
  demonstration or a benchmark (refused when schools have answered themselves, unless ``--replace``).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from headway.risk.policy import PolicyError
from headway.schools.models import LocalAuthority
from headway.support.optimiser import propose
from headway.support.partnership_policy import DEFAULT_POLICY, PartnershipPolicy, partnership_policy_named
from headway.support.partnerships import PartnershipRuleError, generate_preferences, proposal_save

ACTOR = "headway partnerships"


class Command(BaseCommand):
    help = (
        "School-improvement partnerships. `propose` runs the match-making optimiser for an LA's year (--json for "
        "scripts, --save to store the proposal); `generate-preferences` invents survey answers for demonstrations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        proposing = commands.add_parser("propose", help="propose partnerships for the schools that asked")
        proposing.add_argument("--la", required=True, help="LA code, e.g. 850")
        proposing.add_argument("--year", type=int, required=True, help="the academic year's start, e.g. 2026")
        proposing.add_argument("--json", action="store_true", help="print the proposal as JSON")
        proposing.add_argument("--save", action="store_true", help="store the proposal as proposed partnerships")
        proposing.add_argument("--time-limit", type=float, default=8.0, help="seconds for the solver (default 8)")
        proposing.add_argument(
            "--policy", default=DEFAULT_POLICY, help=f"partnership policy (default {DEFAULT_POLICY})"
        )

        generating = commands.add_parser("generate-preferences", help="invent survey answers (demonstrations)")
        generating.add_argument("--la", required=True, help="LA code, e.g. 850")
        generating.add_argument("--year", type=int, required=True, help="the academic year's start, e.g. 2026")
        generating.add_argument("--seed", type=int, default=1, help="the same seed gives the same answers")
        generating.add_argument("--replace", action="store_true", help="supersede answers schools gave")
        generating.add_argument(
            "--policy", default=DEFAULT_POLICY, help=f"partnership policy (default {DEFAULT_POLICY})"
        )

    def handle(self, *args: object, **options: object) -> None:
        authority = LocalAuthority.objects.filter(code=str(options["la"])).first()
        if authority is None:
            raise CommandError(f"No local authority with code {options['la']!r} is in the register.")
        try:
            policy = partnership_policy_named(str(options["policy"]))
        except PolicyError as exc:
            raise CommandError(str(exc)) from exc
        year = options["year"]
        assert isinstance(year, int)
        if options["action"] == "propose":
            self._propose(authority, year, policy, options)
        else:
            seed = options["seed"]
            assert isinstance(seed, int)
            try:
                count = generate_preferences(
                    local_authority=authority,
                    start_year=year,
                    policy=policy,
                    seed=seed,
                    replace=bool(options["replace"]),
                )
            except PartnershipRuleError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Recorded {count} generated survey answers for {authority.name}, {year}.")

    def _propose(
        self, authority: LocalAuthority, year: int, policy: PartnershipPolicy, options: dict[str, object]
    ) -> None:
        limit = options["time_limit"]
        assert isinstance(limit, float)
        proposal = propose(authority, year, policy=policy, time_limit=limit)
        if options["save"]:
            try:
                proposal_save(
                    local_authority=authority,
                    start_year=year,
                    proposal=proposal,
                    policy=policy,
                    by=None,
                    actor_name=ACTOR,
                )
            except PartnershipRuleError as exc:
                raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(proposal.as_json()))
            return
        self.stdout.write(
            f"{len(proposal.partnerships)} partnerships proposed for {authority.name}, {year} ({proposal.status}); "
            f"{len(proposal.unplaced)} schools not placed; preference satisfaction "
            f"{proposal.preference_satisfaction:.1%}; {proposal.solve_seconds:.1f} s."
        )
        for partnership in proposal.partnerships:
            self.stdout.write(
                f"  {partnership.type:10} {partnership.score:7.1f}  {', '.join(map(str, partnership.schools))}"
            )
        for unplaced in proposal.unplaced:
            self.stdout.write(f"  not placed: {unplaced.urn}: {unplaced.reason}")
        for binding in proposal.binding:
            self.stdout.write(f"  binding: {binding.count} {binding.description}")
        if options["save"]:
            self.stdout.write("Saved as proposed partnerships.")
