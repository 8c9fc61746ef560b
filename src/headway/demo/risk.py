"""A categorisation round for Hampshire under its own policy (the demo's configuration).

The round is as of the demo's GIAS extract's date (20 April 2022), not the day the demo is loaded: a round's
"as of" date says which evidence it read, and the demo's register, inspections and results stop in 2022, so a
later date would claim evidence the round never had and age every inspection by years that were never seen.
The round is still this year's: it is opened the day the demo is loaded, and its confirmed categories are the
ones the current year's visit plan is built from (``headway.demo.visits``). Rounds are never redone: a second
load finds the round and adds nothing."""

from __future__ import annotations

import datetime as dt

from headway.demo.data import ACTOR
from headway.risk.models import CategorisationRound
from headway.risk.policy import policy_named
from headway.risk.services import round_run
from headway.schools.models import LocalAuthority

POLICY = "hampshire-2022"
#: The date of the demo's GIAS extract (gias_edubasealldata20220420_850.csv): the evidence the round reads.
EVIDENCE_AS_OF = dt.date(2022, 4, 20)


def round_load(local_authority: LocalAuthority) -> list[str]:
    """Runs the round once; returns what it did."""
    if CategorisationRound.objects.filter(local_authority=local_authority).exists():
        return []
    categorisation_round = round_run(
        local_authority=local_authority, policy=policy_named(POLICY), as_of=EVIDENCE_AS_OF, by=None, actor_name=ACTOR
    )
    return [f"{categorisation_round} ({categorisation_round.proposals.count()} schools)"]
